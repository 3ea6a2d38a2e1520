import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, hasStackTrace, runMain, tempDir } from '../../helpers/cli';

/*
 * `saplings-k8s diff` on the examples: after a config edit it lists exactly
 * the objects and fields the edit changes, in every format, with Secret
 * values hidden; exit status as kubectl diff (0 none, 1 changes, 2+ errors).
 */

const OLD_KEY = 'sk-proj-OLDCANARY0123456789abcdef';
const NEW_KEY = 'sk-proj-NEWCANARY0123456789abcdef';
const secrets = (openai: string) => ({ OPENAI_API_KEY: openai, ANTHROPIC_API_KEY: 'anthropic-canary-value', ENCRYPTION_KEY: 'encryption-canary-value' });
// Its data claim shared by every replica (ReadWriteMany), so a second replica is a valid edit: one
// ReadWriteOnce claim takes a single writer, and synth refuses two.
const example = shareableClaim(fs.readFileSync(path.join(ROOT, 'examples/inline-dev.yaml'), 'utf8'));

function shareableClaim(text: string): string {
  const shared = text.replace('accessMode: ReadWriteOnce, perPod: false', 'accessMode: ReadWriteMany, perPod: false');
  expect(shared).not.toBe(text);
  return shared;
}

/** inline-dev.yaml with a new image tag and replica count. */
function edited(): string {
  const text = example.replace('image: saplings:1.0.0', 'image: saplings:1.1.0').replace('  replicas: 1\n', '  replicas: 2\n');
  expect(text).not.toBe(example);
  return text;
}

/** Everything a secret value could show up as: itself, and base64 as Secret `data` holds it. */
function expectNoSecretValues(output: string): void {
  for (const value of [OLD_KEY, NEW_KEY]) {
    expect(output).not.toContain(value);
    expect(output).not.toContain(Buffer.from(value).toString('base64'));
  }
  expect(output).not.toContain('CANARY');
}

