import { Diagnostic, SaplingsError, Severity } from '../conventions/diagnostic';
import { formatFinding } from '../checks/findings';
import { redactMessage } from '../checks/redaction';
import { CliIO } from './context';

/*
 * The one place the CLI turns diagnostics into text: `✖`/`⚠` lines and their
 * summary on stderr (text), workflow commands (github) or a JSON document
 * (json) on stdout. Commands print warnings through {@link warningLine} and
 * findings through {@link diagnosticLine}; errors reach {@link reportError}.
 */

/** How the CLI reports problems: for people, for GitHub Actions, or for programs. */
export const PROBLEM_FORMATS = ['text', 'github', 'json'] as const;

/** One of {@link PROBLEM_FORMATS}. */
export type ProblemFormat = (typeof PROBLEM_FORMATS)[number];

/** A diagnostic as plain data, for `--format json` and `--format github`. */
export interface ProblemRecord {
  readonly severity: Severity;
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
  /** The object's namespace, when a diagnostic names it. */
  readonly namespace?: string;
  /** The construct's path, for construct problems. */
  readonly constructPath?: string;
}

/** A diagnostic as a record, its message redacted; fields it lacks are left out (JSON.stringify drops them). */
export function diagnosticRecord(d: Diagnostic): ProblemRecord {
  return {
    severity: d.severity ?? 'error',
    file: d.file,
    line: d.position?.line,
    column: d.position?.column,
    document: d.document,
    object: d.object,
    path: d.path ?? '',
    message: redactMessage(d.message),
    rule: d.rule,
    namespace: d.namespace,
    constructPath: d.constructPath,
  };
}

/** A diagnostic as one line of text, `FILE:LINE:COL: key.path: message` (see formatDiagnostic), with no credential in it. */
export const diagnosticLine: (d: Diagnostic) => string = formatFinding;

/** A warning, as commands print it on stderr while they go on. */
export function warningLine(d: Diagnostic): string {
  return `⚠ ${diagnosticLine(d)}\n`;
}

/**
 * Reports a {@link SaplingsError} in `format` and returns its exit status.
 * Config problems and check findings honour `--format`; output and usage
 * errors are one sentence on stderr whatever the format, and a usage error
 * points to `--help`.
 */
export function reportError(err: SaplingsError, format: ProblemFormat, io: CliIO, mark: string): number {
  const listed = err.kind === 'input' || err.kind === 'checks';
  if (listed && format !== 'text') {
    const problems = err.diagnostics.map(diagnosticRecord);
    io.stdout(format === 'json' ? `${JSON.stringify({ problems }, null, 2)}\n` : problems.map(githubAnnotation).join(''));
    return err.exitCode;
  }
  for (const d of err.diagnostics) io.stderr(`${mark} ${listed ? diagnosticLine(d) : d.message}\n`);
  const n = err.diagnostics.length;
  if (err.kind === 'input') io.stderr(`${n} problem${n === 1 ? '' : 's'}; nothing was written.\n`);
  if (err.kind === 'checks') io.stderr(`${n} error${n === 1 ? '' : 's'} in the generated objects; nothing was written.\n`);
  if (err.kind === 'usage') io.stderr('Run "saplings-k8s --help" for usage.\n');
  return err.exitCode;
}

/**
 * A GitHub Actions workflow command (`::error file=…,line=…,col=…::message`),
 * which the runner turns into an annotation on the file and line
 * (https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions).
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
