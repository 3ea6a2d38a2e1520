import type * as JsYaml from 'js-yaml';
import type * as YAML from 'yaml';

// Both parsers load on first use: the built-in default config needs neither,
// and a single-stack run should not pay for the one it does not use.
/* eslint-disable @typescript-eslint/no-require-imports */
let yamlModule: typeof YAML | undefined;
const yaml = (): typeof YAML => (yamlModule ??= require('yaml') as typeof YAML);
let jsYamlModule: typeof JsYaml | undefined;
const jsYaml = (): typeof JsYaml => (jsYamlModule ??= require('js-yaml') as typeof JsYaml);
/* eslint-enable @typescript-eslint/no-require-imports */

/** A 1-based line and column in a text file. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** A problem in YAML text, located as precisely as the parser allows. */
export interface YamlProblem {
  /** 1-based index of the document in the stream. */
  readonly document: number;
  /** Where the problem is, when known. */
  readonly position?: TextPosition;
  /** What is wrong, on one line. */
  readonly message: string;
}

/**
 * What a position should point at for a key path: the key itself (an unknown
 * key), its value (a bad value), or the mapping that lacks it (a missing key).
 */
export type PositionTarget = 'key' | 'value' | 'parent';

/**
 * Finds the position of a key path in document `document` (1-based). Where
 * the path leaves the text (a default, a `--env` override), it points at the
 * deepest part of the path that is there.
 */
export type Locator = (document: number, path: readonly PropertyKey[], target: PositionTarget) => TextPosition | undefined;

/** The documents of a YAML stream: each one's value, or the problems that stop it from having one. */
export interface ParsedYaml {
  /** How many documents the stream holds, empty ones included. */
  readonly count: number;
  /** Values of the documents without problems, skipping empty documents. */
  readonly values: { readonly document: number; readonly value: unknown }[];
  /** Syntax errors, duplicate keys and aliases to missing anchors. */
  readonly problems: YamlProblem[];
  /** Positions of key paths in the documents, for messages about their values. */
  readonly locate: Locator;
}

/**
 * Parses a multi-document YAML (or JSON) stream and reports every problem
 * with its line and column, including the ones `yaml` only finds while
 * building values (an alias to an anchor that was never set).
 */
export function parseYamlStream(text: string): ParsedYaml {
  const deep = tooDeep(text);
  if (deep) return { count: 1, values: [], problems: [deep], locate: () => undefined };
  const lineCounter = new (yaml().LineCounter)();
  // logLevel 'error': a mapping used as a key is stringified and then refused by the
  // schema as an unknown key, instead of yaml printing a Node warning to stderr.
  // uniqueKeys is checked in checkNodes instead: the yaml package compares each key with every
  // earlier one, which took seconds for a config with 10,000 keys.
  // merge: YAML 1.1's `<<` merge keys, which kubectl, docker-compose and most YAML users read as such
  // (a fleet's shared base, a Compose service's defaults), not as a key named "<<".
  const parsed = yaml().parseAllDocuments(text, { prettyErrors: true, uniqueKeys: false, lineCounter, logLevel: 'error', merge: true });
  const documents = Array.isArray(parsed) ? parsed : [parsed];
  const position = (offset: number): TextPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const values: ParsedYaml['values'] = [];
  const problems: YamlProblem[] = [];
  documents.forEach((doc, index) => {
    const document = index + 1;
    for (const err of doc.errors) {
      problems.push({ document, position: position(err.pos[0]), message: `YAML syntax error: ${firstLine(err.message)}` });
    }
    if (doc.errors.length > 0 || isEmptyDocument(doc)) return;
    const checked = checkNodes(doc);
    if (checked.length) {
      problems.push(...checked.map((c) => ({ document, position: c.offset === undefined ? undefined : position(c.offset), message: c.message })));
      return;
    }
    try {
      values.push({ document, value: doc.toJS({ maxAliasCount: MAX_ALIASES_PER_ANCHOR + 1 }) });
    } catch (err) {
      // An alias bomb, or anything else yaml refuses while building values.
      problems.push({ document, message: `YAML error: ${firstLine((err as Error).message)}` });
    }
  });
  const locate: Locator = (document, path, target) => {
    const node = locateNode(documents[document - 1], path, target);
    return node === undefined ? undefined : position(node);
  };
  return { count: documents.length, values, problems, locate };
}

