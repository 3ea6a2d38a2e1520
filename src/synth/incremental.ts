import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StackConfig } from '../config/types';
import { TargetOptions } from '../targets/target';
import { readRegularFile } from './fs-ops';
import { OutputFile, sha256 } from './output';
import { OutputRecord, RecordEntry } from './record';

/**
 * The file `npm run build` writes into lib/ (scripts/build.js): the sha256 of
 * every file the build made. It changes with the code, where the version
 * string does not during development.
 */
export const CODE_DIGEST_FILE = 'code-digest';

/**
 * The digest of the built code this module belongs to, or undefined where
 * there is none (the TypeScript sources under ts-jest): then every stack is
 * rendered. Looked for beside the CLI bundle (lib/cli.js) and at the root of
 * lib/ from lib/src/synth/.
 */
export function builtCodeDigest(): string | undefined {
  for (const dir of [__dirname, path.join(__dirname, '..', '..')]) {
    const text = readRegularFile(path.join(dir, CODE_DIGEST_FILE), (fd) => fs.readFileSync(fd, 'utf8'));
    const digest = text?.trim();
    if (digest !== undefined && /^[0-9a-f]{64}$/.test(digest)) return digest;
  }
  return undefined;
}

/**
 * The digest of everything the files of `stack` for `target` are rendered
 * from: the code, the stack's config document in canonical form (keys
 * sorted, after `--env` and every default), the target, and the options it
 * renders with (the layout, the config's name in the header, any other). A
 * stack's files do not depend on the other stacks or targets, so equal
 * digests mean equal files.
 *
 * Undefined for a stack with inline secrets: their values (from the file or
 * the environment) would be inputs, and no digest of a secret value is
 * stored, so such a stack is always rendered.
 */
export function stackInputDigest(codeDigest: string, stack: StackConfig, target: string, options: TargetOptions): string | undefined {
  if (stack.secrets?.source === 'inline') return undefined;
  return createHash('sha256').update(canonicalJson({ code: codeDigest, target, options, stack })).digest('hex');
}

/**
 * The digest of the exact text of a stack's config document with everything
 * else its validated stack and files of `target` come from: the code, the
 * target, its options and the `--env` override. Equal digests mean the same
 * stack, so a later run takes its name and namespace from the record instead
 * of parsing and validating the document. Only recorded for stacks that have
 * an input digest (no inline secrets, whose values may come from the
 * environment) and that gave no warning, which a skipped document would not
 * repeat.
 */
export function documentDigest(codeDigest: string, text: string, target: string, options: TargetOptions, environment: string | undefined): string {
  return documentDigester(codeDigest, target, options, environment)(text);
}

/** {@link documentDigest} for many documents: the canonical form of everything but the text is made once. */
export function documentDigester(codeDigest: string, target: string, options: TargetOptions, environment: string | undefined): (text: string) => string {
  const rest = canonicalJson({ code: codeDigest, target, options, environment: environment ?? null });
  const digests = new Map<string, string>();
  return (text) => {
    let digest = digests.get(text);
    if (digest === undefined) digests.set(text, (digest = createHash('sha256').update(rest).update('\0').update(text).digest('hex')));
    return digest;
  };
}

/**
 * What the record's `source=` holds for a stack's files of a target: the
 * first half of the document digest (the key a later run looks it up by)
 * and the first half of a digest of it with the files' input digest, so an
 * `input=` changed by hand no longer matches and the stack is validated and
 * rendered again.
 */
export function recordedSource(documentDigest: string, input: string): string {
  return documentDigest.slice(0, 32) + createHash('sha256').update(`${documentDigest}\0${input}`).digest('hex').slice(0, 32);
}

/** JSON with the keys of every object sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * The files a previous run wrote for `stack` and `target` from the inputs
 * `input`, read back from `outDir`, or undefined when they must be rendered:
 * the record has no files of those inputs, or one of them is missing, not a
 * regular file, or no longer has the sha256 the record lists (edited by hand,
 * corrupted). A record is never trusted beyond what the files confirm.
 */
export function reusableFiles(outDir: string, record: OutputRecord, stack: string, target: string, input: string): OutputFile[] | undefined {
  return verifiedFiles(outDir, record, stack, target, (e) => e.input === input);
}

/**
 * Like {@link reusableFiles}, for a stack known by its document's digest
 * (see documentDigest and recordedSource): the files keep their recorded
 * input digest, which `source=` vouches for.
 */
export function knownFiles(outDir: string, record: OutputRecord, stack: string, target: string, documentDigest: string): OutputFile[] | undefined {
  return verifiedFiles(outDir, record, stack, target, (e) => e.input !== undefined && e.source === recordedSource(documentDigest, e.input));
}

function verifiedFiles(outDir: string, record: OutputRecord, stack: string, target: string, matches: (entry: RecordEntry) => boolean): OutputFile[] | undefined {
  const entries = grouped(record).get(`${target}\0${stack}`) ?? [];
  if (entries.length === 0 || !entries.every(matches) || new Set(entries.map((e) => e.input)).size !== 1) return undefined;
  const files: OutputFile[] = [];
  for (const entry of entries) {
    let content: string | undefined;
    try {
      content = readRegularFile(path.join(outDir, entry.path), (fd) => fs.readFileSync(fd, 'utf8'));
    } catch {
      return undefined;
    }
    if (content === undefined || sha256(content) !== entry.sha256) return undefined;
    files.push({ path: entry.path, content, target, stack, input: entry.input });
    verifiedContent.set(record, (verifiedContent.get(record) ?? new Map()).set(entry.path, { content, sha256: entry.sha256 }));
  }
  return files;
}

// What verifiedFiles read and found to have the recorded sha256, by record and path, so the write need not read it again.
const verifiedContent = new WeakMap<OutputRecord, Map<string, { content: string; sha256: string }>>();

/** The files of `record` that {@link reusableFiles} or {@link knownFiles} read and verified: their content and sha256, by path. */
export function verifiedFilesOf(record: OutputRecord): ReadonlyMap<string, { readonly content: string; readonly sha256: string }> {
  return verifiedContent.get(record) ?? new Map();
}

// Entries by target and stack, made once per record: filtering every entry for each stack was quadratic in a fleet.
const groups = new WeakMap<OutputRecord, Map<string, RecordEntry[]>>();

function grouped(record: OutputRecord): Map<string, RecordEntry[]> {
  const found = groups.get(record);
  if (found) return found;
  const made = new Map<string, RecordEntry[]>();
  groups.set(record, made);
  for (const entry of record.entries.values()) {
    const key = `${entry.target}\0${entry.stack}`;
    const group = made.get(key);
    if (group) group.push(entry);
    else made.set(key, [entry]);
  }
  return made;
}
