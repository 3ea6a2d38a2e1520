import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CliRun, ROOT, hasStackTrace, runMain, tempDir } from '../../helpers/cli';
import { registerTarget } from '../../../src/targets';
import { FAKE_JSON_TARGET } from '../../targets/fake-json-target';

/*
 * `saplings-k8s validate` through the CLI's entry: our own output passes with
 * no finding, and other people's broken or insecure manifests get one line
 * per finding, `file: Kind/name: field.path: severity: message [rule]`.
 */

const EXAMPLES = path.join(ROOT, 'examples');
const MANIFESTS = 'test/fixtures/manifests';
const INSECURE = 'test/fixtures/insecure';

/** The values examples/inline-dev.yaml reads from the environment. */
const INLINE_ENV = { OPENAI_API_KEY: 'dev-openai', ANTHROPIC_API_KEY: 'dev-anthropic', ENCRYPTION_KEY: 'dev-encryption' };

/** One line of `validate` output. */
const FINDING_LINE = /^(?<file>[^:]+(?::\d+:\d+)?): (?<object>[A-Za-z]+\/[^:]+|document #\d+): (?:(?<path>[^ ]+): )?(?<severity>error|warning|info): (?<message>.+) \[(?<rule>[a-z0-9-]+)\]$/;

function lines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '');
}

/** The parsed findings of a run; fails if a line does not have the documented form. */
function findings(stdout: string): Array<Record<string, string>> {
  return lines(stdout).map((line) => {
    const match = FINDING_LINE.exec(line);
    if (!match?.groups) throw new Error(`not a finding line: ${line}`);
    return { ...match.groups };
  });
}


const examples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).sort();

/**
 * The one finding on a development stack's output read without `--env`:
 * manifests do not say which environment they are for, so validate holds
 * them to production's rules, and a development Redis has no password.
 */
function devRedisWarning(file: string): string {
  return (
    `${file}: Deployment/redis: spec.template.spec.containers[0].args: warning: container "redis" runs Redis (image "redis:7-alpine") without --requirepass, ` +
    'so anyone who reaches its port reads and writes its data; add args --requirepass $(REDIS_PASSWORD), with REDIS_PASSWORD from a Secret (valueFrom.secretKeyRef) [practice-backing-service-auth]'
  );
}

