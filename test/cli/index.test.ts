import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, hasStackTrace, runMain, tempDir } from '../helpers/cli';

/* The entry every command goes through: version, help, and usage errors (exit 2). */

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('saplings-k8s', () => {
  const cwd = tempDir();

  test('--version prints the package version', async () => {
    expect(await runMain(['--version'], cwd)).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
  });

  test('--help lists the commands on stdout', async () => {
    const run = await runMain(['--help'], cwd);
    expect(run.status).toBe(0);
    for (const command of ['synth', 'schema', 'init']) expect(run.stdout).toContain(`  ${command} `);
  });

  test('synth --help shows its options', async () => {
    const run = await runMain(['synth', '--help'], cwd);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--config FILE');
  });

  test.each([
    [[], 'Usage: saplings-k8s'],
    [['deploy'], 'unknown command "deploy"'],
    [['synth', '--outdir', 'x'], "Unknown option '--outdir'"],
    [['synth', '--env', 'prod'], '--env must be one of development, staging, production, got "prod"'],
  ])('usage errors exit 2: %j', async (args, message) => {
    const run = await runMain(args, cwd);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
    expect(hasStackTrace(run.stderr)).toBe(false);
  });
});
