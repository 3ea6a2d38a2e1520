import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withLock } from '../../src/synth/lock';
import { ROOT, tempDir } from '../helpers/cli';

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