describe('validate passes what synth writes', () => {
  const cwd = tempDir();
  const synthRuns = new Map<string, CliRun>();
  let validated: CliRun;

  // One synth per config into out/<config>/, then one validate over out/:
  // the policy relates the objects of one directory at a time.
  beforeAll(async () => {
    synthRuns.set('(built-in default)', await runMain(['synth', '--example', '--out', 'out/default'], cwd));
    synthRuns.set('file-per-resource', await runMain(['synth', '--example', '--layout', 'file-per-resource', '--out', 'out/per-resource'], cwd));
    for (const example of examples.filter((e) => e !== 'inline-dev.yaml')) {
      synthRuns.set(example, await runMain(['synth', '--config', path.join(EXAMPLES, example), '--out', `out/${example}`], cwd));
    }
    validated = await runMain(['validate', 'out'], cwd);
  });

  test('the examples directory holds the examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['saplings.yaml', 'external-secrets.yaml', 'inline-dev.yaml']));
  });

  test('validate over every output: exit 0, and no error or warning but the development Redis\'s', () => {
    expect(hasStackTrace(validated.stderr)).toBe(false);
    // The ExternalSecret and ServiceMonitor are checked through their CRD bindings too.
    expect({ status: validated.status, stdout: validated.stdout }).toStrictEqual({
      status: 0,
      stdout: `${devRedisWarning('out/development.yaml/saplings-dev.k8s.yaml')}\n`,
    });
    expect(validated.stderr).toMatch(/^\d+ objects checked: 0 errors, 1 other finding\n$/);
  });

  test('the built-in default stack: no finding', () => {
    expect(synthRuns.get('(built-in default)')?.status).toBe(0);
    expect(fs.readdirSync(path.join(cwd, 'out/default')).sort()).toStrictEqual(['.saplings-k8s-files', 'saplings.k8s.yaml']);
    expect(lines(validated.stdout).filter((l) => l.startsWith('out/default/'))).toStrictEqual([]);
  });

  test("the file-per-resource layout: no finding; its kustomization.yaml files are kubectl's instructions, not objects", () => {
    expect(synthRuns.get('file-per-resource')?.status).toBe(0);
    expect(fs.readdirSync(path.join(cwd, 'out/per-resource')).sort()).toStrictEqual(['.saplings-k8s-files', 'kustomization.yaml', 'saplings']);
    expect(lines(validated.stdout).filter((l) => l.startsWith('out/per-resource/'))).toStrictEqual([]);
  });

  test.each(examples.filter((e) => e !== 'inline-dev.yaml'))('examples/%s: no finding but the ExternalSecret note', (example) => {
    const synth = synthRuns.get(example);
    expect({ status: synth?.status, stderr: synth?.stderr }).toMatchObject({ status: 0 });
    expect(fs.readdirSync(path.join(cwd, 'out', example)).length).toBeGreaterThan(0);
    const own = lines(validated.stdout).filter((l) => l.startsWith(`out/${example}/`));
    const environment = /^\s*environment:\s*(\S+)/m.exec(fs.readFileSync(path.join(EXAMPLES, example), 'utf8'))?.[1];
    expect(own).toStrictEqual(environment === 'development' ? [devRedisWarning(`out/${example}/saplings-dev.k8s.yaml`)] : []);
  });

  test('examples/inline-dev.yaml: the only finding is the inline Secret the leak guard refuses outside development', async () => {
    const cwd = tempDir();
    const synth = await runMain(['synth', '--config', path.join(EXAMPLES, 'inline-dev.yaml'), '--out', 'out'], cwd, INLINE_ENV);
    expect({ status: synth.status, stderr: synth.stderr }).toMatchObject({ status: 0 });
    // Manifests do not say which environment they are for, so validate
    // applies the leak guard to every Secret that carries values.
    const run = await runMain(['validate', 'out'], cwd);
    expect(run.status).toBe(1);
    expect(lines(run.stdout)).toStrictEqual([
      devRedisWarning('out/saplings-dev.k8s.yaml'),
      'out/saplings-dev.k8s.yaml: Secret/saplings-dev-secrets: stringData: error: a Secret with values would put credentials into the manifests; use secrets.source existing or external [leak-secret-values]',
    ]);
    for (const value of Object.values(INLINE_ENV)) expect(run.stdout + run.stderr).not.toContain(value);
  });

  // The leak guard runs only in staging and production; validate --config runs
  // exactly the checks synth runs for the config's environment.
  test('validate --config examples/inline-dev.yaml agrees with synth: exit 0', async () => {
    const run = await runMain(['validate', '--config', path.join(EXAMPLES, 'inline-dev.yaml')], tempDir(), INLINE_ENV);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
  });

  test('validate --config examples/saplings.yaml: exit 0, no finding', async () => {
    const run = await runMain(['validate', '--config', path.join(EXAMPLES, 'saplings.yaml')], tempDir());
    expect(run).toMatchObject({ status: 0, stdout: '' });
    expect(run.stderr).toMatch(/^\d+ objects checked: 0 errors, 0 other findings\n$/);
  });
});

