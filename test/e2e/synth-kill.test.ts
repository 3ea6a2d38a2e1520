import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_HOOK_ENV } from '../../src/synth/fs-ops';
import { STAGING_DIR } from '../../src/synth/journal';
import { LOCK_DIR, recoverOutput } from '../../src/synth/output';
import { CLI, runCli, snapshotDir, tempDir } from '../helpers/cli';

/*
 * Real synth processes stopped at each phase of the commit, deterministically:
 * the file-system layer's test hook (TEST_HOOK_ENV in src/synth/fs-ops.ts)
 * first logs every operation of a run, then sends the signal just before the
 * chosen one. After a SIGKILL, the recovery the next run does first must leave
 * exactly the old set or exactly the new one; after SIGINT or SIGTERM the run
 * itself must leave one of them, remove its staging folder and lock token,
 * and exit 130 or 143.
 */

/** A production fleet; `changed` stacks get another worker count, so their files differ from `fleet(names)`'s. */
function fleet(names: readonly string[], changed = false): string {
  return names
    .map((name) => `name: ${name}\nenvironment: production\nimage: saplings:1.0.0\n${changed ? 'app: { maxWorkers: 6 }\n' : ''}`)
    .join('---\n');
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

type Phase = 'staging' | 'journal' | 'moving into place' | 'committing' | 'cleaning up';

/** Runs synth with the hook set to `hook`; its status, signal and stderr. */
function synthWithHook(args: string[], cwd: string, hook: string) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1', [TEST_HOOK_ENV]: hook } });
  return { status: run.status, signal: run.signal, stderr: run.stderr, ended: Date.now() };
}

/** The phase of each operation of a logged run (1-based, index 0 unused), from what it touched. */
function phases(log: string): Phase[] {
  const result: Phase[] = ['staging'];
  let phase: Phase = 'staging';
  for (const line of log.split('\n').filter(Boolean)) {
    const [op, file] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
    if (op === 'writeFile' && file.endsWith('journal.json.tmp')) phase = 'journal';
    else if (op === 'unlink' && file.endsWith(path.join(STAGING_DIR, 'journal.json'))) phase = 'committing';
    else if (phase === 'journal' && !(op === 'rename' && file.endsWith('journal.json.tmp'))) phase = 'moving into place';
    else if (phase === 'committing') phase = 'cleaning up';
    result.push(phase);
  }
  return result;
}

/** What a killed run left: which phase it was in, judged from the staging directory. */
function left(out: string): 'no staging' | 'staging, no journal' | 'journal' {
  const staging = path.join(out, STAGING_DIR);
  if (!fs.existsSync(staging)) return 'no staging';
  return fs.existsSync(path.join(staging, 'journal.json')) ? 'journal' : 'staging, no journal';
}

