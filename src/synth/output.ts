import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsOps, readRegularFile, realFsOps } from './fs-ops';
import { Plan, StagedFile, applyPlan, discardStaging, recover, stagingPathOf, unchangedMessage } from './journal';
import { HeldLock, LockOptions, REFRESH_MS, acquireLock, lockFree, withLock } from './lock';
import { ioError, outputError, unchangedError } from './output-error';
import { PROVENANCE_MARKER, packageVersion, provenanceHeader } from './provenance';
import type { OutputFile } from '../targets/target';
import { NONE, RECORD_FILE, RECORD_FORMAT, RecordEntry, formatRecord, readRecord } from './record';

// The type belongs to the target contract, which synth depends on, never the other way round.
export type { OutputFile };

/** How the output directory differs from what would be generated. The record of generated files is not listed. */
export interface OutputDiff {
  /** Files that don't exist yet. */
  readonly added: string[];
  /** Files whose content would change. */
  readonly changed: string[];
  /** Recorded files of a rendered target (every recorded file, with `prune`) that are no longer generated. */
  readonly removed: string[];
  /** Recorded files no longer generated that stay, because they were edited since they were written; no longer recorded. */
  readonly left: string[];
  /**
   * Files an older version wrote from the same config that this run does not
   * write, found by their header because the folder had no record yet: they
   * stay, recorded without a target, until a run with `prune` removes them.
   */
  readonly adopted: string[];
}

/** Whether a diff has anything in it that changes the output files. */
export function isEmptyDiff(diff: OutputDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length === 0;
}

/** What decides which files a run may remove; see {@link planOutput}. */
export interface DiffOptions {
  /** The targets this run renders: recorded files of other targets are kept. @default - the targets the files name */
  readonly targets?: readonly string[];
  /** Remove every recorded file this run does not write, whatever its target. @default false */
  readonly prune?: boolean;
  /**
   * The config the files come from, as their provenance header names it:
   * in a folder without a record (an older version's output), files whose
   * header names it are adopted into the record.
   * @default - nothing is adopted
   */
  readonly source?: string;
  /**
   * Files the caller read from the output directory during this run and
   * found to have their recorded sha256, by path: their content and that
   * sha256. A file to write with exactly that content is taken as unchanged
   * without reading it again. @default - every file is read
   */
  readonly verified?: ReadonlyMap<string, { readonly content: string; readonly sha256: string }>;
}

/** The changes a run makes, and the record it leaves. */
interface OutputPlan {
  readonly diff: OutputDiff;
  /** The new record; undefined when it records nothing. */
  readonly record?: string;
  /** The previous record's entries, for telling a recorded file. */
  readonly previous: ReadonlyMap<string, RecordEntry>;
}

/**
 * Compares the output directory with the files that would be written. Reads
 * only the record, and at each generated path only what tells whether the
 * file there differs: never a walk of the tree (except once, to adopt an
 * older version's files, see {@link DiffOptions.source}).
 */
export function diffOutput(outDir: string, files: readonly OutputFile[], options: DiffOptions = {}): OutputDiff {
  return planOutput(path.resolve(outDir), files, options).diff;
}

/**
 * Plans a run into `target`. A file is removed only when the record of a
 * previous run into this same folder lists it, for a target this run renders
 * (any target with `prune`), this run no longer writes it, it is still the
 * file that run wrote (same sha256, or a header), and no nested folder's own
 * record claims it.
 */
