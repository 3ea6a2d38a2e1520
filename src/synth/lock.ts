import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRegularFile } from './fs-ops';
import { ioError, outputError } from './output-error';

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

/** A held lock's token file is touched this often, far within {@link LockOptions.staleMs}. */
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
 * Runs `fn` holding an exclusive lock on `lockPath`, a directory in which
 * each run that wants the lock creates a token file of its own
 * (`holder-<token>`, holding a {@link LockRecord}) with O_EXCL, and holds the
 * lock when, once its file exists, it is the only one there. Of two runs
 * that create theirs at once, at least one sees the other and steps back, so
 * two never hold it at once; no run ever needs to remove the lock itself.
 *
 * The holder touches its file while it works ({@link HeldLock.refresh}), so
 * a token file older than `staleMs` is abandoned, whichever host or
 * container wrote it; a pid is only trusted when the file was written on
 * this host in this pid namespace (pid 1 in one container is not pid 1 in
 * another). An abandoned file is deleted by its own name, so a run can never
 * delete another live run's token, and the last run out removes the empty
 * directory.
 */
export function withLock<T>(lockPath: string, fn: (lock: HeldLock) => T, options: LockOptions = {}): T {
  const held = acquireLock(lockPath, options);
  try {
    return fn(held);
  } finally {
    held.release();
  }
}

/**
 * Takes the lock as {@link withLock} does, for work that spans more than one
 * call (staging files while a fleet is still rendering). The caller must
 * release it, in a `finally`.
 */
export function acquireLock(lockPath: string, options: LockOptions = {}): HeldLock & { release(): void } {
  const record: LockRecord = { token: randomBytes(16).toString('hex'), pid: process.pid, host: os.hostname(), pidNamespace: pidNamespace() };
  const mine = path.join(lockPath, `${HOLDER_PREFIX}${record.token}`);
  acquire(lockPath, mine, record, options);
  let lastTouch = Date.now();
  return {
    refresh() {
      if (Date.now() - lastTouch < REFRESH_MS) return;
      const now = new Date();
      try {
        fs.utimesSync(mine, now, now);
      } catch {
        throw outputError(
          `lost the lock ${lockPath} to another run while writing (this run was paused longer than a lock stays fresh); run saplings-k8s synth again`,
        );
      }
      lastTouch = now.getTime();
    },
    release() {
      fs.rmSync(mine, { force: true });
      removeIfEmpty(lockPath);
    },
  };
}

/**
 * Resolves once no live run holds the lock at `lockPath` (at once when none
 * does, or when the wait would outlast {@link LockOptions.timeoutMs}). It polls
 * as {@link acquireLock} does, but without blocking the thread, so SIGINT and
 * SIGTERM handlers run while another run holds the lock: `acquireLock` waits
 * synchronously, and a signal would wait with it. The caller still takes the
 * lock with `acquireLock`, which waits again only if a run took it in between.
 *
 * @throws the abort reason of `signal` as soon as it aborts
 */
