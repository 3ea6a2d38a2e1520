import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, JsonPatch } from 'cdk8s';
import { SaplingsStack } from '../../src';
import { CONSTRUCT_PATHS_FILE, SaplingsValidation, recordConstructPaths } from '../../src/validation';

/*
 * The plugin as cdk8s-cli runs it: `cdk8s synth` synthesizes the app with
 * CDK8S_RECORD_CONSTRUCT_METADATA=true, reads construct-metadata.json (paths
 * keyed by object name) and calls `validate(context)`.
 */

// The real context cdk8s-cli hands a plugin, whose report does the construct-path lookup (the package exports no such subpath).
const { ValidationContext } = require(path.join(__dirname, '..', '..', 'node_modules', 'cdk8s-cli', 'lib', 'plugins', 'validation')) as typeof import('cdk8s-cli/lib/plugins/validation');

let outdir: string;
const env = process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'saplings-validation-'));
  process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
});
afterEach(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
  if (env === undefined) delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
  else process.env.CDK8S_RECORD_CONSTRUCT_METADATA = env;
});

/** A stack whose Deployment runs on the host network and whose ServiceAccount has a string for a boolean; both are named `saplings-app`. */
function synthBrokenStack(record: boolean) {
  const app = new App({ outdir });
  const stack = new SaplingsStack(app, 'saplings', { app: { image: 'saplings:1.0.0' } });
  ApiObject.of(stack.app.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
  ApiObject.of(stack.app.serviceAccount).addJsonPatch(JsonPatch.replace('/automountServiceAccountToken', 'no'));
  if (record) recordConstructPaths(app);
  app.synth();
  expect(stack.app.deployment.name).toBe(stack.app.serviceAccount.name);
  return {
    deployment: ApiObject.of(stack.app.deployment).node.path,
    serviceAccount: ApiObject.of(stack.app.serviceAccount).node.path,
    name: stack.app.deployment.name,
  };
}

async function runPlugin(props = {}) {
  const manifests = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(outdir, f));
  const metadata = JSON.parse(fs.readFileSync(path.join(outdir, 'construct-metadata.json'), 'utf8')).resources;
  const context = new ValidationContext(manifests, 'saplings-k8s', '0.1.0', metadata, false);
  await new SaplingsValidation(props).validate(context as never);
  return context.report;
}

/** Every (rule, resource, construct path) of a report. */
function occurrences(report: { toJson(): { violations: readonly { ruleName: string; violatingConstructs: readonly { resourceName: string; constructPath?: string }[] }[] } }) {
  return report.toJson().violations.flatMap((v) => v.violatingConstructs.map((c) => ({ rule: v.ruleName, resource: c.resourceName, constructPath: c.constructPath })));
}

describe('GIVEN a cdk8s app whose ServiceAccount and Deployment share a name', () => {
  test('WHEN the app records construct paths THEN each finding names its own object\'s construct', async () => {
    const paths = synthBrokenStack(true);
    expect(fs.existsSync(path.join(outdir, CONSTRUCT_PATHS_FILE))).toBe(true);
    const report = await runPlugin();
    expect(report.success).toBe(false);
    const found = occurrences(report);
    expect(found).toContainEqual(expect.objectContaining({ resource: `Deployment/${paths.name}`, constructPath: paths.deployment, rule: expect.stringMatching(/host/i) }));
    expect(found).toContainEqual(expect.objectContaining({ resource: `ServiceAccount/${paths.name}`, constructPath: paths.serviceAccount }));
    // cdk8s's own metadata holds one path for the name; the report does not hand it to both objects.
    expect(paths.deployment).not.toBe(paths.serviceAccount);
  });

  test('WHEN it records nothing THEN a shared name gets no construct path rather than perhaps the other object\'s, and a unique name gets cdk8s\'s', async () => {
    const paths = synthBrokenStack(false);
    expect(fs.existsSync(path.join(outdir, CONSTRUCT_PATHS_FILE))).toBe(false);
    const found = occurrences(await runPlugin());
    for (const kind of ['Deployment', 'ServiceAccount']) {
      for (const o of found.filter((f) => f.resource === `${kind}/${paths.name}`)) expect(o.constructPath).toBeUndefined();
    }
    expect(found.filter((f) => f.resource === `Deployment/${paths.name}`).length).toBeGreaterThan(0);
  });
});

describe('GIVEN the stock stack', () => {
  test('THEN the report succeeds, and in development too', async () => {
    const app = new App({ outdir });
    new SaplingsStack(app, 'saplings', { app: { image: 'saplings:1.0.0' } });
    recordConstructPaths(app);
    app.synth();
    const report = await runPlugin();
    expect(report.toJson().violations.filter((v) => /\(error\)$/.test(v.ruleName))).toStrictEqual([]);
    expect(report.success).toBe(true);
    expect((await runPlugin({ environment: 'development' })).success).toBe(true);
  });
});

describe('GIVEN the construct paths recorder', () => {
  test('WHEN cdk8s-cli does not record construct metadata THEN it writes nothing', () => {
    delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    const app = new App({ outdir });
    new SaplingsStack(app, 'saplings', { app: { image: 'saplings:1.0.0' } });
    recordConstructPaths(app);
    app.synth();
    expect(fs.existsSync(path.join(outdir, CONSTRUCT_PATHS_FILE))).toBe(false);
  });
});
