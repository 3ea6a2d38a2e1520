import type { z } from 'zod';
import { closestMatch } from '../conventions/edit-distance';
import { toDotPath } from '../conventions/key-path';
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

/** Finds where a key path of the document being validated is, for {@link problemsFromZod}. */
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
function holdsSecretKey(value: unknown, depth = 0): boolean {
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

/**
 * Turns zod issues into problems that name the key path, the bad value and
 * what is allowed. Unknown keys get a "did you mean" from the keys the schema
 * allows at that level.
 */
export function problemsFromZod(
  error: z.ZodError,
  input: unknown,
  schema: z.ZodType,
  location: Pick<Problem, 'file' | 'document'>,
  locate: PathLocator = () => undefined,
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(schema, issue.path);
      for (const key of issue.keys) {
        const suggestion = closest(key, allowed);
        problems.push({
          ...location,
          position: locate([...issue.path, key], 'key'),
          path: toDotPath([...issue.path, key]),
          message:
            'unknown key' +
            (suggestion ? `; did you mean "${suggestion}"?` : '') +
            (allowed.length ? `${suggestion ? ' A' : '; a'}llowed here: ${allowed.join(', ')}` : ''),
        });
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      // A record key is wrong: say why (the key schema's own message) and show the key, not its value.
      const reasons = issue.issues.map((inner) => inner.message).join('; ');
      problems.push({
        ...location,
        position: locate(issue.path, 'key'),
        path: toDotPath(issue.path),
        message: `invalid key: ${reasons}, got ${showValue(issue.path.at(-1))}`,
      });
      continue;
    }
    if (issue.code === 'custom' && (issue.params as { about?: string } | undefined)?.about === 'key') {
      problems.push({ ...location, position: locate(issue.path, 'key'), path: toDotPath(issue.path), message: issue.message });
      continue;
    }
    const value = valueAt(input, issue.path);
    const secret = (isSecretPath(issue.path) || holdsSecretKey(value) || !mayShow(value)) && value !== undefined;
    // A refinement's own message may quote the value; for a secret, that part is cut and described instead.
    const ownMessage = secret ? issue.message.replace(/,? got [\s\S]*$/, '') : issue.message;
    const alreadyShown = !secret && ownMessage.includes('got ');
    const missing = value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
    problems.push({
      ...location,
      position: locate(issue.path, missing ? 'parent' : 'value'),
      path: toDotPath(issue.path),
      message: missing
        ? `is required (${describeExpected(ownMessage)})`
        : `${describeExpected(ownMessage)}${alreadyShown ? '' : `, got ${secret ? redactedValue(value) : showValue(value)}`}`,
    });
  }
  return problems;
}

function describeExpected(message: string): string {
  // zod's own wording ("Invalid input: expected string, received number") is
  // precise; the "received" part is replaced by the actual value.
  return message
    .replace(/^Invalid input: /, '')
    .replace(/^Invalid option: /, '')
    .replace(/, received \w+$/, '')
    .replace(/^Too (small|big): /, '');
}

/** Keys an object schema allows at `path`, looking through defaults, optionals and pipes. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  // zod is loaded by whoever built the schema; this module only reads it, so it does not load zod itself.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { z } = require('zod') as typeof import('zod');
  let node: z.ZodType | undefined = unwrap(schema);
  for (const key of path) {
    if (!node) return [];
    if (node instanceof z.ZodObject) {
      node = unwrap((node.shape as Record<string, z.ZodType>)[String(key)]);
    } else if (node instanceof z.ZodArray) {
      node = unwrap(node.element as z.ZodType);
    } else if (node instanceof z.ZodRecord) {
      node = unwrap(node.valueType as z.ZodType);
    } else {
      return [];
    }
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape).filter((k) => k !== '$schema') : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let node = schema;
  for (;;) {
    const def = node?._zod.def as { innerType?: z.ZodType; in?: z.ZodType } | undefined;
    if (def?.innerType) node = def.innerType;
    else if (def?.in) node = def.in;
    else return node;
  }
}

/** The candidate closest to `word` by edit distance, if any is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  return closestMatch(word, candidates, Math.max(2, Math.floor(word.length / 3)));
}
