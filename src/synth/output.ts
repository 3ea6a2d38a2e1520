import * as fs from 'node:fs';
import * as path from 'node:path';
import { isGenerated } from './provenance';

/** A file to write, relative to the output directory. */
export interface OutputFile {
  /** Path relative to the output directory. */
  readonly path: string;
  /** Full content. */
  readonly content: string;
}

/** How the output directory differs from what would be generated. */
export interface OutputDiff {
  /** Files that don't exist yet. */
  readonly added: string[];
  /** Files whose content would change. */
  readonly changed: string[];
  /** Generated files of stacks no longer in the config. */
  readonly removed: string[];
}

/** Whether a diff has anything in it. */
export function isEmptyDiff(diff: OutputDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length === 0;
}

/** Compares the output directory with the files that would be written. Reads only. */
export function diffOutput(outDir: string, files: readonly OutputFile[]): OutputDiff {
  const target = path.resolve(outDir);
  const added: string[] = [];
  const changed: string[] = [];
  for (const file of files) {
    const current = readIfExists(path.join(target, file.path));
    if (current === undefined) added.push(file.path);
    else if (current !== file.content) changed.push(file.path);
  }
  const keep = new Set(files.map((f) => path.normalize(f.path)));
  const removed = listFiles(target).filter(
    (f) => !keep.has(f) && /\.ya?ml$/.test(f) && isGenerated(readIfExists(path.join(target, f)) ?? ''),
  );
  return { added, changed, removed };
}

/**
 * Writes all files, or none.
 *
 * Everything is first written to a temporary directory beside the output
 * directory (so on the same filesystem), then renamed into place file by file:
 * a rename is atomic, so no reader ever sees a half-written file. Generated
 * files the new output no longer contains are deleted last. Files saplings-k8s
 * did not write (no provenance header) are never touched. A lock keeps two
 * runs into the same directory from interleaving.
 */
export function writeOutput(outDir: string, files: readonly OutputFile[]): OutputDiff {
  const target = path.resolve(outDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  return withLock(target, () => {
    const diff = diffOutput(target, files);
    const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.saplings-k8s-`));
    try {
      const toWrite = [...diff.added, ...diff.changed];
      for (const file of files.filter((f) => toWrite.includes(f.path))) {
        const staged = path.join(staging, file.path);
        fs.mkdirSync(path.dirname(staged), { recursive: true });
        fs.writeFileSync(staged, file.content);
      }
      for (const rel of toWrite) {
        const destination = path.join(target, rel);
        fs.mkdirSync(path.dirname(destination), { recursive: true });
        fs.renameSync(path.join(staging, rel), destination);
      }
      for (const rel of diff.removed) {
        fs.rmSync(path.join(target, rel));
        removeEmptyParents(target, path.dirname(rel));
      }
      return diff;
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  });
}

const LOCK_TIMEOUT_MS = 120_000;
const LOCK_POLL_MS = 50;

/**
 * Runs `fn` holding an exclusive lock on `target`, a lock file beside it
 * created with O_EXCL. A lock left by a process that no longer runs is taken over.
 */
function withLock<T>(target: string, fn: () => T): T {
  const lock = path.join(path.dirname(target), `.${path.basename(target)}.saplings-k8s.lock`);
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readIfExists(lock));
      if (holder && !isRunning(holder)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`${target} is locked by another saplings-k8s run (pid ${holder}); if none is running, delete ${lock}`);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOCK_POLL_MS);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Removes `rel` and its parents up to `root` while they are empty (a removed stack's folder). */
function removeEmptyParents(root: string, rel: string): void {
  for (let dir = rel; dir !== '.' && dir !== ''; dir = path.dirname(dir)) {
    const absolute = path.join(root, dir);
    if (fs.readdirSync(absolute).length > 0) return;
    fs.rmdirSync(absolute);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Files under `dir`, relative to it, skipping hidden entries. */
export function listFiles(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.')) return [];
    const rel = path.join(prefix, entry.name);
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), rel) : [rel];
  });
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
