import { toDotPath } from '../conventions/key-path';

/*
 * The helpers every check uses to read parsed manifests, which may be any JSON
 * (or YAML) value, and to name places and values in messages.
 */

/** A JSON object as parsed from YAML. */
export type Json = Record<string, unknown>;

/** A step of a field path: an object key or a list index. */
export type PathSegment = string | number;

/** A field path inside an object, as segments. */
export type Path = readonly PathSegment[];

/** Whether `value` is a JSON object (not null, not a list). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a JSON object, otherwise `undefined`. */
export function asObject(value: unknown): Json | undefined {
  return isObject(value) ? value : undefined;
}

/** `value` when it is a list, otherwise an empty list. */
export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` when it is a non-empty string, otherwise `undefined`. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `value` when it is a finite number, otherwise `undefined`. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The value at `path` below `root`, or `undefined` when any step is missing. */
export function at(root: unknown, path: Path): unknown {
  let here: unknown = root;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(here)) return undefined;
      here = here[segment];
    } else {
      if (!isObject(here)) return undefined;
      here = here[segment];
    }
  }
  return here;
}

/** Renders a path the way config errors are rendered: `spec.containers[0]`, `annotations["a.b/c"]`. */
export function toPath(path: Path): string {
  return toDotPath(path);
}

/** Describes a value for a message: `string "three"`, `number 1.5`, `a list`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `string ${quote(value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** Quotes a string for a message, shortening very long ones. */
export function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shown);
}

/** Joins words for a message: `a`, `a and b`, `a, b and c`. */
export function joinAnd(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`;
}

/**
 * Orders strings with their numbers compared by value, so `containers[2]`
 * sorts before `containers[10]`. Ties fall back to code-point order, which
 * keeps the order total and independent of the locale.
 */
export function compareNatural(a: string, b: string): number {
  const chunks = /\d+|\D+/g;
  const left = a.match(chunks) ?? [];
  const right = b.match(chunks) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const byValue = compareNumberStrings(x, y);
      if (byValue !== 0) return byValue;
    }
    return x < y ? -1 : 1;
  }
  if (left.length !== right.length) return left.length - right.length;
  return a === b ? 0 : a < b ? -1 : 1;
}

// Digit strings of any length, compared without converting to a lossy number.
function compareNumberStrings(x: string, y: string): number {
  const a = x.replace(/^0+(?=\d)/, '');
  const b = y.replace(/^0+(?=\d)/, '');
  if (a.length !== b.length) return a.length - b.length;
  return a === b ? 0 : a < b ? -1 : 1;
}