/**
 * How deep collections may nest. A real config nests a handful of levels; the
 * `yaml` package spends a recursion level and hundreds of bytes per level, so
 * 2 MB of `[` took 10 s and over 1 GB, and 2 MB of `- - -` 15 s, before they
 * were refused. Counted before parsing, in one pass over the text.
 */
export const MAX_NESTING = 100;

/**
 * A problem when collections nest deeper than {@link MAX_NESTING}, at the
 * place that crosses it. Flow collections (`[`, `{`) count where one can
 * start (after `:`, `-`, `,`, `?`, another bracket, or at the start of a
 * line, so `a[b` in a plain scalar does not), skipping quoted scalars and
 * comments; block collections count by their indentation levels plus the
 * compact `- ` and `? ` entries that open a line.
 */
function tooDeep(text: string): YamlProblem | undefined {
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  let document = 1;
  let previous = '\n';
  const indents: number[] = [];
  const problem = (at: number): YamlProblem => ({
    document,
    position: { line, column: at - lineStart + 1 },
    message: `YAML collections nest more than ${MAX_NESTING} levels deep, the limit against parser exhaustion; flatten the value`,
  });
  for (let i = 0; i < text.length; i++) {
    if (i === lineStart && flow === 0) {
      let j = i;
      while (text[j] === ' ') j++;
      const blank = j >= text.length || text[j] === '\n' || text[j] === '\r' || text[j] === '#';
      if (!blank) {
        if (text.startsWith('---', i)) document += i > 0 ? 1 : 0;
        const indent = j - i;
        while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > MAX_NESTING) return problem(j);
        let compact = 0;
        while ((text[j] === '-' || text[j] === '?') && text[j + 1] === ' ') {
          if (indents.length + ++compact > MAX_NESTING) return problem(j);
          j += 2;
          while (text[j] === ' ') j++;
        }
      }
    }
    const c = text[i];
    if (c === '\n') {
      line += 1;
      lineStart = i + 1;
      previous = c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
      continue;
    }
    if (c === '"' || c === "'") {
      // A quoted scalar runs to its closing quote (`\"` escapes in double quotes, `''` in single ones).
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '\n') {
          line += 1;
          lineStart = j + 1;
        } else if (c === '"' && text[j] === '\\') {
          j += 1;
        } else if (text[j] === c) {
          if (c === "'" && text[j + 1] === "'") j += 1;
          else break;
        }
      }
      i = j;
      previous = c;
      continue;
    }
    if ((c === '[' || c === '{') && '\n:-,?[{'.includes(previous)) {
      flow += 1;
      if (flow + indents.length > MAX_NESTING) return problem(i);
    } else if ((c === ']' || c === '}') && flow > 0) {
      flow -= 1;
    } else if (c === '[' || c === '{') {
      // Inside a plain scalar (`a[[`): no bracket after it opens a collection either.
      previous = 'a';
      continue;
    }
    previous = c;
  }
  return undefined;
}

/**
 * How many aliases may expand one anchor: enough for real configs, and a
 * bound on what a small file can expand to. The `yaml` package enforces it
 * too (its `maxAliasCount` counts the anchor itself, and weighs an anchor by
 * the aliases inside it); checkNodes names the alias that crosses it.
 */
const MAX_ALIASES_PER_ANCHOR = 99;

/**
 * How many aliases one document may hold. Building values resolves each
 * alias by searching the document up to it, so the cost grows with aliases
 * times document size; past this, a config is refused instead of slow.
 */
const MAX_ALIASES_PER_DOCUMENT = 1000;

/** A problem checkNodes found, at a node's offset. */
interface NodeProblem {
  readonly offset?: number;
  readonly message: string;
}

/**
 * In one pass over a document: keys repeated in a mapping, aliases to no
 * anchor set before them, and aliases past the limits. (Per-alias
 * `Alias.resolve` and the parser's own unique-key check are both quadratic.)
 */
