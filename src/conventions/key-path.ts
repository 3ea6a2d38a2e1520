/** A key path into a JSON value: property names and array indices. */
export type KeyPath = readonly (string | number)[];

/**
 * Renders a key path for messages: `spec.containers[0]`,
 * `annotations["a.b/c"]`. It is zod's `toDotPath` format, so config problems
 * and check findings read alike, without loading zod for the checks.
 */
export function toDotPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'symbol') out += `[${JSON.stringify(String(segment))}]`;
    else if (/[^\w$]/.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

/**
 * Reads a path {@link toDotPath} wrote back into its segments:
 * `ecs.subnets[0]` is `['ecs', 'subnets', 0]`.
 */
export function fromDotPath(dotted: string): KeyPath {
  const segments: (string | number)[] = [];
  const token = /([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of dotted.matchAll(token)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}
