import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { docSnippets } from '../helpers/doc-snippets';

/*
 * The package as a chart author gets it: packed, installed from the tarball
 * into a fresh cdk8s project that uses the tsconfig of cdk8s-cli's
 * typescript-app template (no esModuleInterop, no skipLibCheck, lib es2016,
 * node10 module resolution), compiled, and synthesized. `cdk8s init` itself
 * downloads the Kubernetes schema, so the template's files are used directly.
 */

const ROOT = path.join(__dirname, '..', '..');
const TEMPLATE = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
const versionOf = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;

const MAIN_TS = `import { App } from 'cdk8s';
import { RedisStore, SaplingsApp, SaplingsStack } from 'saplings-k8s';

const app = new App();
const stack = new SaplingsStack(app, 'saplings', { app: { image: 'saplings:1.0.0' } });
app.synth();
console.log(JSON.stringify([stack.app instanceof SaplingsApp, stack.redis instanceof RedisStore]));
`;

/** Resolves saplings-k8s/config the way the template's compiler options do (node10), and at run time. */
const RESOLVE_CONFIG_JS = `const ts = require('typescript');
const options = ts.parseJsonConfigFileContent(ts.readConfigFile('tsconfig.json', ts.sys.readFile).config, ts.sys, '.').options;
const types = ts.resolveModuleName('saplings-k8s/config', require('path').resolve('main.ts'), options, ts.sys).resolvedModule;
const config = require('saplings-k8s/config');
const schema = require('saplings-k8s/config/schema');
console.log(JSON.stringify([types && types.resolvedFileName.replace(/.*node_modules\\//, ''), typeof config.loadConfigFile, typeof schema.StackConfigSchema.parse]));
`;

/** A chart whose Deployment runs on the host network; its ServiceAccount shares the Deployment's name. */
const PLUGIN_MAIN_JS = `const { ApiObject, App, JsonPatch } = require('cdk8s');
const { SaplingsStack } = require('saplings-k8s');
const { recordConstructPaths } = require('saplings-k8s/validation');
const app = new App();
const stack = new SaplingsStack(app, 'saplings', { app: { image: 'saplings:1.0.0' } });
ApiObject.of(stack.app.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
recordConstructPaths(app);
app.synth();
`;

/** The cdk8s.yaml lines of docs/library.md: a local path, a pinned version, the class. */
const PLUGIN_CDK8S_YAML = `language: typescript
app: node main.js
validations:
  - package: ./node_modules/saplings-k8s/validation.js
    version: 0.1.0
    class: SaplingsValidation
    properties:
      environment: production
`;

/** A chart author's app that reads saplings.yaml through saplings-k8s/config and names its types. */
const CONFIG_CONSUMER_TS = `import { App } from 'cdk8s';
import { SaplingsStack } from 'saplings-k8s';
import { InputError, StackConfig, StackConfigInput, formatProblem, loadConfig, parseConfigText, stackPropsFromConfig } from 'saplings-k8s/config';

const input: StackConfigInput = { environment: 'production', image: 'saplings:1.0.0' };
const stacks: StackConfig[] = parseConfigText(JSON.stringify(input), 'inline.yaml');
const replicas: number = stacks[0].app.replicas;
const app = new App();
for (const config of stacks) new SaplingsStack(app, config.name, stackPropsFromConfig(config));
try {
  loadConfig('missing.yaml');
} catch (e) {
  if (e instanceof InputError) console.log(e.problems.map(formatProblem).length > 0, replicas > 0);
}
`;

let work: string;
let tarball: string;

beforeAll(() => {
  // lib/ is already built by `npm run test:e2e`; prepack's rebuild would empty it under the suites running beside this one.
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-k8s-package-'));
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--silent'], { cwd: ROOT, encoding: 'utf8' });
  tarball = path.join(work, packed.trim().split('\n').pop()!);
}, 240_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The TypeScript programs of README.md and docs/, which a chart author would paste. */
function readmeSnippets(): string[] {
  return docSnippets().map((s) => `// ${s.file}:${s.line}\n${s.code}`);
}

/** A fresh project from the typescript-app template, with these packages installed. Returns npm's result. */
function consumer(name: string, packages: string[]) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(TEMPLATE, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, license: 'Apache-2.0' }));
  fs.writeFileSync(path.join(dir, 'main.ts'), MAIN_TS);
  readmeSnippets().forEach((code, i) => fs.writeFileSync(path.join(dir, `readme-${i}.ts`), code));
  fs.writeFileSync(path.join(dir, 'config-consumer.ts'), CONFIG_CONSUMER_TS);
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, ...packages], { cwd: dir, encoding: 'utf8' });
  return { dir, install };
}

