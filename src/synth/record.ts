import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRegularFile } from './fs-ops';
import { outputError } from './output-error';
import { PROVENANCE_MARKER, packageVersion } from './provenance';

/**
 * The record of generated files: in the output directory, every file a run
 * wrote there, with the target and stack it belongs to and its sha256. It is
 * the only source of what a later run may replace without `--force` (besides
 * the provenance header) and of what it may remove: synth never walks the
 * tree to find files to delete.
 *
 * Format 2 (documented in docs/_incoming/synth-safety.md, "Record of
 * generated files"): `#` comment lines, which `sha256sum -c` skips, and
 * `sha256sum` lines (`<sha256>  <path>`). A line `#> key=value ...` sets the
 * attributes of the file lines below it, `target` and `stack` today; unknown
 * keys are kept by readers, so a later version can add some without a new
 * format; `input` (the digest of what a stack's files of a target were
 * rendered from, see stackInputDigest) is one. Format 1, written by saplings-k8s 0.1 as
 * "the manifest of generated files", listed only files without a header and
 * had no `# record-format:` line.
 *
 * The name has no `.json`, `.yaml` or `.yml` extension, because
 * `kubectl apply -f DIR` reads every file with one of those in DIR, and it is
 * hidden, so it is never taken for output.
 */
export const RECORD_FILE = '.saplings-k8s-files';

/** The record format this version writes. */
export const RECORD_FORMAT = 2;

/** The attribute value of a file that belongs to no stack (a root kustomization) or whose target is not known (adopted). */
export const NONE = '-';

/** One file of the record. */
export interface RecordEntry {
  /** Path relative to the output directory, normalized. */
  readonly path: string;
  /** The target that wrote it; {@link NONE} when an older version wrote it and the run that adopted it could not tell. */
  readonly target: string;
  /** The stack it belongs to; {@link NONE} for files of the whole config. */
  readonly stack: string;
  /** The sha256 of its content, hex. */
  readonly sha256: string;
  /**
   * The digest of everything its stack's files for its target were rendered
   * from (see stackInputDigest): a later run with the same inputs reuses the
   * files instead of rendering them again. @default - none: always rendered
   */
  readonly input?: string;
  /**
   * The digest of the exact text of its stack's config document with the
   * code, target, options and `--env`, bound to `input` (see recordedSource): a later run
   * whose document has the same text takes the stack as known, without
   * parsing or validating it. Only with `input`. @default - none
   */
  readonly source?: string;
  /** Its stack's namespace, for a later run's check that no two stacks share one; only with `source`. @default - none */
  readonly namespace?: string;
}

/** What a record file holds. */
export interface OutputRecord {
  /** 2 for this version's records, 1 for the manifest of an older version, 0 when there is none. */
  readonly format: number;
  /** The files, by path. */
  readonly entries: Map<string, RecordEntry>;
}

/** The largest record read; a fleet of 10,000 stacks in the file-per-resource layout records about 3 MB. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * Reads the record of `target`. Every path in it must be relative,
 * normalized and inside `target`; a record that breaks this was not written
 * by saplings-k8s, and is refused before anything is touched.
 */
export function readRecord(target: string): OutputRecord {
  const file = path.join(target, RECORD_FILE);
  const text = readRegularFile(file, (fd) => {
    const size = fs.fstatSync(fd).size;
    if (size > MAX_RECORD_BYTES) throw outputError(`${file} is larger than a record saplings-k8s writes (${size} bytes); remove it, and check the folder's files by hand`);
    return fs.readFileSync(fd, 'utf8');
  });
  const entries = new Map<string, RecordEntry>();
  if (text === undefined) return { format: 0, entries };
  const format = /^# record-format: (\d+)$/m.exec(text);
  let attributes: Record<string, string> = { target: NONE, stack: NONE };
  for (const line of text.split('\n')) {
    if (line.startsWith('#> ')) {
      attributes = Object.fromEntries(line.slice(3).split(' ').map((pair) => pair.split('=', 2) as [string, string]));
      continue;
    }
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!match) continue;
    const rel = checkedRelativePath(match[2], file, target);
    const hex = (value: string | undefined) => value !== undefined && /^[0-9a-f]{64}$/.test(value);
    const input = hex(attributes.input) ? { input: attributes.input } : {};
    const source =
      hex(attributes.input) && hex(attributes.source) && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(attributes.namespace ?? '')
        ? { source: attributes.source, namespace: attributes.namespace }
        : {};
    entries.set(rel, { path: rel, target: attributes.target ?? NONE, stack: attributes.stack ?? NONE, sha256: match[1], ...input, ...source });
  }
  return { format: format ? Number(format[1]) : 1, entries };
}

/** The content of a record of `entries`, sorted by target, stack and path so it is byte-identical across runs. */
export function formatRecord(entries: Iterable<RecordEntry>): string {
  const sorted = [...entries].sort((a, b) => compare(a.target, b.target) || compare(a.stack, b.stack) || compare(a.path, b.path));
  const lines = [
    `${PROVENANCE_MARKER} ${packageVersion()}: the record of the files it wrote into this folder.`,
    '# A later run replaces or removes only the files listed here; check them with `sha256sum -c .saplings-k8s-files`.',
    `# record-format: ${RECORD_FORMAT}`,
  ];
  let group = '';
  for (const entry of sorted) {
    const source = entry.input === undefined || entry.source === undefined ? '' : ` source=${entry.source} namespace=${entry.namespace}`;
    const attributes = `#> target=${entry.target} stack=${entry.stack}${entry.input === undefined ? '' : ` input=${entry.input}`}${source}`;
    if (attributes !== group) lines.push((group = attributes));
    lines.push(`${entry.sha256}  ${entry.path}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `rel` if it is a path a file of saplings-k8s can have inside `target`:
 * relative, normalized, without `..`, and not through a symbolic link that
 * exists now. Otherwise `source` (a journal or record inside `target`) was
 * not written by saplings-k8s, and is refused.
 *
 * @throws an {@link outputError} naming `source`
 */
export function checkedRelativePath(rel: unknown, source: string, target: string): string {
  const refuse = (why: string) =>
    outputError(
      `${source} names ${JSON.stringify(rel)}, ${why}, so saplings-k8s did not write it; nothing was changed: ` +
        `check how it got there (a commit, another tool), remove it, and run saplings-k8s synth again`,
      true,
    );
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0')) throw refuse('which is not a path');
  if (path.isAbsolute(rel) || rel !== path.normalize(rel) || rel.split(path.sep).includes('..') || rel === '.') {
    throw refuse(`which is not a normalized path inside ${target}`);
  }
  let current = target;
  for (const part of path.dirname(rel) === '.' ? [] : path.dirname(rel).split(path.sep)) {
    current = path.join(current, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      break;
    }
    if (stat.isSymbolicLink()) throw refuse(`which leads through the symbolic link ${current}`);
  }
  return rel;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
