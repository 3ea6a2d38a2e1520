import { closestMatch } from '../conventions/edit-distance';
import { isSecretLikeName } from '../conventions/secret-names';
import { Diagnostic, SaplingsError, TextPosition } from '../conventions/diagnostic';
import { describeHidden, isSecretConfigPath, mayShow } from '../checks/redaction';
import { formatFinding } from '../checks/findings';
import { PositionTarget } from './yaml';

/** A problem with an input: a {@link Diagnostic} that names its file and key path, located as precisely as the input allows. */
export type Problem = Diagnostic & {
  /** File the problem is in, as the user named it. */
  readonly file: string;
  /** Dotted key path (`autoscaling.maxReplicas`), or empty for the whole document. */
  readonly path: string;
};

/**
 * Renders a problem as one line, `FILE:LINE:COL: key.path: message`, the
 * form editors, terminals and CI annotators turn into a link. A problem
 * without a position (the built-in default config) names the document instead.
 * The same function as {@link formatFinding}: every diagnostic renders alike.
 */
export const formatProblem: (p: Diagnostic) => string = formatFinding;

/** Finds where a key path of the document being validated is, for `problemsFromZod` (zod-problems.ts). */
export type PathLocator = (path: readonly PropertyKey[], target: PositionTarget) => TextPosition | undefined;

/** The {@link SaplingsError} for input the tool refuses: a config or manifest with one or more problems. Exit status 1. */
export function inputError(problems: readonly Problem[]): SaplingsError {
  return new SaplingsError('input', problems, problemsMessage(problems));
}

function problemsMessage(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join('\n');
}

/** The problems of an input {@link SaplingsError}, from any copy of the library, or undefined for any other error. */
export function inputProblems(err: unknown): readonly Problem[] | undefined {
  return SaplingsError.isSaplingsError(err, 'input') ? (err.diagnostics as readonly Problem[]) : undefined;
}

/**
 * @deprecated Throw {@link inputError}`(problems)` and recognise it with
 * `SaplingsError.isSaplingsError(err, 'input')`. `err instanceof InputError`
 * still holds for every input {@link SaplingsError}, from any copy of the library.
 */
export class InputError extends SaplingsError {
  /** Whether `x` is an input {@link SaplingsError}, from any copy of the library. */
  public static [Symbol.hasInstance](x: unknown): x is InputError {
    return SaplingsError.isSaplingsError(x, 'input');
  }

  constructor(problems: readonly Problem[]) {
    super('input', problems, problemsMessage(problems));
  }

  /** @deprecated Read `diagnostics`: the same list. */
  public override get problems(): readonly Problem[] {
    return this.diagnostics as readonly Problem[];
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
