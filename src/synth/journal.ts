import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsOps, readRegularFile } from './fs-ops';
import { HeldLock } from './lock';
import { SaplingsError } from '../conventions/diagnostic';
import { ioError, outputError } from './output-error';
import { checkedRelativePath } from './record';

/**
 * The hidden directory inside the output directory where a run stages its
 * files and keeps its journal. Inside `--out`, so every rename is on one file
 * system (`--out` may be a mount point). It exists only while a run writes,
 * or after a run was killed, until the next run recovers from it.
 *
 * It is a dot-directory, so Argo CD, Flux and `kubectl apply -f DIR` skip
 * it; `kubectl apply -R -f DIR` does not skip hidden directories, and would
 * read the staged files of a run that is writing at that moment. Staging
 * anywhere else costs the atomic renames on a mount point, so the trade-off
 * is kept: it exists for the seconds of a run, and nothing is left in it after.
 */
export const STAGING_DIR = '.saplings-k8s-staging';

const JOURNAL = 'journal.json';
const NEW = 'new';
const OLD = 'old';

/** What a run changes in the output directory, recorded before the first change. */
export interface Plan {
  /** Files that did not exist. */
  readonly added: string[];
  /** Files that exist and are replaced. */
  readonly replaced: string[];
  /** Files that are deleted. */
  readonly deleted: string[];
  /** Directories that did not exist and are created for added files, parents first. */
  readonly createdDirs: string[];
}

/** A file to stage: its path in the output directory, content and mode. */
export interface StagedFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
  /** Already written into the staging directory (see {@link stagingPathOf}), while the run was still rendering. @default false */
  readonly staged?: boolean;
}

/** What a failure before the journal leaves: the output as it was. */
export function unchangedMessage(target: string): string {
  return `${target} still holds the files it had before`;
}

/** Where a file to write is staged before it is moved into `target`. */
export function stagingPathOf(target: string, rel: string): string {
  return path.join(target, STAGING_DIR, NEW, rel);
}

/** Removes the staging directory of a run that stops before its journal (nothing in the output changed). */
export function discardStaging(target: string, ops: FsOps): void {
  removeStaging(target, ops);
}

/**
 * Applies `plan` to `target` all or nothing.
 *
 * 1. Every new file is written into `STAGING_DIR/new/`. A failure here has
 *    changed nothing in the output.
 * 2. The plan is written to `STAGING_DIR/journal.json` (a rename, so it is
 *    there whole or not at all). From here on, a journal means "undo me".
 * 3. Each folder new to the output is renamed into place whole. Each file to
 *    replace or delete is first renamed into `STAGING_DIR/old/`, then the
 *    staged file is renamed into place.
 * 4. Deleting the journal commits: the new set is complete.
 * 5. The staging directory is removed.
 *
 * A failure in step 3 rolls back from the journal and `old/`, then removes
 * the staging directory. A run killed at any moment leaves either no journal
 * (the output holds the old set before step 2, the new set after step 4) or a
 * journal to roll back, which the next run does first ({@link recover}).
 */