describe('saplings-k8s diff on examples/inline-dev.yaml', () => {
  const cwd = tempDir();
  const file = path.join(cwd, 'saplings.yaml');

  beforeAll(async () => {
    fs.writeFileSync(file, example);
    expect((await runMain(['synth'], cwd, secrets(OLD_KEY))).status).toBe(0);
  });

  test('with no edit: no change, exit 0, in every format', async () => {
    const text = await runMain(['diff'], cwd, secrets(OLD_KEY));
    expect(text).toMatchObject({ status: 0, stdout: 'no changes against dist\n' });
    const json = await runMain(['diff', '--format', 'json'], cwd, secrets(OLD_KEY));
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toStrictEqual({
      version: 1,
      against: 'dist',
      changed: false,
      summary: { added: 0, removed: 0, changed: 0, noise: 0 },
      stacks: [],
      noise: [],
    });
    const markdown = await runMain(['diff', '--format', 'markdown'], cwd, secrets(OLD_KEY));
    expect(markdown).toMatchObject({ status: 0, stdout: '### saplings-k8s diff\n\nNo changes against `dist`.\n' });
  });

  describe('after editing the image tag, the replica count and a secret value', () => {
    const run = (format: string, ...extra: string[]) => runMain(['diff', '--format', format, ...extra], cwd, secrets(NEW_KEY));
    beforeAll(() => fs.writeFileSync(file, edited()));

    test('json lists exactly those fields, the secret hidden, and exits 1', async () => {
      const result = await run('json');
      expect(result.status).toBe(1);
      expectNoSecretValues(result.stdout + result.stderr);
      const diff = JSON.parse(result.stdout);
      expect(diff).toMatchObject({ changed: true, summary: { added: 0, removed: 0, changed: 2, noise: 1 }, noise: [] });
      expect(diff.stacks).toHaveLength(1);
      expect(diff.stacks[0]).toMatchObject({ stack: 'saplings-dev', target: 'kubernetes', added: 0, removed: 0, changed: 2 });
      const byObject = Object.fromEntries(diff.stacks[0].changes.map((c: any) => [`${c.kind}/${c.name}`, c]));
      expect(Object.keys(byObject).sort()).toStrictEqual(['Deployment/saplings-dev-app', 'Secret/saplings-dev-secrets']);
      expect(byObject['Secret/saplings-dev-secrets']).toStrictEqual({
        change: 'changed',
        type: 'object',
        kind: 'Secret',
        apiVersion: 'v1',
        namespace: 'saplings-dev',
        name: 'saplings-dev-secrets',
        file: 'saplings-dev.k8s.yaml',
        fields: [{ path: 'stringData.OPENAI_API_KEY', change: 'changed', hidden: true }],
      });
      const deployment = byObject['Deployment/saplings-dev-app'];
      expect(deployment.fields).toStrictEqual([
        // The recommended version label follows the image tag, on the Deployment and its pod template only.
        { path: 'metadata.labels["app.kubernetes.io/version"]', change: 'changed', old: '1.0.0', new: '1.1.0' },
        { path: 'spec.replicas', change: 'changed', old: 1, new: 2 },
        { path: 'spec.template.metadata.labels["app.kubernetes.io/version"]', change: 'changed', old: '1.0.0', new: '1.1.0' },
        { path: 'spec.template.spec.containers[name=saplings].image', change: 'changed', old: 'saplings:1.0.0', new: 'saplings:1.1.0' },
        // The init container runs the app's image too (constructs/wait-for-backends.ts).
        { path: 'spec.template.spec.initContainers[name=wait-for-backends].image', change: 'changed', old: 'saplings:1.0.0', new: 'saplings:1.1.0' },
      ]);
      // The pod template's checksum of the Secret changed with it: noise, kept apart from the fields.
      expect(deployment.noise).toStrictEqual([{ path: 'spec.template.metadata.annotations["checksum/secret"]', change: 'changed', hidden: true }]);
    });

    test('text lists the same changes, and the checksum only with --show-noise', async () => {
      const result = await run('text');
      expect(result.status).toBe(1);
      expectNoSecretValues(result.stdout + result.stderr);
      expect(result.stdout.split('\n')).toStrictEqual([
        'saplings-dev (kubernetes): 2 changed, 0 added, 0 removed',
        '~ Secret saplings-dev/saplings-dev-secrets  (saplings-dev.k8s.yaml)',
        '    stringData.OPENAI_API_KEY: changed (value hidden)',
        '~ Deployment saplings-dev/saplings-dev-app  (saplings-dev.k8s.yaml)',
        '    metadata.labels["app.kubernetes.io/version"]: "1.0.0" → "1.1.0"',
        '    spec.replicas: 1 → 2',
        '    spec.template.metadata.labels["app.kubernetes.io/version"]: "1.0.0" → "1.1.0"',
        '    spec.template.spec.containers[name=saplings].image: "saplings:1.0.0" → "saplings:1.1.0"',
        '    spec.template.spec.initContainers[name=wait-for-backends].image: "saplings:1.0.0" → "saplings:1.1.0"',
        '',
        '2 changed, 0 added, 0 removed in 1 stack, against dist; 1 noise change hidden (checksum annotations, provenance headers); --show-noise lists them',
        '',
      ]);
      expect(result.stdout).not.toContain('\u001b[');
      const noisy = await run('text', '--show-noise');
      expect(noisy.stdout).toContain('    spec.template.metadata.annotations["checksum/secret"]: changed (value hidden) (noise)\n');
      expectNoSecretValues(noisy.stdout);
    });

    test('text is coloured when forced, and plain with NO_COLOR', async () => {
      const forced = await runMain(['diff'], cwd, { ...secrets(NEW_KEY), NO_COLOR: undefined, FORCE_COLOR: '1' });
      expect(forced.stdout).toContain('\u001b[31m"saplings:1.0.0"\u001b[0m → \u001b[32m"saplings:1.1.0"\u001b[0m');
      const plain = await runMain(['diff'], cwd, { ...secrets(NEW_KEY), NO_COLOR: '1', FORCE_COLOR: '1' });
      expect(plain.stdout).not.toContain('\u001b[');
    });

    test('markdown has a summary table and a collapsible section for the stack', async () => {
      const result = await run('markdown');
      expect(result.status).toBe(1);
      expectNoSecretValues(result.stdout);
      expect(result.stdout).toContain('| Stack | Target | Added | Removed | Changed |\n|---|---|---:|---:|---:|\n| saplings-dev | kubernetes | 0 | 0 | 2 |\n');
      expect(result.stdout).toContain('<details>\n<summary><b>saplings-dev</b> · kubernetes: 2 changed, 0 added, 0 removed</summary>\n');
      expect(result.stdout).toContain('  - `stringData.OPENAI_API_KEY`: _changed (value hidden)_\n');
      expect(result.stdout).toContain('  - `spec.replicas`: `1` → `2`\n');
      expect(result.stdout).toContain('  - `spec.template.spec.containers[name=saplings].image`: `"saplings:1.0.0"` → `"saplings:1.1.0"`\n');
      expect(result.stdout).not.toContain('checksum/secret');
      expect(result.stdout.trimEnd().endsWith('</details>')).toBe(true);
    });
  });
});

