import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/index';
import { RECORD_FILE } from '../../src/synth/record';
import { registerTarget } from '../../src/targets';
import { snapshotDir, tempDir } from '../helpers/cli';
import { FAKE_JSON_TARGET } from '../targets/fake-json-target';

/** What an in-process CLI run printed and returned. */
interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function synth(cwd: string, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await main(['synth', ...args], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd,
    env: { NO_COLOR: '1' },
  });
  return { status, stdout, stderr };
}

/** A directory with a saplings.yaml of one stack, `web`, with `extra` appended. */
function project(extra = ''): string {
  const cwd = tempDir('saplings-targets-');
  fs.writeFileSync(path.join(cwd, 'saplings.yaml'), `name: web\nenvironment: production\nimage: saplings:1.0.0\n${extra}`);
  return cwd;
}

const WITH_WORKERS = 'app: { maxWorkers: 4 }\n';

/** What `--target all` says about the built-in cloud targets for a config without their keys. */
const SKIPPED_CLOUDS =
  'skipped target cloudrun: stack web does not set cloudrun.secrets, which it requires\n' +
  'skipped target ecs: stack web does not set ecs.cluster, which it requires\n';

describe('synth --target with only the built-in targets', () => {
  test('defaults to kubernetes, written into --out itself', async () => {
    const cwd = project();
    const run = await synth(cwd);
    expect(run).toStrictEqual({ status: 0, stdout: '', stderr: 'wrote dist/web.k8s.yaml\n' });
    const byName = await synth(cwd, '--target', 'kubernetes', '--target', 'kubernetes', '-o', 'named');
    expect(byName.status).toBe(0);
    expect(snapshotDir(path.join(cwd, 'named'))).toStrictEqual(snapshotDir(path.join(cwd, 'dist')));
  });

  test('an unknown name is a usage error that lists the allowed ones, and writes nothing', async () => {
    const cwd = project();
    expect(await synth(cwd, '--target', 'helm')).toStrictEqual({
      status: 2,
      stdout: '',
      stderr: '✖ --target must be one of kubernetes, compose, cloudrun, ecs, all, got "helm"\nRun "saplings-k8s --help" for usage.\n',
    });
    expect(fs.existsSync(path.join(cwd, 'dist'))).toBe(false);
  });

  test('--help names the targets', async () => {
    const run = await synth(project(), '--help');
    expect(run.stdout).toContain('-t, --target T     What to generate: kubernetes, compose, cloudrun, ecs, or all.\n');
  });
});