function checkNodes(doc: YAML.Document): NodeProblem[] {
  const anchors = new Set<string>();
  const uses = new Map<string, number>();
  const problems: NodeProblem[] = [];
  let aliases = 0;
  let overused = false;
  yaml().visit(doc, (_, node) => {
    if (yaml().isAlias(node)) {
      const at = node.range?.[0];
      if (!anchors.has(node.source)) {
        problems.push({ offset: at, message: `YAML alias *${node.source} refers to no anchor &${node.source} set before it` });
      }
      const count = (uses.get(node.source) ?? 0) + 1;
      uses.set(node.source, count);
      aliases += 1;
      if (!overused && count > MAX_ALIASES_PER_ANCHOR) {
        overused = true;
        problems.push({ offset: at, message: `YAML anchor &${node.source} is used by more than ${MAX_ALIASES_PER_ANCHOR} aliases, a limit against alias bombs; write the values out instead` });
      } else if (!overused && aliases > MAX_ALIASES_PER_DOCUMENT) {
        overused = true;
        problems.push({ offset: at, message: `YAML document holds more than ${MAX_ALIASES_PER_DOCUMENT} aliases, the limit; write the values out instead` });
      }
      return;
    }
    if ((yaml().isScalar(node) || yaml().isCollection(node)) && node.anchor) anchors.add(node.anchor);
    if (yaml().isMap(node)) problems.push(...repeatedKeys(node));
  });
  return problems;
}

function repeatedKeys(map: YAML.YAMLMap): NodeProblem[] {
  const seen = new Set<string>();
  const problems: NodeProblem[] = [];
  for (const pair of map.items) {
    if (!yaml().isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (seen.has(key)) problems.push({ offset: pair.key.range?.[0], message: `YAML syntax error: Map keys must be unique; ${JSON.stringify(key)} is repeated` });
    seen.add(key);
  }
  return problems;
}

/** The offset a key path's key, value or parent mapping starts at; the deepest existing node where the path leaves the text. */
function locateNode(doc: YAML.Document | undefined, path: readonly PropertyKey[], target: PositionTarget): number | undefined {
  if (!doc) return undefined;
  let node: unknown = doc.contents;
  let found = startOf(node) ?? 0;
  const steps = target === 'parent' ? path.slice(0, -1) : path;
  for (let i = 0; i < steps.length; i++) {
    const key = steps[i];
    const last = i === steps.length - 1;
    if (yaml().isMap(node)) {
      const pair = node.items.find((p) => (yaml().isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(key));
      if (!pair) return found;
      if (last && target === 'key') return startOf(pair.key) ?? found;
      node = pair.value;
      found = startOf(node) ?? startOf(pair.key) ?? found;
    } else if (yaml().isSeq(node) && typeof key === 'number' && key < node.items.length) {
      node = node.items[key];
      found = startOf(node) ?? found;
    } else {
      return found;
    }
  }
  return found;
}

/** A document with nothing in it (`---` followed by `---` or the end), which kubectl skips too. */
function isEmptyDocument(doc: YAML.Document): boolean {
  return doc.contents === null || (yaml().isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === '');
}

function startOf(node: unknown): number | undefined {
  return yaml().isNode(node) && node.range ? node.range[0] : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** An alias token (`*name`) anywhere in the text: such a stream takes the checked path, with its alias limits. */
const ALIAS_TOKEN = /(?:^|[\s[{,:-])\*[^\s,\]}]/m;

/**
 * Parses a manifest stream for `validate`, where files can hold hundreds of
 * thousands of objects. js-yaml builds plain values about six times faster
 * than the `yaml` package's document model; a stream it refuses, or one that
 * uses aliases (whose expansion must stay bounded), goes through
 * {@link parseYamlStream}, which finds every problem with its position.
 * Both read YAML 1.2's core schema and refuse duplicate keys, so a stream
 * that both accept gives the same values.
 */
export function parseManifestStream(text: string): ParsedYaml {
  // The fast reader knows no merge keys in its core schema, so text with `<<` takes the checked parser too.
  if (!ALIAS_TOKEN.test(text) && !text.includes('<<')) {
    try {
      const documents = jsYaml().loadAll(text, undefined, { schema: jsYaml().CORE_SCHEMA });
      const values = documents.flatMap((value, index) => (value === null || value === undefined ? [] : [{ document: index + 1, value }]));
      return { count: documents.length, values, problems: [], locate: () => undefined };
    } catch {
      // Fall through: the checked parser says what is wrong, and where.
    }
  }
  return parseYamlStream(text);
}
