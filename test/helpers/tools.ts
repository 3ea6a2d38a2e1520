import { spawnSync } from 'node:child_process';

/** Whether `command` can be run here: it is on PATH and `command ...args` exits 0. */
export function hasTool(command: string, args: readonly string[]): boolean {
  const run = spawnSync(command, args, { stdio: 'ignore' });
  return run.error === undefined && run.status === 0;
}

/**
 * `test` when `command` can be run; otherwise `test.skip`, after saying once
 * which tests are skipped and why, so a machine without the tool still runs the rest.
 */
export function testWithTool(command: string, args: readonly string[], needs: string): jest.It {
  if (hasTool(command, args)) return test;
  console.warn(`${command} is not on PATH (or \`${[command, ...args].join(' ')}\` failed): skipping the tests that need it to ${needs}.`);
  return test.skip;
}