describe.each([
  [16, 'on the main thread'],
  [70, 'on fleet workers, staged while they render'],
])('synth of %i stacks (%s) stopped before each phase of its commit', (stacks) => {
  const cwd = tempDir('saplings-kill-');
  const out = path.join(cwd, 'out');
  const args = (which: string) => ['synth', '-c', `${which}.yaml`, '--layout', 'file-per-resource', '--out', 'out'];
  const expected: Record<string, Record<string, string>> = {};
  let ops: Phase[] = [];
  /** How long the logged run took, start to exit: the yardstick for how soon a signal must stop a run on a loaded machine. */
  let fullRunMs = 0;
  /** Puts the old set (a) back into out. */
  const reset = () => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.cpSync(path.join(cwd, 'only-a'), out, { recursive: true });
  };

  beforeAll(() => {
    // Sets that add, change and remove files, in the layout with the most files.
    const kept = Math.round(stacks * 0.6);
    fs.writeFileSync(path.join(cwd, 'a.yaml'), fleet(range('s', stacks)));
    fs.writeFileSync(path.join(cwd, 'b.yaml'), fleet([...range('s', kept), ...range('t', stacks - kept)], true));
    for (const which of ['a', 'b']) {
      expect(runCli(['synth', '-c', `${which}.yaml`, '--layout', 'file-per-resource', '--out', `only-${which}`], cwd).status).toBe(0);
      expected[which] = snapshotDir(path.join(cwd, `only-${which}`));
    }
    expect(Object.keys(expected.a).length).toBeGreaterThan(200);
    reset();
    const log = path.join(cwd, 'ops.log');
    const started = Date.now();
    const logged = synthWithHook(args('b'), cwd, `log:${log}`);
    fullRunMs = logged.ended - started;
    expect(logged.status).toBe(0);
    expect(snapshotDir(out)).toStrictEqual(expected.b);
    ops = phases(fs.readFileSync(log, 'utf8'));
  });

  test('the logged run passes through every phase', () => {
    expect(new Set(ops.slice(1))).toStrictEqual(new Set<Phase>(['staging', 'journal', 'moving into place', 'committing', 'cleaning up']));
  });

  test('SIGKILL before the first, a middle and the last operation of each phase: the next run\'s recovery finds exactly the old or the new set', () => {
    const points = new Set<number>();
    for (const phase of new Set(ops.slice(1))) {
      const indices = ops.flatMap((p, i) => (i > 0 && p === phase ? [i] : []));
      // A fleet's runs are slow; its staging is what differs from the main thread's, so it gets the ends of each phase.
      const middle = stacks >= 64 ? [] : [indices[Math.floor(indices.length / 2)]];
      for (const i of [indices[0], ...middle, indices[indices.length - 1]]) points.add(i);
    }
    const outcomes: string[] = [];
    for (const n of [...points].sort((a, b) => a - b)) {
      reset();
      const run = synthWithHook(args('b'), cwd, `SIGKILL:${n}`);
      expect({ n, signal: run.signal }).toStrictEqual({ n, signal: 'SIGKILL' });
      const phase = ops[n];
      // Killed before the journal is in place, nothing moved; before its removal, the journal rolls back; after, the new set stands.
      const state = left(out);
      recoverOutput(out);
      const result = snapshotDir(out);
      const which = (['a', 'b'] as const).find((w) => JSON.stringify(expected[w]) === JSON.stringify(result));
      const committed = phase === 'cleaning up';
      expect({ n, phase, state, which }).toStrictEqual({
        n,
        phase,
        state: phase === 'moving into place' || phase === 'committing' ? 'journal' : expect.stringMatching(/staging|no staging/),
        which: committed ? 'b' : 'a',
      });
      // recoverOutput took and released the lock; the killed run's abandoned token went with it.
      expect(fs.existsSync(path.join(out, LOCK_DIR))).toBe(false);
      outcomes.push(`${phase}@${n}->${which}`);
    }
    process.stderr.write(`synth-kill (${stacks} stacks, ${ops.length - 1} operations): ${outcomes.join(', ')}\n`);
  });

  test('a clean run after a kill leaves exactly the new set and nothing of the killed run', () => {
    reset();
    expect(synthWithHook(args('b'), cwd, `SIGKILL:${ops.indexOf('moving into place') + 1}`).signal).toBe('SIGKILL');
    expect(runCli(args('b'), cwd).status).toBe(0);
    expect(snapshotDir(out)).toStrictEqual(expected.b);
  });

  test.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ])('%s before the first operation: the output keeps exactly the old set, or (once moving files in) the new one; no staging, no lock; exit %i', (signal, code) => {
    reset();
    const run = synthWithHook(args('b'), cwd, `${signal}:1`);
    expect({ status: run.status, signal: run.signal }).toStrictEqual({ status: code, signal: null });
    const result = snapshotDir(out);
    // The signal comes before the run's first file operation. On the main thread that operation is the commit,
    // which then finishes. A fleet stages while its workers render, so the signal usually stops it before the
    // commit; but when the workers are done before the first batch is staged, the first operation is the commit
    // too. Either way the output is exactly one set, and the message names the one it is.
    const committed = run.stderr.includes(`✖ stopped by ${signal}: out holds the new files\n`);
    if (!committed) expect(run.stderr).toContain(`✖ stopped by ${signal}: out still holds the files it had before\n`);
    if (stacks < 64) expect(committed).toBe(true);
    expect(result).toStrictEqual(committed ? expected.b : expected.a);
    const hooked = /test hook: \w+ before \w+ \S+ at (\d+)/.exec(run.stderr);
    // How soon it stops is a figure, not an assertion (timed tests fail on a loaded machine): workers are
    // terminated, not waited for, about 0.5 s on an idle machine.
    const stoppedMs = run.ended - Number(hooked![1]);
    process.stderr.write(`${signal} stopped a ${stacks}-stack run in ${stoppedMs} ms (a whole run: ${fullRunMs} ms)${committed ? ', after its commit' : ''}\n`);
  });

  test('SIGTERM in the middle of moving files into place finishes the commit, then exits 143 with nothing left behind', () => {
    reset();
    const indices = ops.flatMap((p, i) => (p === 'moving into place' ? [i] : []));
    const run = synthWithHook(args('b'), cwd, `SIGTERM:${indices[Math.floor(indices.length / 2)]}`);
    expect(run.status).toBe(143);
    expect(snapshotDir(out)).toStrictEqual(expected.b);
  });
});