describe('validate reports broken manifests, one line per finding', () => {
  test.each([
    [
      'an unknown field',
      'unknown-field-spec.yaml',
      'Deployment/web: spec.replicaz: error: unknown field "replicaz": DeploymentSpec has no such field in Kubernetes 1.28; did you mean "replicas"? [unknown-field]',
    ],
    [
      'a wrong type',
      'wrong-type-replicas.yaml',
      'Deployment/web: spec.replicas: error: must be an integer, got string "three" [invalid-type]',
    ],
    [
      'a bad name',
      'bad-name.yaml',
      `ConfigMap/Upper_Case: metadata.name: error: invalid ConfigMap name: "Upper_Case" is not a valid DNS-1123 subdomain: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters (e.g. "my-name") [invalid-name]`,
    ],
    [
      'a selector that misses the pod template',
      'selector-mismatch.yaml',
      'Deployment/web: spec.template.metadata.labels: error: the pod template\'s labels {app=website} are not selected by spec.selector (matchLabels {app=web}); the template must carry every label the selector requires [selector-mismatch]',
    ],
  ])('%s: exit 1 and the exact line', async (_what, fixture, expected) => {
    const file = `${MANIFESTS}/${fixture}`;
    const run = await runMain(['validate', file], ROOT);
    expect(run.status).toBe(1);
    expect(hasStackTrace(run.stderr)).toBe(false);
    const escaped = `${file}: ${expected}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(lines(run.stdout)).toContainEqual(expect.stringMatching(new RegExp(`^${escaped}$`)));
    // Every other line has the same form and names the same file.
    for (const f of findings(run.stdout)) expect(f.file).toBe(file);
    const errors = findings(run.stdout).filter((f) => f.severity === 'error').length;
    expect(run.stderr).toMatch(new RegExp(`^1 object checked: ${errors} errors?, \\d+ other findings?\\n$`));
  });
});

describe('validate reports insecure manifests by rule', () => {
  const support = `${INSECURE}/support.yaml`;

  test('the hardened baseline the insecure fixtures start from has no finding', async () => {
    const run = await runMain(['validate', support, `${INSECURE}/hardened.yaml`], ROOT);
    expect(run).toMatchObject({ status: 0, stdout: '' });
  });

  test.each([
    ['a privileged container', 'privileged.yaml', [['pss-privileged', 'Deployment/web', 'spec.template.spec.containers[0].securityContext.privileged']]],
    ['runAsUser 0', 'run-as-root.yaml', [['pss-run-as-user', 'Deployment/web', 'spec.template.spec.securityContext.runAsUser']]],
    ['hostNetwork', 'host-network.yaml', [['pss-host-namespaces', 'Deployment/web', 'spec.template.spec.hostNetwork']]],
    ['a :latest image', 'latest-image.yaml', [['practice-image-pinned', 'Deployment/web', 'spec.template.spec.containers[0].image']]],
    ['a password in an env value', 'password-in-env.yaml', [['practice-secret-in-env', 'Deployment/web', 'spec.template.spec.containers[0].env[1].value']]],
    [
      'an API key in a ConfigMap',
      'api-key-configmap.yaml',
      [
        ['leak-credential', 'ConfigMap/web-config', 'data.OPENAI_API_KEY'],
        ['practice-secret-in-env', 'ConfigMap/web-config', 'data.OPENAI_API_KEY'],
      ],
    ],
    ['a Service selecting nothing', 'service-selects-nothing.yaml', [['practice-service-selector', 'Service/web', 'spec.selector']]],
    ['an HPA targeting a missing Deployment', 'hpa-missing-target.yaml', [['practice-hpa-target', 'HorizontalPodAutoscaler/web', 'spec.scaleTargetRef']]],
  ])('%s: exit 1 with exactly the expected errors', async (_what, fixture, expected) => {
    const file = `${INSECURE}/${fixture}`;
    const run = await runMain(['validate', support, file], ROOT);
    expect(run.status).toBe(1);
    const got = findings(run.stdout).map((f) => [f.rule, f.object, f.path, f.severity, f.file]);
    expect(got.sort()).toStrictEqual(expected.map(([rule, object, p]) => [rule, object, p, 'error', file]).sort());
  });

  test('the leak guard names the kind of credential but never echoes it', async () => {
    const file = `${INSECURE}/api-key-configmap.yaml`;
    const key = /OPENAI_API_KEY: (sk-\S+)/.exec(fs.readFileSync(path.join(ROOT, file), 'utf8'))![1];
    const run = await runMain(['validate', file], ROOT);
    expect(lines(run.stdout)).toContain(
      `${file}: ConfigMap/web-config: data.OPENAI_API_KEY: error: looks like an OpenAI-style API key outside a Secret; move it into the app's Secret and reference it [leak-credential]`,
    );
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(run.stdout + run.stderr).not.toContain(key.slice(8, 30));
  });
});