describe('saplings-k8s diff: stacks added and removed, other targets', () => {
  test('a removed stack lists its objects as removed, an added one as added', async () => {
    const cwd = tempDir();
    const stack = (name: string) => `name: ${name}\nenvironment: production\nimage: saplings:1.0.0\ningress:\n  host: ${name}.example.com\n`;
    fs.writeFileSync(path.join(cwd, 'fleet.yaml'), `${stack('tenant-a')}---\n${stack('tenant-b')}`);
    expect((await runMain(['synth', '-c', 'fleet.yaml'], cwd)).status).toBe(0);
    fs.writeFileSync(path.join(cwd, 'fleet.yaml'), `${stack('tenant-a')}---\n${stack('tenant-c')}`);
    const result = await runMain(['diff', '-c', 'fleet.yaml', '--format', 'json'], cwd);
    expect(result.status).toBe(1);
    const diff = JSON.parse(result.stdout);
    expect(diff.stacks.map((s: any) => [s.stack, s.added > 0, s.removed > 0, s.changed])).toStrictEqual([
      ['tenant-c', true, false, 0],
      ['tenant-b', false, true, 0],
    ]);
    const [added, removed] = diff.stacks;
    expect(added.changes.every((c: any) => c.change === 'added' && c.namespace !== 'tenant-b' && c.file === 'tenant-c.k8s.yaml')).toBe(true);
    expect(removed.changes.every((c: any) => c.change === 'removed' && c.file === 'tenant-b.k8s.yaml')).toBe(true);
    expect(removed.changes.map((c: any) => `${c.kind}/${c.name}`)).toEqual(expect.arrayContaining(['Namespace/tenant-b', 'Deployment/tenant-b-app']));
    expect(added.added).toBe(removed.removed);
  });

  test('nginx.conf is compared line by line', async () => {
    const cwd = tempDir();
    const config = (rate: number) => `name: web\nenvironment: production\nimage: saplings:1.0.0\ningress:\n  rateLimitRps: ${rate}\n`;
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), config(5));
    expect((await runMain(['synth', '-t', 'compose'], cwd)).status).toBe(0);
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), config(7));
    const result = await runMain(['diff', '-t', 'compose', '--format', 'json'], cwd);
    expect(result.status).toBe(1);
    const [stack] = JSON.parse(result.stdout).stacks;
    expect(stack.changes.map((c: any) => [c.type, c.file])).toStrictEqual([['file', 'compose/web/nginx.conf']]);
    const { lines } = stack.changes[0];
    const old = fs.readFileSync(path.join(cwd, 'dist/compose/web/nginx.conf'), 'utf8').split('\n');
    const n = old.findIndex((l) => l.includes('rate=5r/s')) + 1;
    expect(n).toBeGreaterThan(2);
    expect(lines).toStrictEqual([
      { op: '-', line: n, text: old[n - 1] },
      { op: '+', line: n, text: old[n - 1].replace('rate=5r/s', 'rate=7r/s') },
    ]);
  });

  test('Cloud Run\'s Knative Service is compared as an object', async () => {
    const cwd = tempDir();
    const example = fs.readFileSync(path.join(ROOT, 'examples/cloudrun.yaml'), 'utf8');
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), example);
    expect((await runMain(['synth', '-t', 'cloudrun'], cwd)).status).toBe(0);
    const image = 'us-central1-docker.pkg.dev/saplings-prod/saplings/saplings';
    expect(example).toContain(`${image}:1.0.0\n`);
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), example.replace(`${image}:1.0.0\n`, `${image}:1.1.0\n`));
    const result = await runMain(['diff', '-t', 'cloudrun', '--format', 'json'], cwd);
    expect(result.status).toBe(1);
    const changes = JSON.parse(result.stdout).stacks.flatMap((s: any) => s.changes);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ change: 'changed', type: 'object', kind: 'Service', apiVersion: 'serving.knative.dev/v1', name: 'saplings-app', file: 'cloudrun/saplings.cloudrun.yaml' });
    expect(changes[0].fields.map((f: any) => [f.old, f.new])).toStrictEqual([[`${image}:1.0.0`, `${image}:1.1.0`]]);
    expect(changes[0].fields[0].path).toMatch(/^spec\.template\.spec\.containers\[(?:0|name=[a-z-]+)\]\.image$/);
  });

  test('ECS JSON and Compose YAML are compared field by field, nginx.conf unchanged', async () => {
    const cwd = tempDir();
    const ecs = fs.readFileSync(path.join(ROOT, 'examples/ecs.yaml'), 'utf8');
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), ecs);
    const targets = ['-t', 'ecs', '-t', 'compose'];
    expect((await runMain(['synth', ...targets], cwd)).status).toBe(0);
    const tagged = ecs.replace('saplings:1.0.0\necs:', 'saplings:1.1.0\necs:').replace('/saplings:1.0.0\n', '/saplings:1.1.0\n');
    expect(tagged.match(/1\.1\.0/g)).toHaveLength(2);
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), tagged);
    const result = await runMain(['diff', ...targets, '--format', 'json'], cwd);
    expect(result.status).toBe(1);
    const diff = JSON.parse(result.stdout);
    const fields = diff.stacks.flatMap((s: any) => s.changes.map((c: any) => [s.target, c.type, c.file, c.fields.map((f: any) => [f.path, f.old, f.new])]));
    expect(fields).toStrictEqual([
      [
        'ecs',
        'document',
        'ecs/saplings.ecs-task-definition.json',
        [
          ['containerDefinitions[name=saplings].image', '123456789012.dkr.ecr.us-west-2.amazonaws.com/saplings:1.0.0', '123456789012.dkr.ecr.us-west-2.amazonaws.com/saplings:1.1.0'],
          // The init container that chowns the scratch volumes runs the app's image too.
          ['containerDefinitions[name=volume-permissions].image', '123456789012.dkr.ecr.us-west-2.amazonaws.com/saplings:1.0.0', '123456789012.dkr.ecr.us-west-2.amazonaws.com/saplings:1.1.0'],
        ],
      ],
      ['compose', 'document', 'compose/saplings/compose.yaml', [['services.app.image', 'saplings:1.0.0', 'saplings:1.1.0']]],
    ]);
    // The record of generated files is synth's bookkeeping, written by the output layer beside the
    // files, not a file a target renders: it is never compared, so it is not even noise.
    expect(diff.noise).toStrictEqual([]);
  });
});

