import * as YAML from 'yaml';

/** A problem in YAML text, located as precisely as the parser allows. */
export interface YamlProblem {
  /** 1-based index of the document in the stream. */
  readonly document: number;
  /** `line:column`, when known. */
  readonly position?: string;
  /** What is wrong, on one line. */
  readonly message: string;
}

/** The documents of a YAML stream: each one's value, or the problems that stop it from having one. */
export interface ParsedYaml {
  /** How many documents the stream holds, empty ones included. */
  readonly count: number;
  /** Values of the documents without problems, skipping empty documents. */
  readonly values: { readonly document: number; readonly value: unknown }[];
  /** Syntax errors, duplicate keys and aliases to missing anchors. */
  readonly problems: YamlProblem[];
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
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${line}:${col}`;
  };
  const values: ParsedYaml['values'] = [];
  const problems: YamlProblem[] = [];
  documents.forEach((doc, index) => {
    const document = index + 1;
    for (const err of doc.errors) {
      problems.push({ document, position: position(err.pos[0]), message: `YAML syntax error: ${firstLine(err.message)}` });
    }
    if (doc.errors.length > 0 || doc.contents === null) return;
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
  return { count: documents.length, values, problems };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
