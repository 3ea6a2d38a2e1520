/** docs/config-reference.md for a stack's JSON Schema and the environment presets; see gen-config-reference.js. */
export function renderConfigReference(schema: object, presets: object): string;
/** Every key path the reference has a row for (sections' leaves; `<KEY>` for a map's keys). */
export function keyPaths(schema: object): string[];
/** Where the reference is written: docs/config-reference.md. */
export const OUTPUT: string;
