import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMain, tempDir } from '../../helpers/cli';

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
});