describe('validate on unreadable input', () => {
  test('a YAML syntax error is an error finding with line:col, and the other documents are still checked', async () => {
    const cwd = tempDir();
    fs.writeFileSync(
      path.join(cwd, 'broken.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  GREETING: hello: world\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n',
    );
    const run = await runMain(['validate', 'broken.yaml'], cwd);
    expect(run.status).toBe(1);
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(lines(run.stdout)[0]).toBe('broken.yaml:6:13: document #1: error: YAML syntax error: Nested mappings are not allowed in compact mappings [yaml-syntax]');
    expect(findings(run.stdout).map((f) => [f.object, f.rule])).toStrictEqual([
      ['document #1', 'yaml-syntax'],
      ['ConfigMap/Bad_Name', 'invalid-name'],
    ]);
  });

  test('a trailing --- and empty documents are fine, as for kubectl', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'cm.yaml'), '---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  A: b\n---\n');
    const run = await runMain(['validate', '--env', 'development', 'cm.yaml'], cwd);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('1 object checked: 0 errors, 0 other findings\n');
    expect(run.status).toBe(0);
  });

  test('a List stands for its items, and their findings name the file', async () => {
    const cwd = tempDir();
    const item = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    fs.writeFileSync(path.join(cwd, 'list.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [item('good'), item('Bad_Name')] }));
    const run = await runMain(['validate', '--env', 'development', 'list.json'], cwd);
    expect(run.stderr).toBe('2 objects checked: 1 error, 0 other findings\n');
    expect(findings(run.stdout).map((f) => [f.file, f.object, f.rule])).toStrictEqual([['list.json', 'ConfigMap/Bad_Name', 'invalid-name']]);
  });

  test('a dangling symlink and a FIFO in a directory are findings, and the other files are still checked', async () => {
    const cwd = tempDir();
    fs.mkdirSync(path.join(cwd, 'm'));
    fs.writeFileSync(path.join(cwd, 'm', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n');
    fs.symlinkSync(path.join(cwd, 'nowhere'), path.join(cwd, 'm', 'dangling.yaml'));
    const fifo = spawnSync('mkfifo', [path.join(cwd, 'm', 'pipe.yaml')]);
    const run = await runMain(['validate', '--env', 'development', 'm'], cwd);
    expect(run.status).toBe(1);
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(lines(run.stdout)).toEqual(
      expect.arrayContaining([
        'm/dangling.yaml: error: no such file or directory (a dangling symlink?); fix or remove the path [unreadable-path]',
        ...(fifo.status === 0 ? ['m/pipe.yaml: error: is not a regular file (a FIFO, socket or device); skipped [unreadable-path]'] : []),
      ]),
    );
    expect(findings(run.stdout.split('\n').filter((l) => l.includes('Bad_Name')).join('\n')).map((f) => f.rule)).toStrictEqual(['invalid-name']);
  });

  test('a PATH that does not exist is a usage error: exit 2', async () => {
    const run = await runMain(['validate', 'nowhere.yaml'], tempDir());
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('✖ nowhere.yaml: no such file or directory\nRun "saplings-k8s --help" for usage.\n');
  });
});

describe("validate hands another platform's files to that target's checks", () => {
  let unregister: () => void;
  beforeAll(() => (unregister = registerTarget(FAKE_JSON_TARGET)));
  afterAll(() => unregister());

  test("a file named as a target's is checked by that target, beside the Kubernetes manifests", async () => {
    const cwd = tempDir();
    fs.mkdirSync(path.join(cwd, 'out'));
    fs.writeFileSync(path.join(cwd, 'out', 'web.fake.json'), JSON.stringify({ service: 'web', workers: 40 }));
    fs.writeFileSync(path.join(cwd, 'out', 'broken.fake.json'), '{');
    fs.writeFileSync(path.join(cwd, 'out', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n');
    const run = await runMain(['validate', '--env', 'development', 'out'], cwd);
    expect(run.status).toBe(1);
    expect(findings(run.stdout).map((f) => [f.file, f.rule])).toStrictEqual([
      ['out/broken.fake.json', 'fake-syntax'],
      ['out/web.fake.json', 'fake-workers'],
      ['out/cm.yaml', 'invalid-name'],
    ]);
    expect(run.stderr).toBe('3 objects checked: 3 errors, 0 other findings\n');
  });
});
