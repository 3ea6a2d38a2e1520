import * as fs from 'node:fs';

/**
 * Every operation that changes the file system while writing the output
 * directory. It is the seam for fault injection: tests pass an object that
 * throws ENOSPC or EPERM at the n-th call, or stops working altogether the
 * way a killed process does, and check what the directory holds afterwards.
 * Reads go to `node:fs` directly; they change nothing to recover from.
 */
export interface FsOps {
  /** Creates or truncates `file` with `content` and, for a new file, `mode` (before the umask). */
  writeFile(file: string, content: string, mode: number): void;
  /** Renames `from` to `to`, replacing `to` atomically when it is a file. */
  rename(from: string, to: string): void;
  /** Deletes a file or symbolic link (never what it points to). */
  unlink(file: string): void;
  /** Creates `dir` and its missing parents. */
  mkdir(dir: string): void;
  /** Deletes an empty directory. */
  rmdir(dir: string): void;
  /** Deletes `dir` and everything in it; nothing when it is missing. */
  removeTree(dir: string): void;
  /** Sets the permission bits of `file`. */
  chmod(file: string, mode: number): void;
}

/** The real file system, without the test hook. */
const nodeFsOps: FsOps = {
  writeFile: (file, content, mode) => fs.writeFileSync(file, content, { mode }),
  rename: (from, to) => fs.renameSync(from, to),
  unlink: (file) => fs.unlinkSync(file),
  mkdir: (dir) => {
    fs.mkdirSync(dir, { recursive: true });
  },
  rmdir: (dir) => fs.rmdirSync(dir),
  removeTree: (dir) => fs.rmSync(dir, { recursive: true, force: true }),
  chmod: (file, mode) => fs.chmodSync(file, mode),
};

/**
 * The environment variable of the test hook: fault injection in a real
 * process (the e2e kill and signal tests), deterministic where a kill at a
 * random time is not. Its value is one of
 * - `log:FILE`: append each operation, `<name> <path>`, to FILE;
 * - `SIGKILL:N`, `SIGTERM:N` or `SIGINT:N`: send that signal to this
 *   process just before its N-th operation (counted from 1), after writing
 *   `saplings-k8s test hook: <signal> before <name> <path> at <ms since epoch>`
 *   to stderr.
 * Unset, {@link realFsOps} is the file system itself.
 */
export const TEST_HOOK_ENV = 'SAPLINGS_K8S_TEST_FS_HOOK';

/** `ops`, with the test hook `spec` (see {@link TEST_HOOK_ENV}) before each operation. */
export function withTestHook(ops: FsOps, spec: string | undefined): FsOps {
  const match = spec ? /^(?:log:(.+)|(SIGKILL|SIGTERM|SIGINT):(\d+))$/.exec(spec) : null;
  if (!match) return ops;
  const [, logFile, signal, at] = match;
  let count = 0;
  const before = (name: string, file: string) => {
    count++;
    if (logFile !== undefined) fs.appendFileSync(logFile, `${name} ${file}\n`);
    else if (count === Number(at)) {
      process.stderr.write(`saplings-k8s test hook: ${signal} before ${name} ${file} at ${Date.now()}\n`);
      process.kill(process.pid, signal as NodeJS.Signals);
    }
  };
  return Object.fromEntries(
    (Object.keys(ops) as (keyof FsOps)[]).map((name) => [
      name,
      (file: string, ...rest: unknown[]) => {
        before(name, file);
        return (ops[name] as (...args: unknown[]) => void)(file, ...rest);
      },
    ]),
  ) as unknown as FsOps;
}

/** The real file system (with the test hook when {@link TEST_HOOK_ENV} is set). */
export const realFsOps: FsOps = withTestHook(nodeFsOps, process.env[TEST_HOOK_ENV]);

/**
 * Reads a regular file through `read` (given the open descriptor), never
 * following a link and never blocking on a pipe: a FIFO named `*.yaml` would
 * hang a plain read, and a link to /dev/zero never end. Undefined when the
 * path is anything but a regular file, or cannot be opened.
 */
export function readRegularFile<T>(file: string, read: (fd: number) => T): T | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    return fs.fstatSync(fd).isFile() ? read(fd) : undefined;
  } finally {
    fs.closeSync(fd);
  }
}