function planOutput(target: string, files: readonly OutputFile[], options: DiffOptions): OutputPlan {
  const record = readRecord(target);
  const keep = new Set(files.map((f) => path.normalize(f.path)));
  if (keep.has(RECORD_FILE)) throw outputError(`${RECORD_FILE} is the record of generated files, not a path a target may write; this is a bug in the target that generated it`);
  const adopted = record.format >= RECORD_FORMAT ? [] : adoptLegacyFiles(target, record.entries, options.source);
  const previous = new Map(record.entries);
  for (const entry of adopted) previous.set(entry.path, entry);

  const added: string[] = [];
  const changed: string[] = [];
  const verified = (file: OutputFile) => {
    const found = options.verified?.get(path.normalize(file.path));
    return found !== undefined && found.content === file.content ? found : undefined;
  };
  for (const file of files) {
    if (verified(file)) continue;
    const kind = entryKind(target, file.path);
    if (kind === 'absent') added.push(file.path);
    else if (kind === 'other' || !hasContent(path.join(target, file.path), file.content)) changed.push(file.path);
  }
  const rendered = new Set(options.targets ?? files.map((f) => f.target ?? NONE));
  const removed: string[] = [];
  const left: string[] = [];
  const next = new Map<string, RecordEntry>();
  for (const entry of previous.values()) {
    if (keep.has(entry.path) || insideNestedRecord(target, entry.path)) continue;
    if (entryKind(target, entry.path) !== 'file') continue;
    const removable = options.prune || (entry.target !== NONE && rendered.has(entry.target));
    // Another target's files are neither read nor touched; they stay recorded for the run that renders it.
    if (!removable) next.set(entry.path, entry);
    else if (isOurs(path.join(target, entry.path), entry)) removed.push(entry.path);
    else left.push(entry.path);
  }
  for (const file of files) {
    const rel = path.normalize(file.path);
    next.set(rel, { path: rel, target: file.target ?? NONE, stack: file.stack ?? NONE, sha256: verified(file)?.sha256 ?? sha256(file.content), ...(file.input ? { input: file.input } : {}), ...(file.input && file.source ? { source: file.source, namespace: file.namespace } : {}) });
  }
  const adoptedLeft = adopted.filter((e) => !keep.has(e.path)).map((e) => e.path);
  return {
    diff: { added, changed, removed: removed.sort(), left: left.sort(), adopted: adoptedLeft.sort() },
    record: next.size > 0 ? formatRecord(next.values()) : undefined,
    previous,
  };
}

/**
 * The files of an older version's output in `target`, which has no record of
 * format 2: those its manifest lists with the sha256 they still have, and
 * those whose provenance header names `source`. Found by a walk that skips
 * hidden entries, node_modules, links and folders with a record of their own,
 * and reads only the first line of files in the formats that carry a header.
 */
function adoptLegacyFiles(target: string, manifest: ReadonlyMap<string, RecordEntry>, source: string | undefined): RecordEntry[] {
  const adopted: RecordEntry[] = [];
  for (const entry of manifest.values()) {
    const content = entryKind(target, entry.path) === 'file' ? readRegular(path.join(target, entry.path)) : undefined;
    if (content !== undefined && sha256(content) === entry.sha256) adopted.push(entry);
  }
  if (source === undefined) return adopted;
  const expected = provenanceHeader(source).split('\n')[0];
  // The version in the header may be any; what follows it must name this config.
  const suffix = expected.slice(`${PROVENANCE_MARKER} ${packageVersion()}`.length);
  const walk = (dir: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const rel = path.join(prefix, entry.name);
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!lstatIfExists(path.join(absolute, RECORD_FILE))) walk(absolute, rel);
      } else if (entry.isFile() && HEADER_FORMATS.test(entry.name)) {
        const line = firstLine(absolute);
        const version = line?.startsWith(`${PROVENANCE_MARKER} `) ? line.slice(PROVENANCE_MARKER.length + 1, line.length - suffix.length) : undefined;
        if (version !== undefined && line!.endsWith(suffix) && /^\S+$/.test(version)) {
          adopted.push({ path: rel, target: NONE, stack: NONE, sha256: sha256(readRegular(absolute) ?? '') });
        }
      }
    }
  };
  walk(target, '');
  return adopted;
}

/** Whether a folder between `target` and the file `rel` holds a record of its own: the output of another config. */
function insideNestedRecord(target: string, rel: string): boolean {
  for (let dir = path.dirname(rel); dir !== '.' && dir !== ''; dir = path.dirname(dir)) {
    if (lstatIfExists(path.join(target, dir, RECORD_FILE))) return true;
  }
  return false;
}

/**
 * Whether a file in the output directory is one saplings-k8s wrote: it starts
 * with the provenance header (read: the first line only), or the record lists
 * it with the sha256 it still has. A file edited by hand since, or one the
 * record does not list, is never deleted. Only regular files are read.
 */
function isOurs(file: string, recorded: RecordEntry | undefined): boolean {
  if (HEADER_FORMATS.test(file) && (firstLine(file) ?? '').startsWith(PROVENANCE_MARKER)) return true;
  if (recorded === undefined) return false;
  const content = readRegular(file);
  return content !== undefined && sha256(content) === recorded.sha256;
}

// The formats with `#` comments that targets write (manifests, compose.yaml,
// nginx.conf). A file of another type that happens to start with the marker
// was not written by us.
const HEADER_FORMATS = /\.(ya?ml|conf)$/;

/** Whether the regular file `file` holds exactly `content`; a file of another size is not read at all. */
function hasContent(file: string, content: string): boolean {
  return (
    readRegularFile(file, (fd) => {
      if (fs.fstatSync(fd).size !== Buffer.byteLength(content)) return false;
      return fs.readFileSync(fd, 'utf8') === content;
    }) ?? false
  );
}