export function applyPlan(target: string, plan: Plan, staged: readonly StagedFile[], ops: FsOps, lock: HeldLock, order: readonly string[]): void {
  const staging = path.join(target, STAGING_DIR);
  const where = (rel: string) => path.join(target, rel);
  const unchanged = unchangedMessage(target);
  try {
    attempt(() => ops.mkdir(path.join(staging, NEW)), 'create', staging, unchanged);
    attempt(() => ops.mkdir(path.join(staging, OLD)), 'create', staging, unchanged);
    for (const file of staged) {
      if (file.staged) continue;
      lock.refresh();
      const to = path.join(staging, NEW, file.path);
      attempt(() => ops.mkdir(path.dirname(to)), 'create', path.dirname(to), unchanged);
      attempt(() => ops.writeFile(to, file.content, file.mode), 'write', where(file.path), unchanged);
    }
    const journalFile = journal(target);
    attempt(() => ops.writeFile(`${journalFile}.tmp`, JSON.stringify(plan), 0o644), 'write', journalFile, unchanged);
    attempt(() => ops.rename(`${journalFile}.tmp`, journalFile), 'write', journalFile, unchanged);
  } catch (err) {
    removeStaging(target, ops);
    throw err;
  }

  try {
    const added = new Set(plan.added);
    // A folder new to the output holds only added files, all staged: it moves in whole, one rename
    // instead of a mkdir and a rename per file (a fleet's Compose projects are a folder per stack).
    const created = new Set(plan.createdDirs);
    const movedDirs = new Set(plan.createdDirs.filter((dir) => !created.has(path.dirname(dir))));
    for (const dir of movedDirs) {
      lock.refresh();
      attempt(() => ops.rename(path.join(staging, NEW, dir), where(dir)), 'create', where(dir));
    }
    for (const rel of order) {
      if (insideAny(rel, movedDirs)) continue;
      lock.refresh();
      if (!added.has(rel)) {
        const backup = path.join(staging, OLD, rel);
        attempt(() => ops.mkdir(path.dirname(backup)), 'create', path.dirname(backup));
        attempt(() => ops.rename(where(rel), backup), plan.deleted.includes(rel) ? 'delete' : 'replace', where(rel));
      }
      if (!plan.deleted.includes(rel)) attempt(() => ops.rename(path.join(staging, NEW, rel), where(rel)), 'write', where(rel));
      else removeEmptyParents(target, path.dirname(rel), ops);
    }
    attempt(() => ops.unlink(journal(target)), 'commit', journal(target));
  } catch (err) {
    const rolledBack = rollBack(target, ops, plan);
    const cause = ioError(err, 'write', target);
    if (!SaplingsError.isSaplingsError(cause, 'output')) throw cause;
    throw outputError(
      rolledBack
        ? `${cause.message}; ${unchanged}`
        : `${cause.message}; rolling back failed too: once that is fixed, the next run restores the previous files of ${target} from ${staging} first`,
      true,
    );
  }
  try {
    ops.removeTree(staging);
  } catch (err) {
    throw ioError(err, 'remove', staging, `${target} holds the new files; the next run removes it`);
  }
}

/** Whether a run that was killed while changing `target` left its journal there, for the next run to roll back. */
export function hasInterruptedRun(target: string): boolean {
  return lstatIfExists(journal(target)) !== undefined;
}

/**
 * Finishes what a killed run left in `target`: without a journal, it had not
 * started changing the output, or had committed, so its staging directory is
 * only removed; with a journal, the output is rolled back to the old set.
 */
export function recover(target: string, ops: FsOps): void {
  const staging = path.join(target, STAGING_DIR);
  const stat = lstatIfExists(staging);
  if (!stat) return;
  if (!stat.isDirectory()) {
    throw outputError(`${staging} is not a directory saplings-k8s made (it is ${stat.isSymbolicLink() ? 'a symbolic link' : 'a file'}); remove it and run saplings-k8s synth again`);
  }
  // Refused before anything moves: a journal committed to a repository must not steer renames and deletes.
  const plan = lstatIfExists(journal(target)) ? readJournal(target) : undefined;
  if (plan && !rollBack(target, ops, plan)) {
    throw outputError(
      `cannot restore the files of ${target} that an interrupted run left in ${staging}; fix what the error above names and run saplings-k8s synth again`,
      true,
    );
  }
  attempt(() => ops.removeTree(staging), 'remove', staging);
}

/** The largest journal read: a few paths per file of a fleet of 10,000 stacks. */
const MAX_JOURNAL_BYTES = 64 * 1024 * 1024;

/**
 * The journal a killed run left, checked: a plan of four lists of paths, each
 * relative, normalized, inside `target` and not through a symbolic link, in
 * the output and in the staging directory alike.
 *
 * @throws an {@link outputError} naming the journal, when it is anything else
 */