describe('saplings-k8s diff --against', () => {
  const gitEnv = { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

  test('compares with the output directory as committed, without touching the work tree', async () => {
    const cwd = tempDir();
    const env = { ...gitEnv, HOME: cwd };
    const git = (...args: string[]) => execFileSync('git', args, { cwd, env, stdio: 'pipe' });
    const config = (replicas: number) => `name: app\nenvironment: development\nimage: saplings:1.0.0\napp:\n  replicas: ${replicas}\nautoscaling:\n  enabled: false\ningress:\n  enabled: false\n`;
    fs.mkdirSync(path.join(cwd, 'deploy'));
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), config(1));
    git('init', '-q');
    expect((await runMain(['synth', '--out', 'deploy/k8s'], cwd, env)).status).toBe(0);
    git('add', '-A');
    git('commit', '-qm', 'one replica');
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), config(3));
    expect((await runMain(['synth', '--out', 'deploy/k8s'], cwd, env)).status).toBe(0);
    const onDisk = fs.readFileSync(path.join(cwd, 'deploy/k8s/app.k8s.yaml'), 'utf8');

    // The work tree is up to date; HEAD has one replica.
    expect((await runMain(['diff', '--out', 'deploy/k8s'], cwd, env)).status).toBe(0);
    const result = await runMain(['diff', '--out', 'deploy/k8s', '--against', 'HEAD', '--format', 'json'], cwd, env);
    expect(result.status).toBe(1);
    const diff = JSON.parse(result.stdout);
    expect(diff.against).toBe('deploy/k8s at HEAD');
    expect(diff.stacks.flatMap((s: any) => s.changes.map((c: any) => [c.kind, c.name, c.fields]))).toStrictEqual([
      ['Deployment', 'app-app', [{ path: 'spec.replicas', change: 'changed', old: 1, new: 3 }]],
    ]);
    expect(fs.readFileSync(path.join(cwd, 'deploy/k8s/app.k8s.yaml'), 'utf8')).toBe(onDisk);
    // synth's second run changed the file and its sha256 in the record; diff changed nothing.
    expect(git('status', '--porcelain').toString()).toBe(' M deploy/k8s/.saplings-k8s-files\n M deploy/k8s/app.k8s.yaml\n M saplings.yaml\n');

    // From a subdirectory, --out is found relative to it, in the ref's tree as on disk.
    const fromSub = await runMain(['diff', '-c', '../saplings.yaml', '--out', 'k8s', '--against', 'HEAD~0', '--format', 'json'], path.join(cwd, 'deploy'), env);
    expect(fromSub.status).toBe(1);
    expect(JSON.parse(fromSub.stdout).stacks).toStrictEqual(diff.stacks);
  });

  test.each([
    [['--against=-o/tmp/x'], /--against must be a git ref such as main or HEAD~1, got "-o\/tmp\/x"/],
    [['--against', 'no-such-branch'], /--against: "no-such-branch" is not a commit in the git repository/],
  ])('%j exits 2 with a message, no stack trace', async (args, message) => {
    const cwd = tempDir();
    const env = { ...gitEnv, HOME: cwd };
    execFileSync('git', ['init', '-q'], { cwd, env });
    const result = await runMain(['diff', '--example', ...args], cwd, env);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});

