import * as YAML from 'yaml';

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
  const lineCounter = new YAML.LineCounter();
  // logLevel 'error': a mapping used as a key is stringified and then refused by the
  // schema as an unknown key, instead of yaml printing a Node warning to stderr.
  const parsed = YAML.parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true, lineCounter, logLevel: 'error' });
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
    const missing: YamlProblem[] = [];
    YAML.visit(doc, {
      Alias(_, alias) {
        if (alias.resolve(doc) === undefined) {
          missing.push({
            document,
            position: alias.range ? position(alias.range[0]) : undefined,
            message: `YAML alias *${alias.source} refers to no anchor &${alias.source} set before it`,
          });
        }
      },
    });
    if (missing.length) {
      problems.push(...missing);
      return;
    }
    try {
      values.push({ document, value: doc.toJS({ maxAliasCount: 100 }) });
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

/** The offset a key path's key, value or parent mapping starts at; the deepest existing node where the path leaves the text. */
function locateNode(doc: YAML.Document | undefined, path: readonly PropertyKey[], target: PositionTarget): number | undefined {
  if (!doc) return undefined;
  let node: unknown = doc.contents;
  let found = startOf(node) ?? 0;
  const steps = target === 'parent' ? path.slice(0, -1) : path;
  for (let i = 0; i < steps.length; i++) {
    const key = steps[i];
    const last = i === steps.length - 1;
    if (YAML.isMap(node)) {
      const pair = node.items.find((p) => (YAML.isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(key));
      if (!pair) return found;
      if (last && target === 'key') return startOf(pair.key) ?? found;
      node = pair.value;
      found = startOf(node) ?? startOf(pair.key) ?? found;
    } else if (YAML.isSeq(node) && typeof key === 'number' && key < node.items.length) {
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
  return doc.contents === null || (YAML.isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === '');
}

function startOf(node: unknown): number | undefined {
  return YAML.isNode(node) && node.range ? node.range[0] : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
