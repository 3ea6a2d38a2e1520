import * as path from 'node:path';
import { SaplingsError } from '../conventions/diagnostic';

/**
 * The {@link SaplingsError} (kind `output`) for a problem writing the output
 * directory: an I/O error, a symlink that would lead a write out of `--out`,
 * a file saplings-k8s did not write, or a lock held too long. The message is
 * one sentence that names the path and says what to do; the CLI prints it
 * without a stack trace and exits 1.
 *
 * @param message one sentence: the path, what went wrong, what to do
 * @param settled whether the message already says what the output directory holds now
 */
export function outputError(message: string, settled = false): SaplingsError {
  const error = new SaplingsError('output', message);
  if (settled) SETTLED.add(error);
  return error;
}

// Output errors whose message already says what the output directory holds.
const SETTLED = new WeakSet<SaplingsError>();

/**
 * `err` as an output {@link SaplingsError} that also says that `target` still holds
 * what it had (`unchanged`), for a failure before anything in it changed.
 * Errors not from the file system are returned unchanged.
 */
export function unchangedError(err: unknown, target: string, unchanged: string): unknown {
  const error = ioError(err, 'write', target);
  if (!SaplingsError.isSaplingsError(error, 'output') || SETTLED.has(error)) return error;
  return outputError(`${error.message}; ${unchanged}`, true);
}

// What to tell the user for the errno codes a write can fail with.
const REASONS: Record<string, { reason: string; advice: string }> = {
  ENOSPC: { reason: 'no space left on the device', advice: 'free some space and run saplings-k8s synth again' },
  EDQUOT: { reason: 'the disk quota is exceeded', advice: 'free some space or raise the quota, and run saplings-k8s synth again' },
  EACCES: { reason: 'permission denied', advice: 'check the permissions of the path and its directory, or choose another --out' },
  EPERM: { reason: 'the operation is not permitted', advice: 'check the permissions and attributes (lsattr; chattr -i) of the path and its directory' },
  EROFS: { reason: 'the file system is read-only', advice: 'choose a writable --out' },
  ENOTDIR: { reason: 'a part of the path is a file, not a directory', advice: 'remove or rename that file, or choose another --out' },
  EISDIR: { reason: 'it is a directory', advice: 'remove or rename the directory, or choose another --out' },
  EEXIST: { reason: 'something else already exists there', advice: 'remove it, or choose another --out' },
  EXDEV: { reason: 'it is on another file system', advice: 'choose an --out that is one file system' },
  EMFILE: { reason: 'too many files are open', advice: 'raise the open-file limit (ulimit -n) and run saplings-k8s synth again' },
  ENFILE: { reason: 'too many files are open on the system', advice: 'close some programs and run saplings-k8s synth again' },
  EIO: { reason: 'the device reported an I/O error', advice: 'check the disk and run saplings-k8s synth again' },
  ENAMETOOLONG: { reason: 'the path is too long', advice: 'choose a shorter --out or shorter stack names' },
  ELOOP: { reason: 'it is a symbolic link', advice: 'remove the link; saplings-k8s does not follow links inside --out' },
};

/**
 * An {@link outputError} for a failed I/O operation: `cannot <action> <file>
 * (<reason>): <advice>`, plus `outcome`, what state the output was left in.
 * Errors that are not from the file system are returned unchanged.
 */
export function ioError(err: unknown, action: string, file: string, outcome?: string): unknown {
  if (SaplingsError.isSaplingsError(err, 'output')) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return err;
  const known = REASONS[code] ?? { reason: code, advice: 'check the path and run saplings-k8s synth again' };
  return outputError(`cannot ${action} ${path.normalize(file)} (${known.reason}): ${known.advice}${outcome ? `; ${outcome}` : ''}`, outcome !== undefined);
}
