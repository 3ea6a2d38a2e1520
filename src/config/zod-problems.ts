import type { z } from 'zod';
import { toDotPath } from '../conventions/key-path';
import { PathLocator, Problem, closest, holdsSecretKey, isSecretPath, redactedValue, showValue, valueAt } from './errors';
import { mayShow } from '../checks/redaction';

/*
 * zod issues to positioned problems. Apart from errors.ts, whose Problem and
 * inputError saplings-k8s/config declares: a declaration file that names zod
 * makes a consumer's compiler load zod's types, which need esModuleInterop.
 */

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

