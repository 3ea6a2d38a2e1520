import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsOps, readRegularFile, realFsOps } from './fs-ops';
import { Plan, applyPlan, discardStaging, recover, stagingPathOf } from './journal';
import { HeldLock, LockOptions, REFRESH_MS, acquireLock, withLock } from './lock';
import { OutputError, ioError } from './output-error';
import { PROVENANCE_MARKER, isGenerated, packageVersion } from './provenance';

/** A file to write, relative to the output directory. */
export interface OutputFile {
  /** Path relative to the output directory. */
  readonly path: string;
  /** Full content. */
  readonly content: string;
  /** Holds Secret values, so only its owner may read it: written with mode 0600. @default false */
  readonly secret?: boolean;
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
    const kind = entryKind(target, file.path);
    if (kind === 'absent') added.push(file.path);
    else if (kind === 'other' || readRegular(path.join(target, file.path)) !== file.content) changed.push(file.path);
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
function isOurs(file: string, recordedHash: string | undefined, rel?: string): boolean {
  const content = readRegular(file);
  if (content === undefined) return false;
  if (rel === FILES_MANIFEST) return isGenerated(content);
  return (HEADER_FORMATS.test(file) && isGenerated(content)) || (recordedHash !== undefined && sha256(content) === recordedHash);
}

// The formats with `#` comments that targets write (manifests, compose.yaml,
// nginx.conf). A file of another type that happens to start with the marker
// was not written by us.
const HEADER_FORMATS = /\.(ya?ml|conf)$/;

/** The paths and hashes the manifest of generated files in `dir` records; empty without one. */
export function readFilesManifest(dir: string): Map<string, string> {
  const text = readRegular(path.join(dir, FILES_MANIFEST)) ?? '';
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

/** Options for {@link writeOutput}. */
export interface WriteOptions {
  /**
   * Replace files at generated paths that saplings-k8s did not write (no
   * provenance header, not in the manifest of generated files).
   * @default false
   */
  readonly force?: boolean;
  /** The operations that change the file system; tests inject faults through it. @default - the real file system */
  readonly fsOps?: FsOps;
  /** How the lock waits and when a lock is abandoned. @default - see {@link LockOptions} */
  readonly lock?: LockOptions;
}

/**
 * Writes all files, or none.
 *
 * Under a lock (see {@link withLock}), it first finishes what a killed run
 * left behind ({@link recover}), then plans the changes, refuses those that
 * would write through a symbolic link or replace a file saplings-k8s did not
 * write, and applies them all or nothing through a journal in a hidden
 * staging directory inside the output directory ({@link applyPlan}). Generated
 * files the new output no longer contains are deleted; files saplings-k8s did
 * not write (no provenance header, not in the manifest) never are. Files that
 * hold Secret values are written with mode 0600.
 *
 * @throws OutputError for any I/O error, naming the path and what to do; the
 *   output directory then holds exactly the files it had before.
 */
export function writeOutput(outDir: string, files: readonly OutputFile[], options: WriteOptions = {}): OutputDiff {
  const target = resolveOutDir(outDir);
  const ops = options.fsOps ?? realFsOps;
  attempt(() => ops.mkdir(path.dirname(target)), 'create', path.dirname(target));
  return withLock(
    lockPathFor(target),
    (lock) => {
      attempt(() => ops.mkdir(target), 'create', target);
      recover(target, ops);
      return commitFiles(target, files, ops, lock, options, new Map());
    },
    options.lock,
  );
}

/** A file already written into the staging directory: its content and mode. */
interface EarlyStaged {
  readonly content: string;
  readonly mode: number;
}

/** Plans and applies the changes for `files` under a held lock, reusing what was staged already. */
function commitFiles(
  target: string,
  files: readonly OutputFile[],
  ops: FsOps,
  lock: HeldLock,
  options: WriteOptions,
  early: ReadonlyMap<string, EarlyStaged>,
): OutputDiff {
  const planned = withFilesManifest(files);
  const diff = diffOutput(target, planned);
  const recorded = readFilesManifest(target);
  const foreign = diff.changed.filter((rel) => !isOurs(path.join(target, rel), recorded.get(rel), rel));
  if (foreign.length > 0 && !options.force) {
    const more = foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : '';
    throw new OutputError(
      `${path.join(target, foreign[0])}${more} was not written by saplings-k8s (no "${PROVENANCE_MARKER}" header, not listed in ${FILES_MANIFEST}); ` +
        'move it out of the output directory, or run again with --force to replace it',
    );
  }
  const toWrite = new Set([...diff.added, ...diff.changed]);
  const manifestLast = (rel: string) => rel === FILES_MANIFEST;
  const changes = [...diff.added, ...diff.changed, ...diff.removed];
  const order = [...changes.filter((rel) => !manifestLast(rel)), ...changes.filter(manifestLast)];
  const plan: Plan = { added: diff.added, replaced: diff.changed, deleted: diff.removed, createdDirs: missingDirs(target, diff.added) };
  const staged = planned
    .filter((f) => toWrite.has(f.path))
    .map((f) => {
      const rel = path.normalize(f.path);
      const mode = f.secret ? SECRET_MODE : DEFAULT_MODE;
      const before = early.get(rel);
      return { path: rel, content: f.content, mode, staged: before !== undefined && before.content === f.content && before.mode === mode };
    });
  if (order.length > 0) applyPlan(target, plan, staged, ops, lock, order);
  // A Secret's file written 0644 by an older version keeps its content, so only its mode changes.
  for (const file of planned.filter((f) => f.secret && !toWrite.has(f.path))) {
    const absolute = path.join(target, file.path);
    if ((fs.lstatSync(absolute).mode & 0o077) !== 0) attempt(() => ops.chmod(absolute, SECRET_MODE), 'change the mode of', absolute);
  }
  return diff;
}

/**
 * {@link writeOutput} for a run that renders for a while (a fleet on worker
 * threads): files are staged as they are rendered, so the disk works while
 * the threads do, and {@link commit} then writes the rest and moves
 * everything into place exactly as writeOutput does, all or nothing.
 *
 * The output directory is locked at the first {@link stage} and stays locked
 * until {@link close}. Staging writes only inside the staging directory, so
 * until commit the output holds what it had; a run that fails, or is killed,
 * leaves it so ({@link close}, or the next run's recovery, removes the
 * staging directory, and close also removes the output directory if this run
 * created it and it is still empty).
 */
export class StagedOutput {
  private held?: {
    readonly target: string;
    readonly lock: HeldLock & { release(): void };
    readonly timer: NodeJS.Timeout;
    /** Directories this run created for the output directory, deepest first. */
    readonly created: string[];
    lost?: unknown;
  };
  private readonly early = new Map<string, EarlyStaged>();
  private readonly stagingDirs = new Set<string>();
  private committed = false;
  private readonly ops: FsOps;

  constructor(
    private readonly outDir: string,
    private readonly options: WriteOptions = {},
  ) {
    this.ops = options.fsOps ?? realFsOps;
  }

  /** Stages the files whose content the output directory does not hold yet. */
  public stage(files: readonly OutputFile[]): void {
    const { target } = this.open();
    for (const file of files) {
      const rel = path.normalize(file.path);
      // Unchanged files are never written; anything else at the path is for commit to judge.
      if (entryKind(target, rel) === 'file' && readRegular(path.join(target, rel)) === file.content) continue;
      const to = stagingPathOf(target, rel);
      const dir = path.dirname(to);
      if (!this.stagingDirs.has(dir)) {
        attempt(() => this.ops.mkdir(dir), 'create', dir);
        this.stagingDirs.add(dir);
      }
      const mode = file.secret ? SECRET_MODE : DEFAULT_MODE;
      attempt(() => this.ops.writeFile(to, file.content, mode), 'write', path.join(target, rel));
      this.early.set(rel, { content: file.content, mode });
    }
  }

  /** Writes `files` (every file of the run) as {@link writeOutput} does, reusing what was staged. */
  public commit(files: readonly OutputFile[]): OutputDiff {
    if (!this.held) return writeOutput(this.outDir, files, this.options);
    if (this.held.lost !== undefined) throw this.held.lost;
    this.held.lock.refresh();
    const diff = commitFiles(this.held.target, files, this.ops, this.held.lock, this.options, this.early);
    this.committed = true;
    return diff;
  }

  /** Removes what an uncommitted run staged, and releases the lock. */
  public close(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    clearInterval(held.timer);
    const [createdTarget, ...createdParents] = held.created;
    let removedTarget = createdTarget === undefined;
    try {
      if (!this.committed) {
        discardStaging(held.target, this.ops);
        // While the lock is held, so no other run is writing into it.
        if (createdTarget !== undefined && fs.readdirSync(createdTarget).length === 0) {
          this.ops.rmdir(createdTarget);
          removedTarget = true;
        }
      }
    } catch {
      // Left as it is: without a journal, what staging holds is removed by the next run.
    } finally {
      held.lock.release();
    }
    // The parents this run created for nothing; the lock beside the output directory is gone by now.
    if (!this.committed && removedTarget) {
      for (const dir of createdParents) {
        try {
          if (fs.readdirSync(dir).length > 0) break;
          this.ops.rmdir(dir);
        } catch {
          break;
        }
      }
    }
  }

  private open(): NonNullable<StagedOutput['held']> {
    if (this.held) {
      if (this.held.lost !== undefined) throw this.held.lost;
      return this.held;
    }
    const target = resolveOutDir(this.outDir);
    const created: string[] = [];
    for (let dir = target; !lstatIfExists(dir) && path.dirname(dir) !== dir; dir = path.dirname(dir)) created.push(dir);
    attempt(() => this.ops.mkdir(path.dirname(target)), 'create', path.dirname(target));
    const lock = acquireLock(lockPathFor(target), this.options.lock);
    try {
      attempt(() => this.ops.mkdir(target), 'create', target);
      recover(target, this.ops);
    } catch (err) {
      lock.release();
      throw err;
    }
    // Rendering goes on between calls, so the lock is kept fresh from a timer meanwhile.
    const timer = setInterval(() => {
      try {
        lock.refresh();
      } catch (err) {
        if (this.held) this.held.lost ??= err;
      }
    }, REFRESH_MS);
    timer.unref();
    this.held = { target, lock, timer, created };
    return this.held;
  }
}

/**
 * Takes the lock of `outDir` and finishes what a killed run left there (see
 * {@link recover}): afterwards it holds exactly the files of the last run
 * that committed, and no staging directory. Every {@link writeOutput} does
 * this first; it is exported for tools and tests that only want the repair.
 */
export function recoverOutput(outDir: string, options: Pick<WriteOptions, 'fsOps' | 'lock'> = {}): void {
  const target = resolveOutDir(outDir);
  if (!lstatIfExists(target)) return;
  withLock(lockPathFor(target), () => recover(target, options.fsOps ?? realFsOps), options.lock);
}

/** The lock of an output directory: a file beside it, so it never shows among the outputs. */
function lockPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.saplings-k8s.lock`);
}

/** Files holding Secret values are readable by their owner only. */
const SECRET_MODE = 0o600;
/** Other files get what the umask leaves of rw-rw-rw-, as `fs.writeFileSync` gives them. */
const DEFAULT_MODE = 0o666;

/**
 * The output directory, absolute. `--out` itself may be a symbolic link (a
 * Docker volume, a shared checkout): the user chose it, so it is followed
 * once; links inside it never are.
 */
function resolveOutDir(outDir: string): string {
  const target = path.resolve(outDir);
  const stat = lstatIfExists(target);
  if (stat?.isSymbolicLink()) {
    try {
      return resolveOutDir(fs.realpathSync(target));
    } catch (err) {
      throw ioError(err, 'follow --out', target);
    }
  }
  if (stat && !stat.isDirectory()) throw new OutputError(`--out ${target} is not a directory; choose a directory, or remove the file`);
  return target;
}

/** The directories that adding `added` creates, parents first. */
function missingDirs(target: string, added: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const rel of added) {
    for (let dir = path.dirname(path.normalize(rel)); dir !== '.' && !lstatIfExists(path.join(target, dir)); dir = path.dirname(dir)) dirs.add(dir);
  }
  return [...dirs].sort((a, b) => a.split(path.sep).length - b.split(path.sep).length);
}

/**
 * What is at `rel` in `target`: nothing, a regular file, or something else
 * (a link, pipe, device or directory), which is never read.
 *
 * @throws OutputError when a directory on the way is a symbolic link or not a directory, so no write follows it out of `target`
 */
function entryKind(target: string, rel: string): 'absent' | 'file' | 'other' {
  const parts = path.normalize(rel).split(path.sep);
  if (path.isAbsolute(rel) || parts.includes('..')) throw new OutputError(`${rel} is not a path inside the output directory ${target}; this is a bug in the target that generated it`);
  let current = target;
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    const stat = lstatIfExists(current);
    if (!stat) return 'absent';
    if (i === parts.length - 1) return stat.isFile() ? 'file' : 'other';
    if (stat.isSymbolicLink()) {
      throw new OutputError(`${current} is a symbolic link, and saplings-k8s does not write through links inside --out; replace it with a directory, or choose another --out`);
    }
    if (!stat.isDirectory()) throw new OutputError(`${current} is a file where ${rel} needs a directory; move it away, or choose another --out`);
  }
  return 'absent';
}

/** Runs an I/O step, turning its error into an {@link OutputError} about `file`. */
function attempt(step: () => void, action: string, file: string): void {
  try {
    step();
  } catch (err) {
    throw ioError(err, action, file);
  }
}

function lstatIfExists(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw ioError(err, 'read', file);
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

/** The content of `file` if it is a regular file (see {@link readRegularFile}). */
function readRegular(file: string): string | undefined {
  return readRegularFile(file, (fd) => {
    try {
      return fs.readFileSync(fd, 'utf8');
    } catch (err) {
      throw ioError(err, 'read', file);
    }
  });
}
