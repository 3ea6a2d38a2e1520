import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMain, tempDir } from '../../helpers/cli';
import { configJsonSchema } from '../../../src/cli/commands/schema';

describe('saplings-k8s init', () => {
  test('writes a starter config that synthesizes, and never overwrites it', async () => {
    const cwd = tempDir();
    expect((await runMain(['init'], cwd)).status).toBe(0);
    const written = fs.readFileSync(path.join(cwd, 'saplings.yaml'), 'utf8');
    expect((await runMain(['synth'], cwd)).status).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'dist/saplings.k8s.yaml'), 'utf8').split('\n')[0]).toContain('from saplings.yaml.');

    fs.writeFileSync(path.join(cwd, 'saplings.yaml'), `${written}# my edit\n`);
    const again = await runMain(['init'], cwd);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('saplings.yaml: already exists; init never overwrites a config');
    expect(fs.readFileSync(path.join(cwd, 'saplings.yaml'), 'utf8')).toBe(`${written}# my edit\n`);
  });

  // Issue 23, Why 6: the $schema line pointed into node_modules, where the package may not be installed.
  test.each([[[] as string[], '.'], [['--config', 'deploy/stack.yaml'], 'deploy']])('the $schema line of init %j names a schema file that exists beside the config', async (args, dir) => {
    const cwd = tempDir();
    fs.mkdirSync(path.join(cwd, 'deploy'));
    const run = await runMain(['init', ...args], cwd);
    expect(run.status).toBe(0);
    const config = path.join(cwd, args[1] ?? 'saplings.yaml');
    const schemaRef = /^# yaml-language-server: \$schema=(\S+)$/m.exec(fs.readFileSync(config, 'utf8'))?.[1];
    expect(schemaRef).toBeDefined();
    // yaml-language-server reads a relative $schema relative to the YAML file.
    const schemaPath = path.resolve(path.dirname(config), schemaRef!);
    expect(path.dirname(schemaPath)).toBe(path.join(cwd, dir));
    expect(JSON.parse(fs.readFileSync(schemaPath, 'utf8'))).toStrictEqual(configJsonSchema());
    expect(fs.existsSync(path.join(cwd, 'node_modules'))).toBe(false);
  });

  test('keeps an existing schema file, and a refused run leaves no schema behind', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'saplings.schema.json'), '{"mine":true}\n');
    const run = await runMain(['init'], cwd);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('kept the existing saplings.schema.json; refresh it with saplings-k8s schema > saplings.schema.json');
    expect(fs.readFileSync(path.join(cwd, 'saplings.schema.json'), 'utf8')).toBe('{"mine":true}\n');

    const other = tempDir();
    fs.writeFileSync(path.join(other, 'saplings.yaml'), 'environment: staging\n');
    expect((await runMain(['init'], other)).status).toBe(1);
    expect(fs.readdirSync(other)).toEqual(['saplings.yaml']);
  });
});