function readJournal(target: string): Plan {
  const file = journal(target);
  const refuse = (why: string) =>
    outputError(
      `${file} ${why}, so saplings-k8s did not write it; nothing was changed: check how it got there, remove ${path.join(target, STAGING_DIR)}, and run saplings-k8s synth again`,
      true,
    );
  const text = readRegularFile(file, (fd) => (fs.fstatSync(fd).size > MAX_JOURNAL_BYTES ? undefined : fs.readFileSync(fd, 'utf8')));
  if (text === undefined) throw refuse('is not a regular file of a size saplings-k8s writes');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refuse('is not JSON');
  }
  const lists = ['added', 'replaced', 'deleted', 'createdDirs'] as const;
  if (typeof value !== 'object' || value === null || !lists.every((key) => Array.isArray((value as Record<string, unknown>)[key]))) {
    throw refuse(`is not a journal (${lists.join(', ')}: lists of paths)`);
  }
  const staging = path.join(target, STAGING_DIR);
  for (const dir of [NEW, OLD]) {
    if (lstatIfExists(path.join(staging, dir))?.isSymbolicLink()) throw refuse(`sits beside ${path.join(staging, dir)}, a symbolic link`);
  }
  const plan = value as Plan;
  for (const key of lists) {
    for (const rel of plan[key]) {
      checkedRelativePath(rel, file, target);
      checkedRelativePath(rel, file, path.join(staging, OLD));
    }
  }
  return { added: plan.added, replaced: plan.replaced, deleted: plan.deleted, createdDirs: plan.createdDirs };
}

/** Undoes an applied or half-applied journal: every file back as it was. Idempotent, so a run killed while rolling back is rolled back again. */
function rollBack(target: string, ops: FsOps, plan: Plan): boolean {
  const staging = path.join(target, STAGING_DIR);
  try {
    for (const rel of [...plan.replaced, ...plan.deleted]) {
      const backup = path.join(staging, OLD, rel);
      // Without a backup, the file was never moved: the original is still in place.
      if (!lstatIfExists(backup)) continue;
      ops.mkdir(path.dirname(path.join(target, rel)));
      ops.rename(backup, path.join(target, rel));
    }
    for (const rel of plan.added) {
      if (lstatIfExists(path.join(target, rel))) ops.unlink(path.join(target, rel));
    }
    for (const dir of [...plan.createdDirs].reverse()) {
      try {
        ops.rmdir(path.join(target, dir));
      } catch (err) {
        if (!['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      }
    }
    ops.unlink(journal(target));
    ops.removeTree(staging);
    return true;
  } catch {
    return false;
  }
}

function removeStaging(target: string, ops: FsOps): void {
  try {
    ops.removeTree(path.join(target, STAGING_DIR));
  } catch {
    // The next run removes it: without a journal it holds nothing to restore.
  }
}

/** Removes `rel` and its parents up to `root` while they are empty (a removed stack's folder). */
function removeEmptyParents(root: string, rel: string, ops: FsOps): void {
  for (let dir = rel; dir !== '.' && dir !== ''; dir = path.dirname(dir)) {
    const absolute = path.join(root, dir);
    if (fs.readdirSync(absolute).length > 0) return;
    attempt(() => ops.rmdir(absolute), 'remove', absolute);
  }
}

/** Whether `rel` lies inside one of `dirs` (paths relative to the same root). */
function insideAny(rel: string, dirs: ReadonlySet<string>): boolean {
  for (let dir = path.dirname(rel); dir !== '.' && dir !== ''; dir = path.dirname(dir)) if (dirs.has(dir)) return true;
  return false;
}

function journal(target: string): string {
  return path.join(target, STAGING_DIR, JOURNAL);
}

/** Runs an I/O step, turning its error into an {@link outputError} about `file`. */
function attempt(step: () => void, action: string, file: string, outcome?: string): void {
  try {
    step();
  } catch (err) {
    throw ioError(err, action, file, outcome);
  }
}

function lstatIfExists(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
