import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pidNamespace } from '../../src/synth/lock';
import { LOCK_DIR } from '../../src/synth/output';
import { CLI, runCli, snapshotDir, tempDir } from '../helpers/cli';

/*
 * Several CLI processes writing one output directory. Each needs a process of
 * its own: the lock is taken per process (its pid), and a run waiting for a
 * lock blocks its thread. A stale lock and --check are tested in process in
 * test/cli/commands/synth.test.ts.
 */

function fleet(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, i) => `name: ${prefix}${i}\nenvironment: production\nimage: saplings:1.0.0\n`).join('---\n');
}

function runAsync(args: string[], cwd: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
    child.on('close', resolve);
  });
}

describe('concurrent synth runs into one directory', () => {
  test('do not interleave: the result is entirely one run\'s output', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'a.yaml'), fleet('a', 40));
    fs.writeFileSync(path.join(cwd, 'b.yaml'), fleet('b', 40));
    for (const which of ['a', 'b']) {
      expect(runCli(['synth', '-c', `${which}.yaml`, '--out', `only-${which}`], cwd).status).toBe(0);
    }
    const expected = { a: snapshotDir(path.join(cwd, 'only-a')), b: snapshotDir(path.join(cwd, 'only-b')) };

    for (let round = 0; round < 3; round++) {
      const statuses = await Promise.all([
        runAsync(['synth', '-c', 'a.yaml', '--out', 'shared'], cwd),
        runAsync(['synth', '-c', 'b.yaml', '--out', 'shared'], cwd),
      ]);
      expect(statuses).toStrictEqual([0, 0]);
      const result = snapshotDir(path.join(cwd, 'shared'));
      expect([expected.a, expected.b]).toContainEqual(result);
      expect(fs.readdirSync(cwd).filter((f) => f.includes('saplings-k8s'))).toStrictEqual([]);
    }
  });
});

/**
 * Resolves once `file` has been read, seen from its access time: set to 1970
 * here, it moves on the first read even under `relatime`, which updates an
 * access time older than a day (mount(8), "relatime"). Rejects if `run` ends
 * first, or if this file system records no access times (noatime).
 */
async function readBy(file: string, run: Promise<unknown>): Promise<void> {
  fs.utimesSync(file, 0, fs.statSync(file).mtime);
  const probe = `${file}.atime-probe`;
  fs.writeFileSync(probe, 'x');
  fs.utimesSync(probe, 0, fs.statSync(probe).mtime);
  fs.readFileSync(probe);
  const recorded = fs.statSync(probe).atimeMs > 0;
  fs.rmSync(probe);
  if (!recorded) throw new Error(`${path.dirname(file)} is on a file system that records no access times (noatime); this test needs them`);
  let ended = false;
  void run.then(() => (ended = true));
  while (fs.statSync(file).atimeMs === 0) {
    if (ended) throw new Error('the run ended before it read the lock');
    await new Promise((resolve) => setTimeout(resolve, 10)); // a poll, not a wait for time to pass
  }
}

describe('the output lock', () => {
  /** A live lock on `cwd/dist`: this test process is alive, on this host and in this pid namespace, so its token holds it. */
  function holdLock(cwd: string): { lock: string; token: string } {
    const lock = path.join(cwd, 'dist', LOCK_DIR);
    fs.mkdirSync(lock, { recursive: true });
    const token = path.join(lock, 'holder-test');
    fs.writeFileSync(token, JSON.stringify({ token: 'test', pid: process.pid, host: os.hostname(), pidNamespace: pidNamespace() }));
    return { lock, token };
  }

  test('a run waits while another process holds the lock, then completes', async () => {
    const cwd = tempDir();
    const { token } = holdLock(cwd);
    const run = runAsync(['synth', '--example'], cwd);
    // No fixed sleep: wait until the run has read the holder's token (and so found it alive).
    await readBy(token, run);
    expect(fs.readdirSync(path.join(cwd, 'dist'))).toStrictEqual([LOCK_DIR]);
    fs.rmSync(token);
    expect(await run).toBe(0);
    expect(fs.readdirSync(path.join(cwd, 'dist')).sort()).toStrictEqual(['.saplings-k8s-files', 'saplings.k8s.yaml']);
  });

  test('a run waiting for the lock stops on SIGTERM: exit 143, nothing written, the holder\'s lock untouched', async () => {
    const cwd = tempDir();
    const { lock, token } = holdLock(cwd);
    const child = spawn(process.execPath, [CLI, 'synth', '--example'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await readBy(token, closed);
    // The holder stays alive: without an interruptible wait the run would sit out the lock's 2-minute timeout.
    child.kill('SIGTERM');
    expect(await closed).toBe(143);
    expect(stderr).toContain('✖ stopped by SIGTERM: dist still holds the files it had before\n');
    expect(fs.readdirSync(path.join(cwd, 'dist'))).toStrictEqual([LOCK_DIR]);
    expect(fs.readdirSync(lock)).toStrictEqual(['holder-test']);
  });
});
