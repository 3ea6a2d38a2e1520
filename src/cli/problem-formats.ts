import { Finding } from '../checks/findings';
import { Problem } from '../config/errors';
import { redactMessage } from '../checks/redaction';

/** How the CLI reports problems: for people, for GitHub Actions, or for programs. */
export const PROBLEM_FORMATS = ['text', 'github', 'json'] as const;

/** One of {@link PROBLEM_FORMATS}. */
export type ProblemFormat = (typeof PROBLEM_FORMATS)[number];

/** A problem or finding as plain data, for `--format json` and `--format github`. */
export interface ProblemRecord {
  readonly severity: 'error' | 'warning' | 'info';
  /** The file, as the user named it. */
  readonly file?: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** 1-based document of a multi-document file, when known. */
  readonly document?: number;
  /** `Kind/name` of the generated object, for findings. */
  readonly object?: string;
  /** Dotted key or field path, or '' for the whole input. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
  /** The check's rule id, for findings. */
  readonly rule?: string;
}

/** A config problem as a record. */
export function problemRecord(p: Problem): ProblemRecord {
  return { severity: 'error', file: p.file, line: p.position?.line, column: p.position?.column, document: p.document, path: p.path, message: redactMessage(p.message) };
}

/** A check finding as a record. */
export function findingRecord(f: Finding): ProblemRecord {
  return { severity: f.severity, file: f.file, object: f.object, path: f.path, message: redactMessage(f.message), rule: f.rule };
}

/**
 * A GitHub Actions workflow command (`::error file=…,line=…,col=…::message`),
 * which the runner turns into an annotation on the file and line.
 */
export function githubAnnotation(r: ProblemRecord): string {
  const level = r.severity === 'info' ? 'notice' : r.severity;
  const properties = [
    r.file !== undefined ? `file=${escapeProperty(r.file)}` : undefined,
    r.line !== undefined ? `line=${r.line}` : undefined,
    r.column !== undefined ? `col=${r.column}` : undefined,
    `title=${escapeProperty(`saplings-k8s${r.rule ? ` ${r.rule}` : ''}`)}`,
  ].filter((p) => p !== undefined);
  const text = [r.object, r.path, r.message].filter((part) => part).join(': ');
  return `::${level} ${properties.join(',')}::${escapeData(text)}\n`;
}

// The runner's own escaping rules for workflow command data and properties.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
