import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsOps, realFsOps } from '../../src/synth/fs-ops';
import { STAGING_DIR } from '../../src/synth/journal';
import { pidNamespace, withLock } from '../../src/synth/lock';
import { OutputFile, recoverOutput, writeOutput } from '../../src/synth/output';
import { RECORD_FILE } from '../../src/synth/record';
import { SaplingsError } from '../../src/conventions/diagnostic';
import { synthesize } from '../../src/synth/synthesize';
import { findTarget } from '../../src/targets';
import { snapshotDir, tempDir } from '../helpers/cli';
import { stackConfig } from '../helpers/manifests';
import { FAKE_JSON_TARGET } from '../targets/fake-json-target';

const kubernetes = findTarget('kubernetes')!;

/** Files of the kubernetes and fake JSON targets for stacks with these names and worker counts. */
function generate(stacks: Record<string, number>): OutputFile[] {
  const configs = Object.entries(stacks).map(([name, maxWorkers]) => stackConfig({ name, app: { maxWorkers } }));
  return synthesize(configs, { source: 'saplings.yaml', targets: [kubernetes, FAKE_JSON_TARGET] }).files;
}

// The new set adds a stack, changes one and removes one, each with a YAML and a JSON file, and changes the manifest.
const OLD = { web: 4, api: 4, db: 4 };
const NEW = { web: 6, api: 4, jobs: 4 };

