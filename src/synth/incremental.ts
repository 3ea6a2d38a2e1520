import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StackConfig } from '../config/types';
import { TargetOptions } from '../targets/target';
import { readRegularFile } from './fs-ops';
import { OutputFile, sha256 } from './output';
import { OutputRecord } from './record';

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
  const entries = [...record.entries.values()].filter((e) => e.target === target && e.stack === stack);
  if (entries.length === 0 || entries.some((e) => e.input !== input)) return undefined;
  const files: OutputFile[] = [];
  for (const entry of entries) {
    let content: string | undefined;
    try {
      content = readRegularFile(path.join(outDir, entry.path), (fd) => fs.readFileSync(fd, 'utf8'));
    } catch {
      return undefined;
    }
    if (content === undefined || sha256(content) !== entry.sha256) return undefined;
    files.push({ path: entry.path, content, target, stack, input });
  }
  return files;
}