describe('synth --target with a second target', () => {
  let unregister: () => void;
  beforeAll(() => (unregister = registerTarget(FAKE_JSON_TARGET)));
  afterAll(() => unregister());

  test('Kubernetes writes into <out>, every other target into <out>/<target>/, and every file is recorded', async () => {
    const cwd = project(WITH_WORKERS);
    const run = await synth(cwd, '-t', 'kubernetes', '-t', 'fake-json');
    expect(run).toStrictEqual({
      status: 0,
      stdout: '',
      stderr: 'wrote dist/web.k8s.yaml\nwrote dist/fake-json/web.fake.json\n',
    });
    expect(Object.keys(snapshotDir(path.join(cwd, 'dist'))).sort()).toStrictEqual([RECORD_FILE, 'fake-json/web.fake.json', 'web.k8s.yaml']);
  });

  test('all takes every target whose keys the config sets', async () => {
    const cwd = project(WITH_WORKERS);
    const run = await synth(cwd, '--target', 'all');
    expect(run.status).toBe(0);
    // The config has no cloudrun: or ecs: keys; fake-json's it has.
    expect(run.stderr.startsWith(`${SKIPPED_CLOUDS}wrote `)).toBe(true);
    expect(Object.keys(snapshotDir(path.join(cwd, 'dist'))).sort()).toStrictEqual([RECORD_FILE, 'compose/web/compose.yaml', 'compose/web/nginx.conf', 'fake-json/web.fake.json', 'web.k8s.yaml']);
  });

  test('all names the targets it skips and why', async () => {
    const cwd = project();
    const run = await synth(cwd, '--target', 'all');
    expect(run).toStrictEqual({
      status: 0,
      stdout: '',
      stderr:
        `${SKIPPED_CLOUDS}skipped target fake-json: stack web does not set app.maxWorkers, which it requires\n` +
        'wrote dist/web.k8s.yaml\nwrote dist/compose/web/compose.yaml\nwrote dist/compose/web/nginx.conf\n',
    });
  });

  test('adding and removing targets moves no file, and a file kept beside the output stays where it was', async () => {
    const cwd = project(WITH_WORKERS);
    expect((await synth(cwd, '--target', 'compose')).status).toBe(0);
    fs.writeFileSync(path.join(cwd, 'dist/compose/web/saplings-secrets.env'), 'OPENAI_API_KEY=kept\n');
    const before = snapshotDir(path.join(cwd, 'dist'));
    const run = await synth(cwd, '--target', 'all');
    expect(run.stderr).not.toContain('removed');
    const after = snapshotDir(path.join(cwd, 'dist'));
    for (const file of Object.keys(before).filter((f) => f !== RECORD_FILE)) expect(after[file]).toBe(before[file]);
    expect(Object.keys(after).sort()).toStrictEqual([RECORD_FILE, 'compose/web/compose.yaml', 'compose/web/nginx.conf', 'compose/web/saplings-secrets.env', 'fake-json/web.fake.json', 'web.k8s.yaml']);
    // Back to Kubernetes alone: its file stays at the root, and the other targets' files stay recorded for their runs.
    const alone = await synth(cwd);
    expect(alone.stderr).toBe('unchanged dist/web.k8s.yaml\n');
  });

  test('a target named explicitly makes each key it lacks an input problem', async () => {
    const cwd = project();
    expect(await synth(cwd, '--target', 'fake-json')).toStrictEqual({
      status: 1,
      stdout: '',
      stderr: '✖ saplings.yaml:1:1: app.maxWorkers: is required by --target fake-json; set it, or leave fake-json out of --target\n1 problem; nothing was written.\n',
    });
    expect(fs.existsSync(path.join(cwd, 'dist'))).toBe(false);
  });

  test("a required key's problem points at the deepest part of its path the file has, in the stack's own document", async () => {
    const cwd = tempDir('saplings-targets-');
    const second = 'name: api\nenvironment: production\nimage: saplings:1.0.0\napp:\n  port: 8080\n';
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), `---\nname: web\nenvironment: production\nimage: saplings:1.0.0\n${WITH_WORKERS}---\n---\n${second}`);
    const run = await synth(cwd, '--target', 'fake-json');
    expect(run.status).toBe(1);
    // The second stack is the third document (an empty one is skipped); its `app` mapping starts on line 12.
    // The position says where; the document number is needed only without one.
    expect(run.stderr).toBe('✖ saplings.yaml:12:3: app.maxWorkers: is required by --target fake-json; set it, or leave fake-json out of --target\n1 problem; nothing was written.\n');
  });

  test('one non-Kubernetes target writes into <out>/<target>/, as it does beside other targets', async () => {
    const cwd = project(WITH_WORKERS);
    expect((await synth(cwd, '--target', 'fake-json')).status).toBe(0);
    expect(Object.keys(snapshotDir(path.join(cwd, 'dist'))).sort()).toStrictEqual([RECORD_FILE, 'fake-json/web.fake.json']);
  });

  test('--check covers every target\'s files', async () => {
    const cwd = project(WITH_WORKERS);
    expect((await synth(cwd, '--target', 'all')).status).toBe(0);
    expect(await synth(cwd, '--target', 'all', '--check')).toStrictEqual({ status: 0, stdout: '', stderr: `${SKIPPED_CLOUDS}dist is up to date (4 files)\n` });

    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), `name: web\nenvironment: production\nimage: saplings:1.0.1\n${WITH_WORKERS}`);
    const run = await synth(cwd, '--target', 'all', '--check');
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').filter(Boolean).sort()).toStrictEqual([
      'would change dist/compose/web/compose.yaml',
      'would change dist/fake-json/web.fake.json',
      'would change dist/web.k8s.yaml',
    ]);
  });

  test('unknown names list the registered targets too', async () => {
    expect((await synth(project(), '--target', 'helm')).stderr).toBe('✖ --target must be one of kubernetes, compose, cloudrun, ecs, fake-json, all, got "helm"\nRun "saplings-k8s --help" for usage.\n');
  });
});