/** An output directory holding the old set, and the snapshots of the old and the new set. */
function prepared(): { out: string; old: Record<string, string>; next: Record<string, string> } {
  const base = tempDir('saplings-faults-');
  writeOutput(path.join(base, 'next'), generate(NEW));
  const out = path.join(base, 'dist');
  writeOutput(out, generate(OLD));
  return { out, old: snapshotDir(out), next: snapshotDir(path.join(base, 'next')) };
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** Real operations, except that call number `n` of `op` (counting from 1) throws `code`. */
function failing(op: keyof FsOps, n: number, code: string): FsOps {
  let calls = 0;
  return {
    ...realFsOps,
    [op]: (...args: unknown[]) => {
      if (++calls === n) throw errno(code);
      return (realFsOps[op] as (...a: unknown[]) => void)(...args);
    },
  };
}

describe('folders new to the output', () => {
  // Folder per stack, as the Compose target writes them; a file at the root beside them.
  const FOLDERS: OutputFile[] = [
    { path: 'tenant-a/compose.yaml', content: 'a\n' },
    { path: 'tenant-a/conf/nginx.conf', content: 'a-nginx\n' },
    { path: 'tenant-b/compose.yaml', content: 'b\n' },
    { path: 'root.txt', content: 'root\n' },
  ];

  /** Real operations, recording the renames and mkdirs that land in `out` itself (not its staging directory). */
  function recording(out: string): { ops: FsOps; intoOutput: string[] } {
    const intoOutput: string[] = [];
    const inOutput = (p: string) => p.startsWith(`${out}${path.sep}`) && !p.startsWith(path.join(out, STAGING_DIR));
    return {
      intoOutput,
      ops: {
        ...realFsOps,
        rename: (from, to) => (inOutput(to) && intoOutput.push(`rename ${path.relative(out, to)}`), realFsOps.rename(from, to)),
        mkdir: (dir) => (inOutput(dir) && intoOutput.push(`mkdir ${path.relative(out, dir)}`), realFsOps.mkdir(dir)),
      },
    };
  }

  test('each moves into place whole, in one rename, with every file it holds', () => {
    const out = path.join(tempDir('saplings-folders-'), 'dist');
    const { ops, intoOutput } = recording(out);
    writeOutput(out, FOLDERS, { fsOps: ops });
    expect(intoOutput.filter((op) => !op.endsWith('.saplings-k8s-files'))).toStrictEqual(['rename tenant-a', 'rename tenant-b', 'rename root.txt']);
    expect(snapshotDir(out)).toMatchObject({ 'tenant-a/compose.yaml': 'a\n', 'tenant-a/conf/nginx.conf': 'a-nginx\n', 'tenant-b/compose.yaml': 'b\n', 'root.txt': 'root\n' });
  });

  test('a folder that cannot be moved in (EACCES on the second) leaves the output as it was: the first is taken out again', () => {
    const out = path.join(tempDir('saplings-folders-'), 'dist');
    writeOutput(out, [{ path: 'root.txt', content: 'old\n' }]);
    const before = snapshotDir(out);
    let folderRenames = 0;
    const ops: FsOps = {
      ...realFsOps,
      rename: (from, to) => {
        if (path.dirname(to) === out && path.basename(to).startsWith('tenant-') && ++folderRenames === 2) throw errno('EACCES');
        realFsOps.rename(from, to);
      },
    };
    expect(() => writeOutput(out, FOLDERS, { fsOps: ops })).toThrow(expect.objectContaining({ kind: 'output' }) as SaplingsError);
    expect(snapshotDir(out)).toStrictEqual(before);
    expect(fs.readdirSync(out).sort()).toStrictEqual(fs.readdirSync(out).filter((f) => !f.startsWith('tenant-')).sort());
  });
});

describe('writeOutput under faults', () => {
  test('a file that cannot be replaced midway (immutable, EPERM) leaves exactly the old set, and says which', () => {
    const { out, old } = prepared();
    // Renames into the output come after the staging ones; the 4th is a file being replaced.
    const ops = failing('rename', 4, 'EPERM');
    expect(() => writeOutput(out, generate(NEW), { fsOps: ops })).toThrow(expect.objectContaining({ kind: 'output' }) as SaplingsError);
    expect(snapshotDir(out)).toStrictEqual(old);
    expect(() => writeOutput(out, generate(NEW), { fsOps: failing('rename', 4, 'EPERM') })).toThrow(
      new RegExp(`^cannot (replace|write|delete) ${out}/\\S+ \\(the operation is not permitted\\): check the permissions and attributes \\(lsattr; chattr -i\\) of the path and its directory; ${out} still holds the files it had before$`),
    );
  });

  test('ENOSPC while staging leaves exactly the old set and no staging directory', () => {
    const { out, old } = prepared();
    expect(() => writeOutput(out, generate(NEW), { fsOps: failing('writeFile', 3, 'ENOSPC') })).toThrow(
      /^cannot write \S+ \(no space left on the device\): free some space and run saplings-k8s synth again; \S+ still holds the files it had before$/,
    );
    expect(snapshotDir(out)).toStrictEqual(old);
  });

  // Each errno a user meets, at each phase: staging a file, creating a folder, moving a file into place.
  const ADVICE: Record<string, RegExp> = {
    EACCES: /\(permission denied\): check the permissions of the path and its directory, or choose another --out/,
    EROFS: /\(the file system is read-only\): choose a writable --out/,
    ENOSPC: /\(no space left on the device\): free some space and run saplings-k8s synth again/,
    EMFILE: /\(too many files are open\): raise the open-file limit \(ulimit -n\) and run saplings-k8s synth again/,
    ELOOP: /\(it is a symbolic link\): remove the link; saplings-k8s does not follow links inside --out/,
  };
  test.each(
    Object.keys(ADVICE).flatMap((code) => [
      [code, 'writeFile', 2],
      [code, 'mkdir', 3],
      [code, 'rename', 5],
    ]) as [string, keyof FsOps, number][],
  )('%s at %s #%i: one sentence naming the path, what to do, and that the folder holds what it had; no lock or staging left', (code, op, n) => {
    const { out, old } = prepared();
    let message = '';
    try {
      writeOutput(out, generate(NEW), { fsOps: failing(op, n, code) });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`^cannot \\w+( \\w+)* ${out}\\S* `));
    expect(message).toMatch(ADVICE[code]);
    expect(message).toMatch(new RegExp(`; ${out} still holds the files it had before$`));
    expect(message).not.toContain('\n');
    // snapshotDir lists hidden entries too: the lock and the staging folder would show.
    expect(snapshotDir(out)).toStrictEqual(old);
    expect(fs.readdirSync(out).filter((name) => name.startsWith('.saplings-k8s') && name !== RECORD_FILE)).toStrictEqual([]);
  });

  test('ENOSPC writing the journal leaves exactly the old set', () => {
    const { out, old } = prepared();
    const ops: FsOps = {
      ...realFsOps,
      writeFile: (file, content, mode) => {
        if (file.endsWith('journal.json.tmp')) throw errno('ENOSPC');
        realFsOps.writeFile(file, content, mode);
      },
    };
    expect(() => writeOutput(out, generate(NEW), { fsOps: ops })).toThrow(/journal\.json \(no space left on the device\)/);
    expect(snapshotDir(out)).toStrictEqual(old);
  });

  test('a run that stops dead after any number of operations is recovered to exactly the old or the new set', () => {
    const { out, old, next } = prepared();
    const outcomes = { old: 0, new: 0 };
    for (let n = 1; ; n++) {
      // From call n on, nothing works: the rollback too, as when the process is killed.
      let calls = 0;
      const dead = Object.fromEntries(
        Object.entries(realFsOps).map(([name, op]) => [
          name,
          (...args: unknown[]) => {
            if (++calls >= n) throw errno('EIO');
            return (op as (...a: unknown[]) => void)(...args);
          },
        ]),
      ) as unknown as FsOps;
      let finished = true;
      try {
        writeOutput(out, generate(NEW), { fsOps: dead });
      } catch {
        finished = false;
      }
      recoverOutput(out);
      const result = snapshotDir(out);
      expect([old, next]).toContainEqual(result);
      outcomes[JSON.stringify(result) === JSON.stringify(old) ? 'old' : 'new']++;
      if (finished) break;
      // Back to the old set for the next kill point.
      writeOutput(out, generate(OLD));
    }
    expect(outcomes.old).toBeGreaterThan(10);
    expect(outcomes.new).toBeGreaterThan(0);
  });

  test('stages inside the output directory, so --out may be a mount point (no rename crosses file systems)', () => {
    const { out } = prepared();
    const renames: string[][] = [];
    writeOutput(out, generate(NEW), { fsOps: { ...realFsOps, rename: (from, to) => (renames.push([from, to]), realFsOps.rename(from, to)) } });
    expect(renames.length).toBeGreaterThan(0);
    expect(renames.flat().filter((p) => !p.startsWith(`${out}${path.sep}`))).toStrictEqual([]);
    expect(fs.existsSync(path.join(out, STAGING_DIR))).toBe(false);
  });
});

