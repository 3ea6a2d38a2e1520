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