describe('saplings-k8s diff exit status', () => {
  test('invalid input exits 2 with FILE:LINE:COL, as kubectl diff does for errors', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'bad.yaml'), 'environment: production\nimage: saplings:1.0.0\napp:\n  replicas: many\n');
    const result = await runMain(['diff', '-c', 'bad.yaml'], cwd);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^✖ bad\.yaml:4:13: app\.replicas: /m);
    expect(result.stdout).toBe('');
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  test('a directory a stopped run left half-written is an error (exit 2), not compared', async () => {
    const cwd = tempDir();
    expect((await runMain(['synth', '--example'], cwd)).status).toBe(0);
    fs.mkdirSync(path.join(cwd, 'dist', '.saplings-k8s-staging'));
    fs.writeFileSync(path.join(cwd, 'dist', '.saplings-k8s-staging', 'journal.json'), '{}');
    const result = await runMain(['diff', '--example'], cwd);
    expect(result).toMatchObject({ status: 2, stdout: '' });
    expect(result.stderr).toBe('✖ dist holds a run that was stopped while writing; run saplings-k8s synth to restore it, then diff again\n');
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  test('an unknown --format exits 2 naming the formats', async () => {
    const result = await runMain(['diff', '--format', 'github'], tempDir());
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--format must be one of text, markdown, json, got "github"');
  });

  test('its help says how its exit status departs from the other commands', async () => {
    const result = await runMain(['diff', '--help'], tempDir());
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Exit status, as kubectl diff: 0 no changes, 1 changes, 2 or more an error,\s+invalid input included\. This departs from the other commands, where 1 means\s+invalid input\./);
  });

  test('a header-only difference (another config path) is noise: exit 0, listed with --show-noise', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'a.yaml'), 'name: s\nenvironment: production\nimage: saplings:1.0.0\n');
    fs.copyFileSync(path.join(cwd, 'a.yaml'), path.join(cwd, 'b.yaml'));
    expect((await runMain(['synth', '-c', 'a.yaml'], cwd)).status).toBe(0);
    const quiet = await runMain(['diff', '-c', 'b.yaml'], cwd);
    expect(quiet).toMatchObject({ status: 0, stdout: 'no changes against dist; 1 noise change hidden (checksum annotations, provenance headers); --show-noise lists them\n' });
    const noisy = await runMain(['diff', '-c', 'b.yaml', '--show-noise'], cwd);
    expect(noisy.status).toBe(0);
    expect(noisy.stdout).toContain('  s.k8s.yaml: provenance header only (noise)\n');
  });
});
