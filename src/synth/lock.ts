import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { OutputError } from './output-error';

/** How the output lock waits and decides that a lock is abandoned. */
export interface LockOptions {
  /** A lock whose file was not touched for this long is abandoned. @default 30000 */
  readonly staleMs?: number;
  /** Give up waiting for a live holder after this long. @default 120000 */
  readonly timeoutMs?: number;
  /** Time between attempts while another run holds the lock. @default 50 */
  readonly pollMs?: number;
}

/** What a lock file records about its holder. */
export interface LockRecord {
  /** Random; only the run holding the lock knows it, so only it removes the lock. */
  readonly token: string;
  /** Process id of the holder, in its own pid namespace. */
  readonly pid: number;
  /** Host name of the holder. */
  readonly host: string;
  /** The holder's pid namespace (`pid:[4026531836]` on Linux, `none` elsewhere). */
  readonly pidNamespace: string;
}

/** A lock this run holds. */
export interface HeldLock {
  /**
   * Keeps the lock fresh during long work and stops the work once the lock
   * is lost: cheap when called often, it touches the lock file at most every
   * {@link REFRESH_MS}, after checking that the file is still this run's.
   */
  refresh(): void;
}

/** A held lock is touched this often, far within {@link LockOptions.staleMs}. */
export const REFRESH_MS = 1000;
/** Default of {@link LockOptions.staleMs}. */
export const LOCK_STALE_MS = 30_000;
const LOCK_TIMEOUT_MS = 120_000;
const LOCK_POLL_MS = 50;

/** This process's pid namespace, which tells whether a pid seen in a lock file is one this process can check. */
export function pidNamespace(): string {
  try {
    return fs.readlinkSync('/proc/self/ns/pid');
  } catch {
    return 'none';
  }
}

/**
 * Runs `fn` holding an exclusive lock: the file `lockPath`, created with
 * O_EXCL and holding a {@link LockRecord}.
 *
 * The holder touches the file while it works ({@link HeldLock.refresh}), so
 * a lock is abandoned when its file is older than `staleMs`, whichever host
 * or container wrote it; a pid is only trusted when the lock was written on
 * this host in this pid namespace (pid 1 in one container is not pid 1 in
 * another). Taking over renames the abandoned file aside, atomically, and
 * then checks that what moved is the file judged abandoned: a run never
 * deletes a lock it has not judged, and it removes its own lock only after
 * checking the token in it.
 */
export function withLock<T>(lockPath: string, fn: (lock: HeldLock) => T, options: LockOptions = {}): T {
  const record: LockRecord = { token: randomBytes(16).toString('hex'), pid: process.pid, host: os.hostname(), pidNamespace: pidNamespace() };
  acquire(lockPath, record, options);
  let lastTouch = Date.now();
  const held: HeldLock = {
    refresh() {
      if (Date.now() - lastTouch < REFRESH_MS) return;
      assertHeld(lockPath, record.token);
      const now = new Date();
      fs.utimesSync(lockPath, now, now);
      lastTouch = now.getTime();
    },
  };
  try {
    return fn(held);
  } finally {
    release(lockPath, record.token);
  }
}

function acquire(lockPath: string, record: LockRecord, options: LockOptions): void {
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const deadline = Date.now() + (options.timeoutMs ?? LOCK_TIMEOUT_MS);
  for (;;) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(record), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = lstatIfExists(lockPath);
    if (!seen) continue;
    if (!seen.isFile()) {
      throw new OutputError(`cannot lock the output directory: ${lockPath} is not a regular file; remove it and run saplings-k8s synth again`);
    }
    const holder = parseRecord(readSmall(lockPath));
    if (isAbandoned(seen, holder, staleMs)) {
      takeOver(lockPath, seen, holder?.token);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder ? `pid ${holder.pid} on ${holder.host}` : 'another run';
      throw new OutputError(
        `cannot lock the output directory: ${lockPath} is held by ${who} and still refreshed; wait for that run to finish, or delete the file if none is running`,
      );
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, options.pollMs ?? LOCK_POLL_MS);
  }
}

/** Whether a lock is abandoned: not refreshed for `staleMs`, or written by a process of this host and pid namespace that is gone. */
function isAbandoned(seen: fs.Stats, holder: LockRecord | undefined, staleMs: number): boolean {
  if (Date.now() - seen.mtimeMs > staleMs) return true;
  return holder !== undefined && holder.host === os.hostname() && holder.pidNamespace === pidNamespace() && !isRunning(holder.pid);
}

/**
 * Removes the abandoned lock `seen`. Between judging it and acting, another
 * run may have taken it over and locked again, so the file is renamed aside
 * (one atomic step that only one run can win) and compared with what was
 * judged: the same mtime and token. A live lock moved by mistake is linked
 * back; if a third run locked in that instant, the run whose lock was moved
 * finds out at its next {@link HeldLock.refresh} and stops.
 */
function takeOver(lockPath: string, seen: fs.Stats, seenToken: string | undefined): void {
  const aside = `${lockPath}.${randomBytes(8).toString('hex')}.stale`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = fs.lstatSync(aside);
  const same = moved.mtimeMs === seen.mtimeMs && moved.ino === seen.ino && parseRecord(readSmall(aside))?.token === seenToken;
  if (!same) {
    try {
      fs.linkSync(aside, lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Throws unless the lock file still holds `token`. */
function assertHeld(lockPath: string, token: string): void {
  if (parseRecord(readSmall(lockPath))?.token !== token) {
    throw new OutputError(
      `lost the lock ${lockPath} to another run while writing (this run was paused longer than the lock stays fresh); run saplings-k8s synth again`,
    );
  }
}

/** Removes the lock if, and only if, it is still this run's: moved aside first, so the check and the removal are about one file. */
function release(lockPath: string, token: string): void {
  const aside = `${lockPath}.${randomBytes(8).toString('hex')}.release`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (parseRecord(readSmall(aside))?.token !== token) {
    try {
      fs.linkSync(aside, lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  fs.rmSync(aside, { force: true });
}

function parseRecord(text: string | undefined): LockRecord | undefined {
  try {
    const value = JSON.parse(text ?? '') as Partial<LockRecord>;
    if (typeof value.token === 'string' && typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.pidNamespace === 'string') {
      return value as LockRecord;
    }
  } catch {
    // An old-format or half-written lock: its age alone decides.
  }
  return undefined;
}

/** The first 4 KiB of a regular file, never following a link nor blocking on a pipe. */
function readSmall(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return undefined;
    const buffer = Buffer.alloc(4096);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
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

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
