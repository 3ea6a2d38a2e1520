import { closestMatch } from '../conventions/edit-distance';
import { isSecretLikeName } from '../conventions/secret-names';
import { oneLine } from '../conventions/one-line';
import { describeHidden, isSecretConfigPath, mayShow, redactMessage } from '../checks/redaction';
import { PositionTarget, TextPosition } from './yaml';

/** One problem with an input, located as precisely as the input allows. */
export interface Problem {
  /** File the problem is in, as the user named it. */
  readonly file: string;
  /** 1-based document index, when the file holds several stacks. */
  readonly document?: number;
  /** Where in the file, when the problem comes from a file's text. */
  readonly position?: TextPosition;
  /** Dotted key path (`autoscaling.maxReplicas`), or empty for the whole document. */
  readonly path: string;
  /** What is wrong, what was given and what is allowed. */
  readonly message: string;
}

/**
 * Renders a problem as one line, `FILE:LINE:COL: key.path: message`, the
 * form editors, terminals and CI annotators turn into a link. A problem
 * without a position (the built-in default config) names the document instead.
 */
export function formatProblem(p: Problem): string {
  const file = p.position
    ? `${p.file}:${p.position.line}:${p.position.column}`
    : p.file + (p.document !== undefined ? ` (document ${p.document})` : '');
  return [oneLine(file), p.path, redactMessage(p.message)].filter((part) => part).join(': ');
}

/** Finds where a key path of the document being validated is, for `problemsFromZod` (zod-problems.ts). */
export type PathLocator = (path: readonly PropertyKey[], target: PositionTarget) => TextPosition | undefined;

/** Input the tool refuses: a config or manifest with one or more problems. Exit status 1. */
export class InputError extends Error {
  constructor(public readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }
}

/** Whether the value at a config key path may be a credential, so no message may show it (see checks/redaction). */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return isSecretConfigPath(path);
}

/** Whether a mapping (or a list of them), at any depth, has a key whose name marks it as a secret. */
export function holdsSecretKey(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || depth > 8) return false;
  if (Array.isArray(value)) return value.some((item) => holdsSecretKey(item, depth + 1));
  return Object.entries(value).some(([key, item]) => isSecretLikeName(key) || holdsSecretKey(item, depth + 1));
}

/** Describes a value that must not be shown: its kind and size, never its content. */
export const redactedValue = describeHidden;

/** Renders a value for a message: short, single-line, and quoted when a string. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (!mayShow(value)) return describeHidden(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The value at `path` in `root`, or undefined. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** The candidate closest to `word` by edit distance, if any is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  return closestMatch(word, candidates, Math.max(2, Math.floor(word.length / 3)));
}
