import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROVENANCE_MARKER, isGenerated, packageVersion } from './provenance';

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

/**
 * The manifest of generated files: in the output directory, the files that
 * cannot carry the provenance header (JSON has no comments), each with its
 * sha256, in `sha256sum` format, so `sha256sum -c .saplings-k8s-files` run in
 * the directory checks them. Written only when there is such a file.
 *
 * The name has no `.json`, `.yaml` or `.yml` extension, because
 * `kubectl apply -f DIR` reads every file with one of those in DIR, and it is
 * hidden, so it is never taken for output (see {@link listFiles}).
 */
export const FILES_MANIFEST = '.saplings-k8s-files';

/**
 * `files`, plus the manifest of generated files when one of them has no
 * provenance header. The manifest is what marks such a file as ours, so a
 * later run may replace it or, once it is no longer generated, delete it.
 */
export function withFilesManifest(files: readonly OutputFile[]): OutputFile[] {
  const unmarked = files.filter((f) => f.path !== FILES_MANIFEST && !isGenerated(f.content));
  if (unmarked.length === 0 || files.some((f) => f.path === FILES_MANIFEST)) return [...files];
  const lines = [...unmarked].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => `${sha256(f.content)}  ${f.path}`);
  const content =
    `${PROVENANCE_MARKER} ${packageVersion()}: the files it wrote that cannot carry this comment.\n` +
    '# A later run replaces or deletes a listed file only while its sha256 matches; check them with `sha256sum -c`.\n' +
    `${lines.join('\n')}\n`;
  return [...files, { path: FILES_MANIFEST, content }];
}

/**
 * Compares the output directory with the files that would be written, and
 * the manifest of generated files they need. Reads only.
 */
export function diffOutput(outDir: string, files: readonly OutputFile[]): OutputDiff {
  const target = path.resolve(outDir);
  const planned = withFilesManifest(files);
  const added: string[] = [];
  const changed: string[] = [];
  for (const file of planned) {
    const current = readIfExists(path.join(target, file.path));
    if (current === undefined) added.push(file.path);
    else if (current !== file.content) changed.push(file.path);
  }
  const keep = new Set(planned.map((f) => path.normalize(f.path)));
  const recorded = readFilesManifest(target);
  const removed = listFiles(target).filter((f) => !keep.has(f) && isOurs(path.join(target, f), recorded.get(f)));
  if (!keep.has(FILES_MANIFEST) && isRegularFile(path.join(target, FILES_MANIFEST))) removed.push(FILES_MANIFEST);
  return { added, changed, removed };
}

/**
 * Whether a file in the output directory is one saplings-k8s wrote: it starts
 * with the provenance header, or the manifest records it with the hash it
 * still has. A file edited by hand since, or one the manifest does not list,
 * is never deleted. Only regular files are read.
 */
function isOurs(file: string, recordedHash: string | undefined): boolean {
  if (!isRegularFile(file)) return false;
  const content = readIfExists(file) ?? '';
  return (HEADER_FORMATS.test(file) && isGenerated(content)) || (recordedHash !== undefined && sha256(content) === recordedHash);
}

// The formats with `#` comments that targets write (manifests, compose.yaml,
// nginx.conf). A file of another type that happens to start with the marker
// was not written by us.
const HEADER_FORMATS = /\.(ya?ml|conf)$/;

/** The paths and hashes the manifest of generated files in `dir` records; empty without one. */
export function readFilesManifest(dir: string): Map<string, string> {
  const text = readIfExists(path.join(dir, FILES_MANIFEST)) ?? '';
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match) entries.set(path.normalize(match[2]), match[1]);
  }
  return entries;
}

function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

function isRegularFile(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Writes all files, or none.
 *
 * Everything is first written to a temporary directory beside the output
 * directory (so on the same filesystem), then renamed into place file by file:
 * a rename is atomic, so no reader ever sees a half-written file. Generated
 * files the new output no longer contains are deleted next, and the manifest
 * of generated files is replaced last: a run that dies midway leaves the old
 * manifest, which still marks every file it had yet to delete. Files
 * saplings-k8s did not write (no provenance header, not in the manifest) are
 * never touched. A lock keeps two runs into the same directory from
 * interleaving.
 */
export function writeOutput(outDir: string, files: readonly OutputFile[]): OutputDiff {
  const target = path.resolve(outDir);
  const planned = withFilesManifest(files);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  return withLock(target, () => {
    const diff = diffOutput(target, planned);
    const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.saplings-k8s-`));
    try {
      const toWrite = [...diff.added, ...diff.changed];
      for (const file of planned.filter((f) => toWrite.includes(f.path))) {
        const staged = path.join(staging, file.path);
        fs.mkdirSync(path.dirname(staged), { recursive: true });
        fs.writeFileSync(staged, file.content);
      }
      const manifestLast = (a: string, b: string) => Number(a === FILES_MANIFEST) - Number(b === FILES_MANIFEST);
      for (const rel of toWrite.filter((f) => f !== FILES_MANIFEST)) {
        const destination = path.join(target, rel);
        fs.mkdirSync(path.dirname(destination), { recursive: true });
        fs.renameSync(path.join(staging, rel), destination);
      }
      for (const rel of [...diff.removed].sort(manifestLast)) {
        fs.rmSync(path.join(target, rel));
        removeEmptyParents(target, path.dirname(rel));
      }
      if (toWrite.includes(FILES_MANIFEST)) fs.renameSync(path.join(staging, FILES_MANIFEST), path.join(target, FILES_MANIFEST));
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
