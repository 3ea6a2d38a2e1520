import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMain, tempDir } from '../../helpers/cli';

/*
 * validate DIR visits each real file once, whatever the symlinks: two links
 * to the directory itself (`a -> .`, `b -> .`) once made the walk grow
 * exponentially, and one such link checked the same file 41 times.
 */

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: demo }\ndata: { A: "1" }\n';

describe('validate follows symlinks without visiting a real file twice', () => {
  it.each([
    ['one link to the directory itself', ['a']],
    ['two links to the directory itself', ['a', 'b']],
  ])('checks the one file once with %s', async (_what, links) => {
    const dir = tempDir('saplings-validate-links-');
    const manifests = path.join(dir, 'm');
    fs.mkdirSync(manifests);
    fs.writeFileSync(path.join(manifests, 'settings.yaml'), CONFIG_MAP);
    for (const link of links) fs.symlinkSync('.', path.join(manifests, link));
    const run = await runMain(['validate', 'm'], dir);
    expect(run.stderr).toMatch(/^1 object checked: 0 errors/m);
    expect(run.status).toBe(0);
  });

  it('checks a file named twice, and again through a link to it, once', async () => {
    const dir = tempDir('saplings-validate-links-');
    fs.writeFileSync(path.join(dir, 'settings.yaml'), CONFIG_MAP);
    fs.symlinkSync('settings.yaml', path.join(dir, 'alias.yaml'));
    const run = await runMain(['validate', 'settings.yaml', 'settings.yaml', 'alias.yaml'], dir);
    expect(run.stderr).toMatch(/^1 object checked: 0 errors/m);
  });

  it('still checks a linked-in directory of shared manifests', async () => {
    const dir = tempDir('saplings-validate-links-');
    fs.mkdirSync(path.join(dir, 'shared'));
    fs.writeFileSync(path.join(dir, 'shared', 'settings.yaml'), CONFIG_MAP);
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'other.yaml'), CONFIG_MAP.replace('settings', 'other'));
    fs.symlinkSync('../shared', path.join(dir, 'app', 'shared'));
    const run = await runMain(['validate', 'app'], dir);
    expect(run.stderr).toMatch(/^2 objects checked: 0 errors/m);
  });
});
