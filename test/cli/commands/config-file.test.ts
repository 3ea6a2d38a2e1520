import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasStackTrace, runMain, tempDir } from '../../helpers/cli';

// Issue 23, Why 1: a missing config must not quietly become the built-in production stack.
describe('which config a command reads', () => {
  test.each([['synth'], ['diff'], ['diagram'], ['validate']])('%s without --config, ./saplings.yaml or ./saplings.yml fails and writes nothing', async (command) => {
    const cwd = tempDir();
    const run = await runMain([command], cwd);
    // diff follows kubectl diff, where 1 means "changes": its invalid input exits 2.
    expect(run.status).toBe(command === 'diff' ? 2 : 1);
    expect(run.stderr).toContain(`${cwd}: has no ./saplings.yaml or ./saplings.yml; run \`saplings-k8s init\` to write one, pass --config FILE, or pass --example`);
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('synth reads ./saplings.yml when there is no ./saplings.yaml', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'saplings.yml'), 'name: mine\nenvironment: staging\nimage: saplings:2.0.0\n');
    const run = await runMain(['synth'], cwd);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(cwd, 'dist')).filter((f) => f.endsWith('.k8s.yaml'))).toEqual(['mine.k8s.yaml']);
    expect(fs.readFileSync(path.join(cwd, 'dist/mine.k8s.yaml'), 'utf8').split('\n')[0]).toMatch(/ from saplings\.yml\.$/);
  });

  test('./saplings.yaml wins over ./saplings.yml', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), 'name: first\nenvironment: staging\nimage: saplings:2.0.0\n');
    fs.writeFileSync(path.join(cwd, 'saplings.yml'), 'name: second\nenvironment: staging\nimage: saplings:2.0.0\n');
    expect((await runMain(['synth'], cwd)).status).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'dist/first.k8s.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'dist/second.k8s.yaml'))).toBe(false);
  });

  test('--example renders the built-in example and its header says so; without it the header never does', async () => {
    const cwd = tempDir();
    expect((await runMain(['synth', '--example'], cwd)).status).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'dist/saplings.k8s.yaml'), 'utf8').split('\n')[0]).toMatch(/ from the built-in example config \(--example\)\.$/);

    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), 'environment: staging\nimage: saplings:2.0.0\n');
    expect((await runMain(['synth', '--out', 'mine'], cwd)).status).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'mine/saplings.k8s.yaml'), 'utf8')).not.toContain('built-in');
  });

  test('--example and --config together are a usage error', async () => {
    const cwd = tempDir();
    const run = await runMain(['synth', '--example', '--config', 'x.yaml'], cwd);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--example and --config x.yaml exclude each other; pass one');
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('a stack whose environment --env overrides is reported at its line', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'saplings.yml'), 'name: mine\nenvironment: production\nimage: saplings:2.0.0\n');
    const run = await runMain(['synth', '--env', 'staging'], cwd);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('⚠ saplings.yml:2:14: environment: is "production" in the file; --env staging overrides it');

    const same = await runMain(['synth', '--env', 'production'], cwd);
    expect(same.status).toBe(0);
    expect(same.stderr).not.toContain('overrides it');
  });
});
