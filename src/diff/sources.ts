import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRegularFile } from '../synth/fs-ops';
import { hasInterruptedRun } from '../synth/journal';
import { OutputFile, diffOutput } from '../synth/output';
import { RECORD_FILE } from '../synth/record';
import { SaplingsError } from '../conventions/diagnostic';
import { outputError } from '../synth/output-error';
import { isGenerated } from '../synth/provenance';

/**
 * The generated files as they are in the output directory, for the paths
 * `files` would write and the generated files no longer written: the files
 * `synth --check` compares (synth/output's diffOutput), read, never written.
 * `shownDir` names the directory in messages.
 */
export function filesOnDisk(outDir: string, files: readonly OutputFile[], shownDir = outDir): Map<string, string> {
  if (hasInterruptedRun(outDir)) {
    throw outputError(`${shownDir} holds a run that was stopped while writing; run saplings-k8s synth to restore it, then diff again`);
  }
  const { added, changed, removed } = diffOutput(outDir, files);
  const unchanged = new Set([...added, ...changed, ...removed]);
  const before = new Map<string, string>();
  for (const file of files) if (!unchanged.has(file.path)) before.set(file.path, file.content);
  for (const rel of [...changed, ...removed]) {
    const content = readRegularFile(path.join(outDir, rel), (fd) => fs.readFileSync(fd, 'utf8'));
    // A directory or link where a file would go has no content to compare; synth --force replaces it.
    before.set(rel, content ?? '');
  }
  return before;
}

/** Options for {@link filesAtRef}. */
export interface GitSourceOptions {
  /** The directory git runs in, so relative paths and the repository are found from it. */
  readonly cwd: string;
  /** Environment for git. @default - this process's */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The generated files in `outDir` as they were committed at `ref`, read from
 * git's object database without a checkout (`git ls-tree`, `git cat-file`):
 * the paths `files` would write, and every other file there that synth wrote
 * (provenance header, or listed with its hash in the manifest of generated
 * files). Git runs without a shell, with the ref as one argument; a ref that
 * starts with `-` is refused, so it can never be read as an option.
 */
export function filesAtRef(outDir: string, ref: string, files: readonly OutputFile[], options: GitSourceOptions): Map<string, string> {
  if (ref === '' || ref.startsWith('-')) throw outputError(`--against must be a git ref such as main or HEAD~1, got "${ref}"`);
  const git = (args: string[], input?: string) => runGit(args, options, input);
  // https://git-scm.com/docs/git-rev-parse: --verify with --quiet exits non-zero, silently, when REF names no commit.
  const commit = tryGit(() => git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).toString('utf8').trim());
  if (!commit) throw outputError(`--against: "${ref}" is not a commit in the git repository at ${options.cwd}`);
  const relOut = path.relative(options.cwd, outDir) || '.';
  // https://git-scm.com/docs/git-ls-tree: paths are relative to the current directory, -z separates entries with NUL.
  const listing = git(['ls-tree', '-r', '-z', commit, '--', relOut]).toString('utf8');
  const blobs: { rel: string; oid: string }[] = [];
  for (const entry of listing.split('\0')) {
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(entry);
    // Regular files only (100644, 100755): a symbolic link (120000) or submodule is never ours.
    if (!match || match[2] !== 'blob' || !/^100(?:644|755)$/.test(match[1])) continue;
    const rel = path.relative(outDir, path.resolve(options.cwd, match[4])).split(path.sep).join('/');
    if (rel.split('/').some((part) => part.startsWith('.')) && rel !== RECORD_FILE) continue;
    blobs.push({ rel, oid: match[3] });
  }
  const contents = readBlobs(blobs.map((b) => b.oid), git);
  const committed = new Map(blobs.map((b, i) => [b.rel, contents[i]]));
  const planned = new Set(files.map((f) => f.path));
  const recorded = parseFilesManifest(committed.get(RECORD_FILE) ?? '');
  const before = new Map<string, string>();
  for (const [rel, content] of committed) {
    const ours = isGenerated(content) || recorded.get(rel) === createHash('sha256').update(content).digest('hex');
    if (planned.has(rel) || ours) before.set(rel, content);
  }
  return before;
}

/** Blob contents, in order, from one `git cat-file --batch` (https://git-scm.com/docs/git-cat-file#_batch_output). */
function readBlobs(oids: readonly string[], git: (args: string[], input?: string) => Buffer): string[] {
  if (oids.length === 0) return [];
  const out = git(['cat-file', '--batch'], `${oids.join('\n')}\n`);
  const contents: string[] = [];
  let at = 0;
  for (let i = 0; i < oids.length; i++) {
    const eol = out.indexOf(0x0a, at);
    const [, , size] = out.subarray(at, eol).toString('utf8').split(' ');
    const start = eol + 1;
    contents.push(out.subarray(start, start + Number(size)).toString('utf8'));
    at = start + Number(size) + 1;
  }
  return contents;
}

/** The `sha256  path` lines of a record of generated files (see synth/record). */
function parseFilesManifest(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match) entries.set(path.posix.normalize(match[2]), match[1]);
  }
  return entries;
}

function runGit(args: string[], options: GitSourceOptions, input?: string): Buffer {
  try {
    return execFileSync('git', args, { cwd: options.cwd, env: options.env, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const failure = err as NodeJS.ErrnoException & { stderr?: Buffer; status?: number | null };
    if (failure.code === 'ENOENT') throw outputError('--against needs git, which is not on the PATH; install git or compare with the output directory');
    const reason = failure.stderr?.toString('utf8').trim().split('\n')[0] || `exit status ${failure.status}`;
    throw outputError(`git ${args[0]} failed in ${options.cwd}: ${reason}`);
  }
}

function tryGit(read: () => string): string | undefined {
  try {
    return read() || undefined;
  } catch (err) {
    if (SaplingsError.isSaplingsError(err, 'output') && err.message.startsWith('--against needs git')) throw err;
    return undefined;
  }
}
