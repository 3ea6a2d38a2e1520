import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withLock } from '../../src/synth/lock';
import { CLI, ROOT, runCli, snapshotDir, tempDir } from '../helpers/cli';

/*
 * Mutual exclusion of the output lock under real concurrency: processes of
 * the built lock module, each writing an enter and an exit marker to one log
 * while it holds the lock. Every run but one kills itself while holding it,
 * so the others race to take over an abandoned lock over and over.
 */

const PROCESSES = 14;
const ROUNDS = 12;

/** A process that takes the lock `ROUNDS` times, logging its turns, and with `die` SIGKILLs itself inside its last turn. */
const HOLDER = `
const fs = require('node:fs');
const { withLock } = require(${JSON.stringify(path.join(ROOT, 'lib/src/synth/lock.js'))});
const [lockPath, log, rounds, die] = process.argv.slice(1);
for (let i = 0; i < Number(rounds); i++) {
  withLock(lockPath, () => {
    fs.appendFileSync(log, 'enter ' + process.pid + '\\n');
    // Hold it a moment, so a second holder would overlap.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2 + Math.random() * 4);
    if (die === 'die' && i === Number(rounds) - 1) {
      fs.appendFileSync(log, 'die ' + process.pid + '\\n');
      process.kill(process.pid, 'SIGKILL');
    }
    fs.appendFileSync(log, 'exit ' + process.pid + '\\n');
  }, { pollMs: 1 });
}
`;

function run(args: string[]): Promise<void> {
  return new Promise((resolve) => {
    spawn(process.execPath, ['-e', HOLDER, ...args], { stdio: 'inherit' }).on('exit', () => resolve());
  });
}

describe('the output lock', () => {
  test(`${PROCESSES} processes racing, most killed while holding it, never hold it at once`, async () => {
    const dir = tempDir('saplings-lock-');
    const lock = path.join(dir, '.dist.saplings-k8s.lock');
    const log = path.join(dir, 'log');
    fs.writeFileSync(log, '');
    // An abandoned lock from another host to start with: all of them race to take it over.
    fs.writeFileSync(lock, JSON.stringify({ token: 'old', pid: 1, host: 'elsewhere', pidNamespace: 'pid:[1]' }));
    const past = new Date(Date.now() - 120_000);
    fs.utimesSync(lock, past, past);

    await Promise.all(Array.from({ length: PROCESSES }, (_, i) => run([lock, log, String(ROUNDS), i === 0 ? 'live' : 'die'])));

    const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const overlaps: string[] = [];
    let holder: string | undefined;
    for (const [n, line] of lines.entries()) {
      const [event, pid] = line.split(' ');
      if (event === 'enter') {
        if (holder !== undefined) overlaps.push(`line ${n + 1}: ${pid} entered while ${holder} held the lock`);
        holder = pid;
      } else {
        if (holder !== pid) overlaps.push(`line ${n + 1}: ${pid} left a lock ${holder ?? 'nobody'} held`);
        holder = undefined;
      }
    }
    expect(overlaps).toStrictEqual([]);
    expect(lines.filter((l) => l.startsWith('enter')).length).toBe(PROCESSES * ROUNDS);
    expect(lines.filter((l) => l.startsWith('die')).length).toBe(PROCESSES - 1);
    // A run killed last leaves its token file; the next run takes it over, and leaves nothing.
    let ran = false;
    withLock(lock, () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(fs.readdirSync(dir).sort()).toStrictEqual(['log']);
  });
});

/*
 * The lock and I/O errors on real file systems. CI runs as root, so the
 * permission cases drop to `nobody` (setpriv); a full and a read-only disk
 * are small tmpfs mounts in a private mount namespace (unshare -m), which
 * vanish with it, so what the folder holds is snapshotted inside.
 */
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const can = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const CAN_SETPRIV = process.getuid?.() === 0 && can('setpriv', [...NOBODY, 'true']);
const CAN_UNSHARE = process.getuid?.() === 0 && can('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=16k tmpfs /mnt']);

/** `test` where `available`; off CI a skip that says why; in CI (CI=true) a failure, since CI must run it. */
function testWhere(available: boolean, what: string): jest.It {
  if (available) return test;
  if (process.env.CI === 'true') return ((name: string) => test(name, () => { throw new Error(`${what} is not available here, and CI must run this test`); })) as jest.It;
  process.stderr.write(`skipped: ${what} is not available here (run as root with setpriv and unshare -m)\n`);
  return test.skip;
}

const SNAPSHOT = `
const fs = require('node:fs'), path = require('node:path');
const out = {};
const walk = (d, p) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const r = path.join(p, e.name); if (e.isDirectory()) walk(path.join(d, e.name), r); else out[r] = fs.readFileSync(path.join(d, e.name), 'utf8'); } };
walk(process.argv[2], '');
process.stdout.write(JSON.stringify(out));
`;

/** A directory under /tmp that `nobody` can enter (the test run's own temp dir is private to root). */
function openDir(): string {
  const dir = fs.mkdtempSync('/tmp/saplings-io-');
  fs.chmodSync(dir, 0o755);
  opened.push(dir);
  return dir;
}
const opened: string[] = [];
afterAll(() => {
  for (const dir of opened) fs.rmSync(dir, { recursive: true, force: true });
});

