import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recoverOutput } from '../../src/synth/output';
import { STAGING_DIR } from '../../src/synth/journal';
import { CLI, runCli, snapshotDir, tempDir } from '../helpers/cli';

/*
 * Real synth processes killed with SIGKILL at random moments, each followed
 * by the recovery the next run does first: the output directory must then
 * hold exactly the old set of files or exactly the new one, with nothing of
 * the killed run left behind.
 */

const KILLS = 60;

/** A production fleet; `changed` stacks get another worker count, so their files differ from `fleet(prefix, n)`'s. */
function fleet(names: readonly string[], changed = false): string {
  return names
    .map((name) => `name: ${name}\nenvironment: production\nimage: saplings:1.0.0\n${changed ? 'app: { maxWorkers: 6 }\n' : ''}`)
    .join('---\n');
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Spawns synth, kills it after `delayMs` unless it finished, and resolves to whether it was killed and how long it ran. */
function runAndKill(args: string[], cwd: string, delayMs: number): Promise<{ killed: boolean; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    // 'exit' comes after the child is reaped, so its pid is no longer alive for the lock.
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', ms: Date.now() - started });
    });
  });
}

/** What a killed run left: which phase it was in, judged from the staging directory. */
function phaseLeft(out: string): 'no staging' | 'staging, no journal' | 'journal' {
  const staging = path.join(out, STAGING_DIR);
  if (!fs.existsSync(staging)) return 'no staging';
  return fs.existsSync(path.join(staging, 'journal.json')) ? 'journal' : 'staging, no journal';
}

describe('synth killed at random moments', () => {
  // 16 stacks render on the main thread; 70 on fleet workers, whose files are staged while the rest renders.
  test.each([
    [16, KILLS],
    [70, KILLS / 3],
  ])(`with %i stacks: after each of %i SIGKILLs the next run finds exactly the old or the new set, and a clean run leaves nothing behind`, async (stacks, KILLS) => {
    const cwd = tempDir('saplings-kill-');
    // Sets that add, change and remove files, in the layout with the most files.
    const kept = Math.round(stacks * 0.6);
    fs.writeFileSync(path.join(cwd, 'a.yaml'), fleet(range('s', stacks)));
    fs.writeFileSync(path.join(cwd, 'b.yaml'), fleet([...range('s', kept), ...range('t', stacks - kept)], true));
    const args = (which: string, out: string) => ['synth', '-c', `${which}.yaml`, '--layout', 'file-per-resource', '--out', out];
    const expected: Record<string, Record<string, string>> = {};
    let runMs = 0;
    for (const which of ['a', 'b']) {
      const started = Date.now();
      expect(runCli(args(which, `only-${which}`), cwd).status).toBe(0);
      runMs = Math.max(runMs, Date.now() - started);
      expected[which] = snapshotDir(path.join(cwd, `only-${which}`));
    }
    expect(Object.keys(expected.a).length).toBeGreaterThan(200);

    expect(runCli(args('a', 'out'), cwd).status).toBe(0);
    const out = path.join(cwd, 'out');
    let current = 'a';
    const outcomes: Record<string, number> = {};
    let kills = 0;
    for (let attempt = 0; kills < KILLS && attempt < KILLS * 5; attempt++) {
      const next = current === 'a' ? 'b' : 'a';
      // Most of a run is start-up and rendering; the kills aim at its last part, where it writes.
      const delay = runMs * (0.4 + Math.random() * 0.7);
      const { killed, ms } = await runAndKill(args(next, 'out'), cwd, delay);
      // A run that finished first shows how long runs take now, on a machine whose load changes.
      if (!killed) runMs = Math.min(runMs, ms);
      const phase = killed ? phaseLeft(out) : 'finished';

      recoverOutput(out);
      const result = snapshotDir(out);
      const which = [current, next].find((w) => JSON.stringify(expected[w]) === JSON.stringify(result));
      expect({ delay, phase, which }).toStrictEqual({ delay, phase, which: expect.stringMatching(/^[ab]$/) });
      expect(fs.readdirSync(cwd).filter((f) => f.includes('saplings-k8s'))).toStrictEqual([]);
      if (killed) kills++;
      const key = `${phase} -> ${which === next ? 'new' : 'old'}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      current = which!;
    }
    expect(kills).toBe(KILLS);
    // The figures for the record: how many kills landed in each phase, and what they recovered to.
    process.stderr.write(`synth-kill outcomes: ${JSON.stringify(outcomes)}\n`);

    const next = current === 'a' ? 'b' : 'a';
    expect(runCli(args(next, 'out'), cwd).status).toBe(0);
    expect(snapshotDir(out)).toStrictEqual(expected[next]);
    expect(fs.readdirSync(cwd).filter((f) => f.includes('saplings-k8s'))).toStrictEqual([]);
  }, 900_000);
});