describe('writeOutput stays inside the output directory', () => {
  test('refuses to write through a symlinked directory, naming it, and changes nothing', () => {
    const base = tempDir('saplings-links-');
    const other = path.join(base, 'other-team');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'kustomization.yaml'), 'theirs\n');
    const out = path.join(base, 'dist');
    fs.mkdirSync(out);
    fs.symlinkSync(other, path.join(out, 'fake-json'));
    expect(() => writeOutput(out, generate({ web: 4 }))).toThrow(
      `${out}/fake-json is a symbolic link, and saplings-k8s does not write through links inside --out; replace it with a directory, or choose another --out`,
    );
    expect(snapshotDir(other)).toStrictEqual({ 'kustomization.yaml': 'theirs\n' });
  });

  test('a hand-written file at a generated path is refused without --force, replaced with it', () => {
    const out = path.join(tempDir('saplings-force-'), 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'web.k8s.yaml'), 'mine\n');
    const files = synthesize([stackConfig({ name: 'web' })], { source: 'saplings.yaml' }).files;
    expect(() => writeOutput(out, files)).toThrow(
      `${out}/web.k8s.yaml was not written by saplings-k8s (no "# Generated by saplings-k8s" header, not listed in .saplings-k8s-files); move it out of the output directory, or run again with --force to replace it`,
    );
    expect(snapshotDir(out)).toStrictEqual({ 'web.k8s.yaml': 'mine\n' });
    writeOutput(out, files, { force: true });
    expect(snapshotDir(out)).toStrictEqual({ 'web.k8s.yaml': files[0].content, [RECORD_FILE]: expect.stringContaining('  web.k8s.yaml\n') });
  });

  test('a link to /dev/zero and a FIFO named *.yaml are neither read nor followed', () => {
    const out = path.join(tempDir('saplings-fifo-'), 'dist');
    fs.mkdirSync(out);
    fs.symlinkSync('/dev/zero', path.join(out, 'zero.yaml'));
    execFileSync('mkfifo', [path.join(out, 'pipe.yaml')]);
    const files = synthesize([stackConfig({ name: 'web' })], { source: 'saplings.yaml' }).files;
    expect(writeOutput(out, files)).toStrictEqual({ added: ['web.k8s.yaml'], changed: [], removed: [], left: [], adopted: [] });
    // At a generated path, a link is not ours: refused, and the link is not followed.
    fs.rmSync(path.join(out, 'web.k8s.yaml'));
    fs.symlinkSync('/dev/zero', path.join(out, 'web.k8s.yaml'));
    expect(() => writeOutput(out, files)).toThrow(/web\.k8s\.yaml was not written by saplings-k8s/);
  });
});