const stack = (name: string) => `name: ${name}\nenvironment: production\nimage: saplings:1.0.0\n`;
const fleetOf = (n: number) => Array.from({ length: n }, (_, i) => stack(`s${i}`)).join('---\n');
const ONE_SENTENCE = (out: string) => new RegExp(`^✖ cannot \\w+ ${out}\\S* \\([^)]+\\): [^;\\n]+; ${out} still holds the files it had before\\n$`);

describe('the lock and I/O errors, on real file systems', () => {
  testWhere(CAN_SETPRIV, 'setpriv as root')('locking needs only --out writable: a non-root user writes into its folder under a read-only parent', () => {
    const x = openDir();
    fs.writeFileSync(path.join(x, 'base.yaml'), stack('demo'));
    fs.mkdirSync(path.join(x, 'out'));
    fs.chownSync(path.join(x, 'out'), 65534, 65534);
    fs.chmodSync(x, 0o555);
    const run = spawnSync('setpriv', [...NOBODY, process.execPath, CLI, 'synth', '-c', 'base.yaml', '--out', 'out'], { cwd: x, encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect([run.status, run.stderr]).toStrictEqual([0, 'wrote out/demo.k8s.yaml\n']);
    expect(fs.readdirSync(path.join(x, 'out')).sort()).toStrictEqual(['.saplings-k8s-files', 'demo.k8s.yaml']);
    expect(fs.readdirSync(x).sort()).toStrictEqual(['base.yaml', 'out']);
  });

  testWhere(CAN_SETPRIV, 'setpriv as root')('EACCES: an --out the user cannot write is one sentence naming it, and keeps its files; nothing is left behind', () => {
    const x = openDir();
    fs.writeFileSync(path.join(x, 'base.yaml'), stack('demo'));
    expect(runCli(['synth', '-c', 'base.yaml', '--out', 'out'], x).status).toBe(0);
    const before = snapshotDir(path.join(x, 'out'));
    fs.writeFileSync(path.join(x, 'base.yaml'), stack('other'));
    const run = spawnSync('setpriv', [...NOBODY, process.execPath, CLI, 'synth', '-c', 'base.yaml', '--out', 'out'], { cwd: x, encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(ONE_SENTENCE(path.join(x, 'out')));
    expect(run.stderr).toContain('(permission denied)');
    expect(snapshotDir(path.join(x, 'out'))).toStrictEqual(before);
  });

  /** Runs `steps` (shell) in a private mount namespace with a tmpfs of `size` at x/out, and returns what the folder held before and after the last synth. */
  function onTmpfs(size: string, remount: string): { status: number; stderr: string; before: unknown; after: unknown; out: string } {
    const x = openDir();
    const out = path.join(x, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(x, 'small.yaml'), stack('demo'));
    fs.writeFileSync(path.join(x, 'big.yaml'), fleetOf(40));
    fs.writeFileSync(path.join(x, 'snap.js'), SNAPSHOT);
    const node = JSON.stringify(process.execPath);
    const script = [
      `mount -t tmpfs -o size=${size} tmpfs out`,
      `${node} ${JSON.stringify(CLI)} synth -c small.yaml --out out 2>/dev/null`,
      `${node} snap.js out > before.json`,
      remount,
      `${node} ${JSON.stringify(CLI)} synth -c big.yaml --out out 2> err.txt; echo $? > rc`,
      `${node} snap.js out > after.json`,
    ].join(' && ');
    const run = spawnSync('unshare', ['-m', 'sh', '-c', script], { cwd: x, encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect([run.status, run.stderr]).toStrictEqual([0, '']);
    const read = (file: string) => fs.readFileSync(path.join(x, file), 'utf8');
    return { status: Number(read('rc')), stderr: read('err.txt'), before: JSON.parse(read('before.json')), after: JSON.parse(read('after.json')), out };
  }

  testWhere(CAN_UNSHARE, 'unshare -m as root')('ENOSPC: a full disk is one sentence naming the path, and the folder keeps exactly its files, with no lock or staging left', () => {
    const { status, stderr, before, after, out } = onTmpfs('160k', 'true');
    expect(status).toBe(1);
    expect(stderr).toMatch(ONE_SENTENCE(out));
    expect(stderr).toContain('(no space left on the device): free some space and run saplings-k8s synth again');
    expect(Object.keys(before as object).sort()).toStrictEqual(['.saplings-k8s-files', 'demo.k8s.yaml']);
    expect(after).toStrictEqual(before);
  });

  testWhere(CAN_UNSHARE, 'unshare -m as root')('EROFS: a read-only --out is one sentence naming it, and keeps its files', () => {
    const { status, stderr, before, after, out } = onTmpfs('4m', 'mount -o remount,ro out');
    expect(status).toBe(1);
    expect(stderr).toMatch(ONE_SENTENCE(out));
    expect(stderr).toContain('(the file system is read-only): choose a writable --out');
    expect(after).toStrictEqual(before);
  });
});