export async function lockFree(lockPath: string, options: LockOptions = {}, signal?: AbortSignal): Promise<void> {
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const pollMs = options.pollMs ?? LOCK_POLL_MS;
  const deadline = Date.now() + (options.timeoutMs ?? LOCK_TIMEOUT_MS);
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    // A link, or anything unreadable, is acquireLock's to refuse with its own message.
    if (lstatIfExists(lockPath)?.isSymbolicLink()) return;
    let holders: (LockRecord | undefined)[];
    try {
      holders = liveHolders(lockPath, staleMs);
    } catch {
      return;
    }
    if (holders.length === 0 || Date.now() > deadline) return;
    const wait = pollMs * (0.5 + Math.random()) * Math.min(attempt + 1, 4);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

const HOLDER_PREFIX = 'holder-';

function acquire(lockPath: string, mine: string, record: LockRecord, options: LockOptions): void {
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const pollMs = options.pollMs ?? LOCK_POLL_MS;
  const deadline = Date.now() + (options.timeoutMs ?? LOCK_TIMEOUT_MS);
  // A lock path planted as a link would make this run write and delete token files wherever it points.
  if (lstatIfExists(lockPath)?.isSymbolicLink()) {
    throw outputError(`${lockPath} is a symbolic link, not a lock saplings-k8s made; remove it and run saplings-k8s synth again`);
  }
  for (let attempt = 0; ; attempt++) {
    let holders: (LockRecord | undefined)[];
    try {
      holders = liveHolders(lockPath, staleMs);
    } catch (err) {
      throw ioError(err, 'lock', lockPath);
    }
    if (holders.length === 0) {
      try {
        // Not recursive: the output directory exists, and a recursive mkdir reports a read-only file system as ENOENT.
        try {
          fs.mkdirSync(lockPath);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' && !lstatIfExists(path.dirname(lockPath))) fs.mkdirSync(lockPath, { recursive: true });
          else if (code !== 'EEXIST') throw err;
        }
        fs.writeFileSync(mine, JSON.stringify(record), { flag: 'wx' });
        const others = fs.readdirSync(lockPath).filter((name) => name.startsWith(HOLDER_PREFIX) && name !== path.basename(mine));
        if (others.length === 0) return;
        // Another run created its file at the same moment; it sees ours too, so both step back and try again.
        fs.rmSync(mine, { force: true });
      } catch (err) {
        // A failed lock leaves nothing behind: no token (ENOSPC can leave it empty), and no empty lock directory.
        fs.rmSync(mine, { force: true });
        // The last holder removed the directory in between (ENOENT); or a lock of an older version is a file (EEXIST, ENOTDIR).
        if (!['ENOENT', 'EEXIST', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '') || Date.now() > deadline) {
          removeIfEmpty(lockPath);
          throw ioError(err, 'lock', lockPath);
        }
      }
    } else if (Date.now() > deadline) {
      const holder = holders[0];
      const who = holder ? `pid ${holder.pid} on ${holder.host}` : 'another run';
      throw outputError(
        `cannot lock the output directory: ${lockPath} is held by ${who}, which still refreshes it; wait for that run to finish, or delete ${lockPath} if none is running`,
      );
    }
    // Random, so runs that stepped back together do not meet again.
    const wait = pollMs * (0.5 + Math.random()) * Math.min(attempt + 1, 4);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  }
}

/**
 * The runs holding or taking the lock, after deleting the token files of
 * runs that abandoned it. A lock file of an older version (a file, not a
 * directory, holding a pid) counts as a holder until it is as stale.
 */
function liveHolders(lockPath: string, staleMs: number): (LockRecord | undefined)[] {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(lockPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  if (!stat.isDirectory()) {
    const pid = Number(readSmall(lockPath));
    const abandoned = Date.now() - stat.mtimeMs > staleMs || (Number.isInteger(pid) && pid > 0 && !isRunning(pid));
    if (!abandoned) return [undefined];
    try {
      fs.unlinkSync(lockPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another run removed it first (ENOENT), or already made this version's lock directory in its place
      // (EISDIR, EPERM): held by that run, so wait and look again.
      if (code === 'ENOENT') return [];
      if (code === 'EISDIR' || code === 'EPERM') return [undefined];
      throw err;
    }
    return [];
  }
  const holders: (LockRecord | undefined)[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(lockPath).filter((name) => name.startsWith(HOLDER_PREFIX));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  for (const name of names) {
    const file = path.join(lockPath, name);
    let seen: fs.Stats;
    try {
      seen = fs.lstatSync(file);
    } catch {
      continue;
    }
    const holder = parseRecord(readSmall(file));
    if (isAbandoned(seen, holder, staleMs)) fs.rmSync(file, { force: true });
    else holders.push(holder);
  }
  return holders;
}

/** Whether a token file is abandoned: not refreshed for `staleMs`, or written by a process of this host and pid namespace that is gone. */
function isAbandoned(seen: fs.Stats, holder: LockRecord | undefined, staleMs: number): boolean {
  if (Date.now() - seen.mtimeMs > staleMs) return true;
  return holder !== undefined && holder.host === os.hostname() && holder.pidNamespace === pidNamespace() && !isRunning(holder.pid);
}

/** Removes the lock directory once no run has a token file in it; another run's file keeps it. */
function removeIfEmpty(lockPath: string): void {
  try {
    fs.rmdirSync(lockPath);
  } catch {
    // Another run's token keeps it (ENOTEMPTY), or it is gone; anything else leaves an empty directory the next run reuses.
  }
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
  return readRegularFile(file, (fd) => {
    const buffer = Buffer.alloc(4096);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  });
}

function lstatIfExists(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
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