describe('files holding Secret values', () => {
  test('are written 0600; the others keep the default mode', () => {
    const out = path.join(tempDir('saplings-mode-'), 'dist');
    const dev = stackConfig({ name: 'dev', environment: 'development', secrets: { source: 'inline', keys: ['OPENAI_API_KEY'], values: { OPENAI_API_KEY: 'sk-test' } } } as never);
    const files = synthesize([dev, stackConfig({ name: 'web' })], { source: 'saplings.yaml' }).files;
    writeOutput(out, files);
    const umask = process.umask();
    expect(fs.statSync(path.join(out, 'dev.k8s.yaml')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(out, 'web.k8s.yaml')).mode & 0o777).toBe(0o666 & ~umask);
  });
});

describe('the output lock', () => {
  const record = (host: string) => JSON.stringify({ token: 'theirs', pid: 1, host, pidNamespace: pidNamespace() });

  test('a fresh lock of another host is waited for, even when its pid is not running here', () => {
    const lock = path.join(tempDir('saplings-lock-'), '.dist.saplings-k8s.lock');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'holder-theirs'), record('elsewhere'));
    expect(() => withLock(lock, () => undefined, { timeoutMs: 300 })).toThrow(/is held by pid 1 on elsewhere, which still refreshes it/);
    expect(fs.readdirSync(lock)).toStrictEqual(['holder-theirs']);
  });

  test('a lock not refreshed for longer than staleMs is taken over, from any host', () => {
    const lock = path.join(tempDir('saplings-lock-'), '.dist.saplings-k8s.lock');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'holder-theirs'), record('elsewhere'));
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(lock, 'holder-theirs'), past, past);
    expect(withLock(lock, () => fs.readdirSync(lock).length, { timeoutMs: 300 })).toBe(1);
    expect(fs.existsSync(lock)).toBe(false);
  });

  test('a holder whose lock was taken over stops at its next refresh, and never deletes the other run\'s lock', () => {
    const lock = path.join(tempDir('saplings-lock-'), '.dist.saplings-k8s.lock');
    const now = Date.now;
    try {
      expect(() =>
        withLock(lock, (held) => {
          // Another run judged this one abandoned and put its own token in.
          for (const name of fs.readdirSync(lock)) fs.rmSync(path.join(lock, name));
          fs.writeFileSync(path.join(lock, 'holder-theirs'), record(os.hostname()));
          Date.now = () => now() + 5_000;
          held.refresh();
        }),
      ).toThrow(/^lost the lock .* to another run while writing/);
    } finally {
      Date.now = now;
    }
    expect(fs.readdirSync(lock)).toStrictEqual(['holder-theirs']);
  });
});