/** The first line of a regular file, from its first 512 bytes. */
function firstLine(file: string): string | undefined {
  return readRegularFile(file, (fd) => {
    const buffer = Buffer.alloc(512);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8').split('\n')[0];
  });
}

/** The sha256 of `content`, hex. */
export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Options for {@link writeOutput}. */
export interface WriteOptions extends DiffOptions {
  /**
   * Replace files at generated paths that saplings-k8s did not write (no
   * provenance header, not in the record of generated files).
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
 * Under a lock inside the output directory (see {@link withLock}), it first
 * finishes what a killed run left behind ({@link recover}), then plans the
 * changes ({@link planOutput}), refuses those that would write through a
 * symbolic link or replace a file saplings-k8s did not write, and applies
 * them all or nothing through a journal in a hidden staging directory inside
 * the output directory ({@link applyPlan}), the record of generated files
 * last. Files that hold Secret values are written with mode 0600.
 *
 * @throws an {@link outputError} for any I/O error, naming the path and what to do; the
 *   output directory then holds exactly the files it had before.
 */
export function writeOutput(outDir: string, files: readonly OutputFile[], options: WriteOptions = {}): OutputDiff {
  const target = resolveOutDir(outDir);
  const ops = options.fsOps ?? realFsOps;
  const lock = lockOutput(target, ops, options.lock).lock;
  try {
    return guarded(target, () => {
      recover(target, ops);
      return commitFiles(target, files, ops, lock, options, new Map());
    });
  } finally {
    lock.release();
  }
}

/** Runs `fn`, saying in any I/O error that `target` holds what it had, unless the error already tells what it holds. */
function guarded<T>(target: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw unchangedError(err, target, unchangedMessage(target));
  }
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
  const { diff, record, previous } = planOutput(target, files, options);
  const foreign = diff.changed.filter((rel) => !isOurs(path.join(target, rel), previous.get(path.normalize(rel))));
  if (foreign.length > 0 && !options.force) {
    const more = foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : '';
    throw outputError(
      `${path.join(target, foreign[0])}${more} was not written by saplings-k8s (no "${PROVENANCE_MARKER}" header, not listed in ${RECORD_FILE}); ` +
        'move it out of the output directory, or run again with --force to replace it',
    );
  }
  // The record is one more file of the plan, moved into place last, so it never lists a file that is not there yet.
  const recordKind = entryKind(target, RECORD_FILE);
  const recordChanges = record === undefined ? recordKind !== 'absent' : !hasContent(path.join(target, RECORD_FILE), record);
  const toWrite = new Set([...diff.added, ...diff.changed]);
  const added = [...diff.added, ...(recordChanges && recordKind === 'absent' ? [RECORD_FILE] : [])];
  const replaced = [...diff.changed, ...(recordChanges && record !== undefined && recordKind !== 'absent' ? [RECORD_FILE] : [])];
  const deleted = [...diff.removed, ...(recordChanges && record === undefined ? [RECORD_FILE] : [])];
  const order = [...diff.added, ...diff.changed, ...diff.removed, ...(recordChanges ? [RECORD_FILE] : [])];
  const plan: Plan = { added, replaced, deleted, createdDirs: missingDirs(target, added) };
  const staged: StagedFile[] = files
    .filter((f) => toWrite.has(f.path))
    .map((f) => {
      const rel = path.normalize(f.path);
      const mode = f.secret ? SECRET_MODE : DEFAULT_MODE;
      const before = early.get(rel);
      return { path: rel, content: f.content, mode, staged: before !== undefined && before.content === f.content && before.mode === mode };
    });
  if (recordChanges && record !== undefined) staged.push({ path: RECORD_FILE, content: record, mode: DEFAULT_MODE });
  if (order.length > 0) applyPlan(target, plan, staged, ops, lock, order);
  // A Secret's file written 0644 by an older version keeps its content, so only its mode changes.
  for (const file of files.filter((f) => f.secret && !toWrite.has(f.path))) {
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

  /** Whether this run holds the output directory's lock (from its first stage until commit or discard). */
  public get locked(): boolean {
    return this.held !== undefined;
  }

  /** Stages the files whose content the output directory does not hold yet. */
  public stage(files: readonly OutputFile[]): void {
    const { target } = this.open();
    for (const file of files) {
      const rel = path.normalize(file.path);
      // Unchanged files are never written; anything else at the path is for commit to judge.
      if (entryKind(target, rel) === 'file' && hasContent(path.join(target, rel), file.content)) continue;
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

  /** Writes `files` (every file of the run) as {@link writeOutput} does, reusing what was staged; `options` add to the constructor's. */
  public commit(files: readonly OutputFile[], options: DiffOptions = {}): OutputDiff {
    const all = { ...this.options, ...options };
    if (!this.held) return writeOutput(this.outDir, files, all);
    if (this.held.lost !== undefined) throw this.held.lost;
    const { target, lock } = this.held;
    lock.refresh();
    const diff = guarded(target, () => commitFiles(target, files, this.ops, lock, all, this.early));
    this.committed = true;
    return diff;
  }

  /** Removes what an uncommitted run staged, and releases the lock. */
  public close(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    clearInterval(held.timer);
    try {
      if (!this.committed) discardStaging(held.target, this.ops);
    } finally {
      held.lock.release();
    }
    // The output directory and parents this run created for nothing, once the lock inside it is gone.
    if (!this.committed) removeIfEmpty(held.created, this.ops);
  }

  private open(): NonNullable<StagedOutput['held']> {
    if (this.held) {
      if (this.held.lost !== undefined) throw this.held.lost;
      return this.held;
    }
    const target = resolveOutDir(this.outDir);
    const { lock, created } = lockOutput(target, this.ops, this.options.lock);
    try {
      guarded(target, () => recover(target, this.ops));
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

/**
 * Creates `target` if needed and takes its lock. On failure, nothing is left
 * behind: the directories it created are removed again.
 *
 * @returns the lock, and the directories created for `target`, deepest first
 */
function lockOutput(target: string, ops: FsOps, options: LockOptions | undefined): { lock: ReturnType<typeof acquireLock>; created: string[] } {
  const created: string[] = [];
  for (let dir = target; !lstatIfExists(dir) && path.dirname(dir) !== dir; dir = path.dirname(dir)) created.push(dir);
  try {
    attempt(() => ops.mkdir(target), 'create', target);
    return { lock: acquireLock(lockPathFor(target), options), created };
  } catch (err) {
    removeIfEmpty(created, ops);
    throw unchangedError(err, target, created.length > 0 ? 'nothing was written' : unchangedMessage(target));
  }
}

/** Removes `dirs` (deepest first) while they are empty. */
function removeIfEmpty(dirs: readonly string[], ops: FsOps): void {
  for (const dir of dirs) {
    try {
      if (fs.readdirSync(dir).length > 0) return;
      ops.rmdir(dir);
    } catch {
      return;
    }
  }
}

/**
 * The lock of an output directory: a hidden directory inside it, so locking
 * needs no more than `--out` itself being writable (a volume mounted under a
 * read-only parent), and it never shows among the outputs.
 */
export const LOCK_DIR = '.saplings-k8s.lock';

/**
 * Resolves once no other run holds the lock of `outDir`, without blocking the
 * thread (see {@link lockFree}): a run awaits it before it stages or commits,
 * so Ctrl-C stops it while it waits for another run.
 */
export function outputLockFree(outDir: string, options: Pick<WriteOptions, 'lock'> = {}, signal?: AbortSignal): Promise<void> {
  return lockFree(lockPathFor(path.resolve(outDir)), options.lock, signal);
}

function lockPathFor(target: string): string {
  return path.join(target, LOCK_DIR);
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
  if (stat && !stat.isDirectory()) throw outputError(`--out ${target} is not a directory; choose a directory, or remove the file`);
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
 * @throws an {@link outputError} when a directory on the way is a symbolic link or not a directory, so no write follows it out of `target`
 */
function entryKind(target: string, rel: string): 'absent' | 'file' | 'other' {
  const parts = path.normalize(rel).split(path.sep);
  if (path.isAbsolute(rel) || parts.includes('..')) throw outputError(`${rel} is not a path inside the output directory ${target}; this is a bug in the target that generated it`);
  let current = target;
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    const stat = lstatIfExists(current);
    if (!stat) return 'absent';
    if (i === parts.length - 1) return stat.isFile() ? 'file' : 'other';
    if (stat.isSymbolicLink()) {
      throw outputError(`${current} is a symbolic link, and saplings-k8s does not write through links inside --out; replace it with a directory, or choose another --out`);
    }
    if (!stat.isDirectory()) throw outputError(`${current} is a file where ${rel} needs a directory; move it away, or choose another --out`);
  }
  return 'absent';
}

/** Runs an I/O step, turning its error into an {@link outputError} about `file`. */
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