describe('the packed package in a stock cdk8s project', () => {
  it('ships no source maps, a LICENSE, a CHANGELOG and no build on install', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(files.filter((f) => f.endsWith('.map'))).toStrictEqual([]);
    expect(files).toEqual(
      expect.arrayContaining(['package/LICENSE', 'package/CHANGELOG.md', 'package/lib/src/index.d.ts', 'package/lib/src/config-api.d.ts', 'package/validation.js', 'package/lib/src/validation/index.d.ts']),
    );
    // The CLI as one bundle, with the code cache the build recorded of it (bin/load-bundle.js).
    expect(files).toEqual(expect.arrayContaining(['package/bin/saplings-k8s.js', 'package/bin/load-bundle.js', 'package/lib/cli.js', 'package/lib/cli.js.cache']));
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    expect(manifest.scripts.prepare).toBeUndefined();
    expect(manifest.scripts.install).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toStrictEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
  });

  it('compiles a chart of the constructs under the template tsconfig, synthesizes it, and resolves saplings-k8s/config', () => {
    const { dir, install } = consumer('stock', [
      `cdk8s@${versionOf('cdk8s')}`, `cdk8s-plus-28@${versionOf('cdk8s-plus-28')}`, `constructs@${versionOf('constructs')}`,
      `typescript@${versionOf('typescript')}`, '@types/node@20',
    ]);
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.status).toBe(0);
    const tsc = spawnSync(process.execPath, [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    const run = spawnSync(process.execPath, ['main.js'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toStrictEqual([true, true]);
    // The docs' examples (README.md and docs/) compiled with main.ts; each synthesizes on its own, in a project
    // that has the saplings.yaml docs/library.md's "Reading saplings.yaml in your own app" reads.
    fs.copyFileSync(path.join(ROOT, 'examples', 'saplings.yaml'), path.join(dir, 'saplings.yaml'));
    expect(readmeSnippets().length).toBeGreaterThanOrEqual(7);
    readmeSnippets().forEach((_code, i) => {
      const out = path.join(dir, `readme-${i}-out`);
      const snippet = spawnSync(process.execPath, [`readme-${i}.js`], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out } });
      expect(snippet.stderr).toBe('');
      expect(fs.readdirSync(out).length).toBeGreaterThan(0);
    });
    fs.writeFileSync(path.join(dir, 'resolve-config.js'), RESOLVE_CONFIG_JS);
    const resolved = spawnSync(process.execPath, ['resolve-config.js'], { cwd: dir, encoding: 'utf8' });
    expect(resolved.stderr).toBe('');
    expect(JSON.parse(resolved.stdout)).toStrictEqual(['saplings-k8s/lib/src/config-api.d.ts', 'function', 'function']);
    // config-consumer.ts, which imports saplings-k8s/config, compiled above with no esModuleInterop and no skipLibCheck.
    const consumed = spawnSync(process.execPath, ['config-consumer.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: path.join(dir, 'config-out') } });
    expect(consumed.stderr).toBe('');
    expect(consumed.stdout.trim()).toBe('true true');
    const manifest = fs.readFileSync(path.join(dir, 'dist', 'saplings.k8s.yaml'), 'utf8');
    expect(manifest).toContain('kind: Deployment');
    // One copy of each peer: the chart's.
    for (const peer of ['cdk8s', 'constructs', 'cdk8s-plus-28']) {
      expect(fs.existsSync(path.join(dir, 'node_modules', 'saplings-k8s', 'node_modules', peer))).toBe(false);
    }
    // The installed CLI runs from its bundle, on this project's peers, compiled from the shipped code cache
    // (packed on this Node), and writes what the checkout's CLI writes.
    const installedBin = path.join(dir, 'node_modules', 'saplings-k8s', 'bin', 'saplings-k8s.js');
    const cli = spawnSync(process.execPath, [installedBin, 'synth', '--out', 'cli-out'], { cwd: dir, encoding: 'utf8' });
    expect({ status: cli.status, stderr: cli.stderr }).toStrictEqual({ status: 0, stderr: 'wrote cli-out/saplings.k8s.yaml\n' });
    const checkout = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'saplings-k8s.js'), 'synth', '--out', 'checkout-out'], { cwd: dir, encoding: 'utf8' });
    expect(checkout.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'cli-out', 'saplings.k8s.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'checkout-out', 'saplings.k8s.yaml'), 'utf8'));
    const loader = path.join(dir, 'node_modules', 'saplings-k8s', 'bin', 'load-bundle.js');
    const cached = spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(loader)}).loadBundle().usedCodeCache))`], { cwd: dir, encoding: 'utf8' });
    expect(cached.stdout).toBe('true');
  }, 300_000);

  it('runs as a cdk8s-cli validation plugin from a local path: `cdk8s synth` reports the violation with its construct, offline', () => {
    const { dir, install } = consumer('plugin', [`cdk8s@${versionOf('cdk8s')}`, `cdk8s-plus-28@${versionOf('cdk8s-plus-28')}`, `constructs@${versionOf('constructs')}`]);
    expect(install.status).toBe(0);
    fs.writeFileSync(path.join(dir, 'main.js'), PLUGIN_MAIN_JS);
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), PLUGIN_CDK8S_YAML);
    const pluginsDir = path.join(work, 'plugins');
    const reports = path.join(work, 'reports.json');
    const cli = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    const synth = spawnSync(process.execPath, [cli, 'synth', '--plugins-dir', pluginsDir, '--validation-reports-output-file', reports, '--no-check-upgrade'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' },
    });
    expect(synth.status).not.toBe(0);
    expect(synth.stdout + synth.stderr).toMatch(/pss-host-namespaces/);
    const [report] = JSON.parse(fs.readFileSync(reports, 'utf8')).reports;
    expect(report.summary.status).toBe('failure');
    const violation = report.violations.find((v: { ruleName: string }) => v.ruleName.startsWith('pss-host-namespaces'));
    expect(violation.violatingConstructs).toContainEqual(expect.objectContaining({
      resourceName: 'Deployment/saplings-app',
      constructPath: 'saplings/App/Deployment/Resource',
      manifestPath: expect.stringMatching(/saplings\.k8s\.yaml$/),
    }));
    // A local plugin is required in place: nothing was installed into the plugins directory.
    expect(fs.existsSync(pluginsDir) ? fs.readdirSync(pluginsDir) : []).toStrictEqual([]);
  }, 300_000);

  it('is refused by npm at install, not at synth, beside a cdk8s older than its peer range', () => {
    const { install } = consumer('old-cdk8s', ['cdk8s@2.69.0', `constructs@${versionOf('constructs')}`]);
    expect(install.status).not.toBe(0);
    expect(install.stderr).toMatch(/ERESOLVE|peer cdk8s/);
  }, 300_000);
});
