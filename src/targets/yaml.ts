/**
 * A YAML emitter for JSON-shaped data whose output means the same to every
 * reader: YAML 1.2 parsers, and YAML 1.1 ones such as kubectl, Argo CD and
 * Flux (sigs.k8s.io/yaml over go-yaml v2) or PyYAML.
 *
 * A string is written plain only when it is plain-safe in both versions;
 * otherwise it is quoted. YAML 1.1 reads far more plain scalars as non-strings
 * than 1.2 does (`yes`, `on`, `n`, `1:20`, `1_000`, `0777`, `+.5`, `=`), and a
 * generic YAML 1.2 emitter writes them bare.
 *
 * The layout matches the `yaml` package's block style (two-space indent,
 * sequences indented under their key, `|` literals for multi-line strings), so
 * diffs against hand-written manifests stay small. Written for this one job, it
 * is several times faster than a general-purpose emitter.
 */

/** A value this emitter can write: what `JSON.parse` can return, plus `undefined` members, which are left out. */
export type YamlValue = string | number | boolean | null | undefined | readonly YamlValue[] | { readonly [key: string]: YamlValue };

/** One YAML document for `value`, ending in a newline, without a `---` marker. */
export function emitYaml(value: YamlValue): string {
  const out: string[] = [];
  if (isCollection(value) && !isEmpty(value)) writeBlock(value, '', out);
  else out.push(inline(value), '\n');
  return out.join('');
}

/** Several documents as one stream, separated by `---`. */
export function emitYamlStream(values: readonly YamlValue[]): string {
  return values.map(emitYaml).join('---\n');
}

/** Keys up to this length are written `key: value`; YAML allows implicit keys of at most 1024 characters. */
const MAX_IMPLICIT_KEY = 1000;

type Collection = readonly YamlValue[] | { readonly [key: string]: YamlValue };

function isCollection(value: YamlValue): value is Collection {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: Collection): boolean {
  if (Array.isArray(value)) return value.length === 0;
  const map = value as { readonly [key: string]: YamlValue };
  for (const key in map) if (map[key] !== undefined) return false;
  return true;
}

/** Writes a non-empty collection whose lines start at `indent`. */
function writeBlock(value: Collection, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      out.push(indent, '- ');
      writeSequenceItem(item === undefined ? null : item, `${indent}  `, out);
    }
    return;
  }
  const map = value as { readonly [key: string]: YamlValue };
  for (const key in map) {
    const item = map[key];
    if (item === undefined) continue;
    const written = scalarString(key);
    // YAML limits implicit keys to 1024 characters; longer ones need the explicit `? key` form.
    if (written.length > MAX_IMPLICIT_KEY) out.push(indent, '? ', written, '\n', indent, ':');
    else out.push(indent, written, ':');
    writeMapValue(item, indent, out);
  }
}

/** After `key:`: a nested block on the next lines, or a scalar on this one. */
function writeMapValue(item: YamlValue, indent: string, out: string[]): void {
  if (isCollection(item) && !isEmpty(item)) {
    out.push('\n');
    // Sequences are indented under their key, as the `yaml` package does.
    writeBlock(item, `${indent}  `, out);
  } else if (typeof item === 'string' && isLiteralBlock(item)) {
    out.push(' ', literalBlock(item, `${indent}  `));
  } else {
    out.push(' ', inline(item), '\n');
  }
}

/** After `- `: the first line of a nested collection continues on this line. */
function writeSequenceItem(item: YamlValue, indent: string, out: string[]): void {
  if (!isCollection(item) || isEmpty(item)) {
    if (typeof item === 'string' && isLiteralBlock(item)) out.push(literalBlock(item, indent));
    else out.push(inline(item), '\n');
    return;
  }
  const start = out.length;
  writeBlock(item, indent, out);
  // The first line's indentation is replaced by the `- ` already written.
  out[start] = '';
}

/** A scalar, or an empty collection, on one line. */
function inline(value: YamlValue): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return scalarString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : quoted(String(value));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return Array.isArray(value) ? '[]' : '{}';
}

/** A string as a plain scalar when every reader reads it back as this string, else double-quoted. */
function scalarString(value: string): string {
  return isPlainSafe(value) ? value : quoted(value);
}

/**
 * Strings a plain scalar may hold here. Deliberately narrow: no quotes, flow
 * indicators (`[]{}`), comment or block indicators, backslash, tabs or
 * anything outside ASCII, so no reader has a rule to disagree on. A leading
 * `-` is allowed only where it cannot start a sequence entry (`--appendonly`).
 */
const PLAIN = /^(?:[A-Za-z0-9_./$(]|-[A-Za-z0-9_./$(-])[A-Za-z0-9 _./:@$()%+=,~^*!?&;<>-]*$/;

/**
 * Plain scalars that some reader resolves to something other than a string:
 * YAML 1.1 booleans, nulls, merge and value keys; YAML 1.1 and 1.2 numbers
 * (binary, octal, hex, sexagesimal, underscores, signs, leading dots,
 * infinities, NaN) and YAML 1.1 timestamps. Anything made only of digits,
 * number punctuation and an exponent is quoted, which over-quotes a little
 * (`1.2.3`, `E0`) and never under-quotes.
 */
const AMBIGUOUS =
  /^(?:[yYnN~]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|<<|=|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9._:]*(?:[eE][-+]?[0-9]+)?|[-+]?0[bBoOxX][0-9a-fA-F_]*|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)$/;

function isPlainSafe(value: string): boolean {
  return (
    PLAIN.test(value) &&
    // At the start of a line these are document markers.
    !value.startsWith('---') &&
    !value.startsWith('...') &&
    !value.endsWith(' ') &&
    !value.endsWith(':') &&
    !value.includes(': ') &&
    !value.includes(' #') &&
    !AMBIGUOUS.test(value)
  );
}

/**
 * Characters JSON leaves raw that a YAML double-quoted scalar may not hold
 * raw: DEL and the C1 controls (NEL is a line break in YAML 1.1), the Unicode
 * line and paragraph separators (line breaks in YAML 1.1), the byte-order
 * mark, and the non-characters U+FFFE and U+FFFF.
 */
const UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** A double-quoted scalar. JSON's escapes are all YAML escapes, in 1.1 and 1.2. */
function quoted(value: string): string {
  const json = JSON.stringify(value);
  return UNPRINTABLE.test(json) ? json.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/**
 * Multi-line strings are literal blocks when every line survives one
 * unchanged: printable, no carriage return, and a first line that does not
 * start with a space (which would need an indentation indicator).
 */
function isLiteralBlock(value: string): boolean {
  return value.includes('\n') && /^[^ \n]/.test(value) && !/[\r\t\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/.test(value);
}

function literalBlock(value: string, indent: string): string {
  const trailing = /\n*$/.exec(value)![0].length;
  const chomping = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? value : value.slice(0, value.length - 1);
  const lines = body.split('\n').map((line) => (line === '' ? '' : indent + line));
  return `|${chomping}\n${lines.join('\n')}\n`;
}
