/*
 * Text from outside (a config's file name) that goes into a comment or a
 * message line. A YAML comment ends at a line break, and YAML 1.1 readers
 * (PyYAML, which docker-compose v1 used) also break lines at NEL, U+2028 and
 * U+2029 (https://yaml.org/spec/1.2.2/#54-line-break-characters: "YAML
 * version 1.1 did support the above non-ASCII line break characters"); an nginx comment ends at a
 * newline (https://nginx.org/en/docs/beginners_guide.html#conf_structure);
 * a Compose env file is read line by line
 * (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax).
 */

// Control characters (C0, DEL, C1 with NEL), format characters (bidi overrides, BOM),
// line and paragraph separators, and lone surrogates.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\\]/gu;

/**
 * `text` with every character that could end a line, reorder it or hide
 * part of it written as an escape (`\n`, `\u{2028}`), and backslashes
 * doubled, so the result is one line that tells apart every input.
 */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`;
  });
}

/** Whether `text` holds a character {@link oneLine} would escape other than a backslash. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = [...text.matchAll(UNSAFE)].some((m) => m[0] !== '\\');
  return found;
}
