import { spawnSync } from 'node:child_process';

/** Whether `command` can be run here: it is on PATH and `command ...args` exits 0. */
export function hasTool(command: string, args: readonly string[]): boolean {
  const run = spawnSync(command, args, { stdio: 'ignore' });
  return run.error === undefined && run.status === 0;
}

/** Whether this is a CI run (`CI=true`, as GitHub Actions, GitLab and .ci/run set it), where every tool must be present. */
export function inCi(): boolean {
  return process.env.CI === 'true';
}

/**
 * `test` when `command` can be run. Otherwise, on a developer's machine,
 * `test.skip`, after saying once which tests are skipped and why, so a
 * machine without the tool still runs the rest; in CI ({@link inCi}) each
 * such test fails instead, naming the tool, so a missing install is never a
 * silent skip.
 */
export function testWithTool(command: string, args: readonly string[], needs: string): jest.It {
  if (hasTool(command, args)) return test;
  const missing = `${command} is not on PATH (or \`${[command, ...args].join(' ')}\` failed)`;
  if (inCi()) {
    const failing = (name: string): void =>
      test(name, () => {
        throw new Error(`${missing}: CI must install it to ${needs} (see .ci/run)`);
      });
    return Object.assign(failing, test, { each: () => failing }) as unknown as jest.It;
  }
  console.warn(`${missing}: skipping the tests that need it to ${needs}.`);
  return test.skip;
}
