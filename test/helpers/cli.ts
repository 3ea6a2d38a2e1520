import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/index';

/** The built CLI, as `npx saplings-k8s` runs it. */
export const CLI = path.join(__dirname, '../../bin/saplings-k8s.js');

/** Repository root, for examples and committed files. */
export const ROOT = path.join(__dirname, '../..');

/** What a CLI run printed and returned. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built CLI in a process of its own, in `cwd`, with only PATH, NO_COLOR,
 * the temp dir and `env` in its environment. For what a real process adds (the
 * bin shim, exit codes, worker threads, locks); otherwise use {@link runMain}.
 */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, NO_COLOR: '1', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the CLI's entry, `main(argv, io)`, in this process in `cwd`, with its
 * output captured: what `runCli` sees, without starting a process. The
 * environment is only `env` (and NO_COLOR), as for `runCli`.
 */
export async function runMain(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd,
    env: { NO_COLOR: '1', ...env },
    stderrIsTTY: false,
  });
  return { status, stdout, stderr };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'saplings-cli-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Every file under `dir` with its content, for byte-for-byte comparisons. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = path.join(prefix, entry.name);
      if (entry.isDirectory()) walk(path.join(d, entry.name), rel);
      else out[rel] = fs.readFileSync(path.join(d, entry.name), 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out;
}

/** Whether output looks like a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+\(.+:\d+:\d+\)$/m.test(text) || /^\s+at .+:\d+:\d+$/m.test(text);
}
