import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { SaplingsStack } from '../../src';

/*
 * `cdk8s synth --format helm` synthesizes the app into a chart's templates/
 * (cdk8s-cli lib/cli/cmds/synth.js: synthApp(command, <outdir>/templates)),
 * and Helm runs every file there through Go's text/template. With
 * `helmSafeTemplates`, each file must parse and render back to exactly what the
 * app writes without the opt-in, which is what Prometheus and Grafana read.
 * Go is Debian's golang-go; without it the test is skipped, except in CI.
 */

const GO = spawnSync('go', ['version'], { encoding: 'utf8' });
const haveGo = GO.status === 0;
const RENDER = path.join(__dirname, 'render.go');

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-helm-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The templates/ folder of the chart of a stack with alerts and a dashboard. */
function chart(name: string, helmSafeTemplates: boolean): Record<string, string> {
  const templates = path.join(work, name, 'templates');
  const app = new App({ outdir: templates });
  new SaplingsStack(app, 'saplings', {
    app: { image: 'saplings:1.0.0' },
    alerts: { helmSafeTemplates },
    dashboard: { helmSafeTemplates },
  });
  app.synth();
  return Object.fromEntries(fs.readdirSync(templates).map((f) => [f, path.join(templates, f)]));
}

/** Renders files with Go's text/template, as Helm does; `undefined` and Go's message when it refuses one. */
function renderWithGo(files: string[]): { rendered?: Record<string, string>; error: string } {
  const env = { ...process.env, GOPROXY: 'off', GO111MODULE: 'off', GOCACHE: path.join(work, 'go-cache'), GOPATH: path.join(work, 'go') };
  const run = spawnSync('go', ['run', RENDER, ...files], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return run.status === 0 ? { rendered: JSON.parse(run.stdout), error: run.stderr } : { error: run.stderr };
}

const describeWithGo = haveGo ? describe : describe.skip;
if (!haveGo) {
  if (process.env.CI === 'true') {
    test('Go is installed for the Helm template test (apt-get install golang-go)', () => {
      expect(GO.error?.message ?? GO.stderr).toBe('go on PATH');
    });
  } else {
    console.warn('test/helm: Go is not installed (apt-get install golang-go); skipping the Helm template test');
  }
}

describeWithGo('GIVEN a chart synthesized for `cdk8s synth --format helm`', () => {
  test('WHEN helmSafeTemplates is on THEN every file parses under Go\'s text/template and renders to the text Prometheus and Grafana read without Helm', () => {
    const plain = chart('plain', false);
    const safe = chart('safe', true);
    const { rendered, error } = renderWithGo(Object.values(safe));
    expect(error).toBe('');
    const renderedByName = Object.fromEntries(Object.entries(safe).map(([name, file]) => [name, rendered?.[file]]));
    const original = Object.fromEntries(Object.entries(plain).map(([name, file]) => [name, fs.readFileSync(file, 'utf8')]));
    expect(renderedByName).toStrictEqual(original);
    // The comparison covers the templated text: the alerts and the dashboard are in it, with their `{{`.
    expect(Object.values(original).join('\n')).toContain('{{ $value | humanizePercentage }}');
    expect(Object.values(original).join('\n')).toContain('{{pod}}');
  });

  test('WHEN it is off THEN Go refuses the PrometheusRule\'s template, as Helm would', () => {
    const { rendered, error } = renderWithGo(Object.values(chart('unescaped', false)));
    expect(rendered).toBeUndefined();
    expect(error).toMatch(/undefined variable "\$value"|function "\w+" not defined/);
  });
});

describe('GIVEN a config with output.helmSafeTemplates', () => {
  test('THEN the stack it makes escapes its alerts and dashboard for Helm, and by default it does not', () => {
    const { StackConfigSchema } = require('../../src/config/schema') as typeof import('../../src/config/schema');
    const { stackPropsFromConfig } = require('../../src/targets/kubernetes/stack-props') as typeof import('../../src/targets/kubernetes/stack-props');
    const stackOf = (output: object) => {
      const config = StackConfigSchema.parse({ environment: 'production', image: 'saplings:1.0.0', monitoring: { dashboard: true }, output });
      return new SaplingsStack(new App(), config.name, stackPropsFromConfig(config));
    };
    const on = stackOf({ helmSafeTemplates: true });
    expect([on.alerts?.helmSafeTemplates, on.dashboard?.helmSafeTemplates]).toStrictEqual([true, true]);
    expect(Object.values(on.dashboard?.configMap.data ?? {}).join('')).toContain('{{ `{{` }}pod}}');
    const off = stackOf({});
    expect([off.alerts?.helmSafeTemplates, off.dashboard?.helmSafeTemplates]).toStrictEqual([false, false]);
  });
});
