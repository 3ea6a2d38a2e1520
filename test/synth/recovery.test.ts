import * as fs from 'node:fs';
import * as path from 'node:path';
import { STAGING_DIR } from '../../src/synth/journal';
import { LOCK_DIR, recoverOutput } from '../../src/synth/output';
import { runMain, snapshotDir, tempDir } from '../helpers/cli';

/*
 * Recovery reads what a killed run left in --out: a journal, backups, a lock.
 * A repository can carry those hidden files too, so nothing read there may
 * steer a rename or a delete out of --out.
 */

const BASE = 'name: demo\nenvironment: production\nimage: saplings:1.0.0\n';

/** A project in x/repo whose dist/ holds `journal` as a killed run's journal, with x/victim.txt beside the repo. */
function planted(journal: unknown, extra?: (dist: string, x: string) => void): { x: string; dist: string; repo: string } {
  const x = tempDir('saplings-planted-');
  const repo = path.join(x, 'repo');
  const dist = path.join(repo, 'dist');
  fs.mkdirSync(path.join(dist, STAGING_DIR), { recursive: true });
  fs.writeFileSync(path.join(repo, 'base.yaml'), BASE);
  fs.writeFileSync(path.join(x, 'victim.txt'), 'precious\n');
  fs.writeFileSync(path.join(dist, 'planted.txt'), 'evil\n');
  fs.writeFileSync(path.join(dist, STAGING_DIR, 'journal.json'), typeof journal === 'string' ? journal : JSON.stringify(journal));
  extra?.(dist, x);
  return { x, dist, repo };
}

/** Everything under `dir`, links listed by their target instead of followed. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      const absolute = path.join(dir, child);
      if (entry.isSymbolicLink()) out[child] = `-> ${fs.readlinkSync(absolute)}`;
      else if (entry.isDirectory()) walk(child);
      else out[child] = fs.readFileSync(absolute, 'utf8');
    }
  };
  walk('');
  return out;
}

describe('a journal planted in --out', () => {
  test('GIVEN the issue\'s journal (added ../../victim.txt, replaced ../../planted.txt) THEN synth refuses it in one sentence naming it, and touches nothing', async () => {
    const { x, dist, repo } = planted({ added: ['../../victim.txt'], replaced: ['../../planted.txt'], deleted: [], createdDirs: [] });
    const before = tree(x);
    const run = await runMain(['synth', '-c', 'base.yaml', '--out', 'dist'], repo);
    expect(run).toStrictEqual({
      status: 1,
      stdout: '',
      stderr:
        `✖ ${dist}/${STAGING_DIR}/journal.json names "../../victim.txt", which is not a normalized path inside ${dist}, so saplings-k8s did not write it; ` +
        'nothing was changed: check how it got there (a commit, another tool), remove it, and run saplings-k8s synth again\n',
    });
    expect(tree(x)).toStrictEqual(before);
    expect(fs.existsSync(path.join(x, 'planted.txt'))).toBe(false);
    // The lock it took is gone again.
    expect(fs.existsSync(path.join(dist, LOCK_DIR))).toBe(false);
  });

  test.each([
    ['an absolute path', { added: ['/tmp/x'], replaced: [], deleted: [], createdDirs: [] }],
    ['a path with .. inside', { added: [], replaced: [], deleted: ['a/../../victim.txt'], createdDirs: [] }],
    ['a created directory out of --out', { added: [], replaced: [], deleted: [], createdDirs: ['..'] }],
    ['a path that is not a string', { added: [{ path: 'x' }], replaced: [], deleted: [], createdDirs: [] }],
    ['a path through a link in --out', { added: ['out/victim.txt'], replaced: [], deleted: [], createdDirs: [] }],
  ])('%s is refused, and nothing is touched', (_, journal) => {
    const { x, dist } = planted(journal, (d, root) => fs.symlinkSync(root, path.join(d, 'out')));
    const before = tree(x);
    expect(() => recoverOutput(dist)).toThrow(new RegExp(`^${dist}/${STAGING_DIR}/journal\\.json names .*, so saplings-k8s did not write it; nothing was changed: [^\\n]*$`));
    expect(tree(x)).toStrictEqual(before);
  });

  test.each([
    ['not JSON', '{"added": ['],
    ['not a journal', '{"added": "../../victim.txt"}'],
    ['JSON of another shape', '[]'],
  ])('a journal that is %s is refused, and nothing is touched', (_, text) => {
    const { x, dist } = planted(text);
    const before = tree(x);
    expect(() => recoverOutput(dist)).toThrow(new RegExp(`^${dist}/${STAGING_DIR}/journal\\.json is .*so saplings-k8s did not write it; nothing was changed`));
    expect(tree(x)).toStrictEqual(before);
  });

  test('backups behind a link (old/ pointing out of --out) are refused: recovery never moves a file in from elsewhere', () => {
    const { x, dist } = planted({ added: [], replaced: ['victim.txt'], deleted: [], createdDirs: [] }, (d, root) =>
      fs.symlinkSync(root, path.join(d, STAGING_DIR, 'old')),
    );
    const before = tree(x);
    expect(() => recoverOutput(dist)).toThrow(/journal\.json sits beside .*\/old, a symbolic link, so saplings-k8s did not write it; nothing was changed/);
    expect(tree(x)).toStrictEqual(before);
  });

  test('a lock directory planted as a link is refused, and nothing is written where it points', async () => {
    const x = tempDir('saplings-planted-');
    fs.mkdirSync(path.join(x, 'elsewhere'));
    fs.mkdirSync(path.join(x, 'dist'));
    fs.symlinkSync(path.join(x, 'elsewhere'), path.join(x, 'dist', LOCK_DIR));
    const run = await runMain(['synth', '--example', '--out', 'dist'], x);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `✖ ${path.join(x, 'dist', LOCK_DIR)} is a symbolic link, not a lock saplings-k8s made; remove it and run saplings-k8s synth again; ${path.join(x, 'dist')} still holds the files it had before\n`,
    );
    expect(snapshotDir(path.join(x, 'elsewhere'))).toStrictEqual({});
  });

  test('a journal saplings-k8s wrote is still rolled back (the checks refuse only what it never writes)', () => {
    const { dist } = planted({ added: ['new.k8s.yaml'], replaced: [], deleted: [], createdDirs: [] }, (d) =>
      fs.writeFileSync(path.join(d, 'new.k8s.yaml'), '# Generated by saplings-k8s\n'),
    );
    recoverOutput(dist);
    expect(fs.readdirSync(dist).sort()).toStrictEqual(['planted.txt']);
  });
});
