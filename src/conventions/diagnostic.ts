import { oneLine } from './one-line';

/** How bad a diagnostic is. `error` fails `validate`, and `synth` in staging and production. */
export type Severity = 'error' | 'warning' | 'info';

/** A place in a file's text, 1-based. */
export interface TextPosition {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/**
 * One thing wrong, or worth saying, about an input, a construct, a generated
 * object or the output directory: config problems, check findings, construct
 * validation and I/O failures all take this one shape. Each source sets the
 * fields it knows; a config problem has a file and a position, a check finding
 * an object, a construct problem a construct path.
 */
export interface Diagnostic {
  /** How bad it is. @default 'error' */
  readonly severity?: Severity;
  /** Short stable code of the rule that found it, e.g. `unknown-field` or `pss-run-as-non-root`. @default - none: a config problem or an I/O failure */
  readonly rule?: string;
  /** The file it is in, as the user named it. @default - none: it is not about a file */
  readonly file?: string;
  /** 1-based document of a multi-document file. @default - the file's only document, or not known */
  readonly document?: number;
  /** Where in the file's text. @default - not known (a built-in default config, an object made in memory) */
  readonly position?: TextPosition;
  /** `Kind/name` of the generated object it is about (`Deployment/saplings-app`). @default - it is not about a generated object */
  readonly object?: string;
  /** The object's namespace, when the object has one. @default - none or not known */
  readonly namespace?: string;
  /** Dotted key or field path (`autoscaling.maxReplicas`, `spec.replicas`); '' for the whole input. @default '' */
  readonly path?: string;
  /** The construct's path in the cdk8s tree (`saplings/App/Secret`). @default - it is not about a construct */
  readonly constructPath?: string;
  /** What is wrong, what was given and what is allowed instead. */
  readonly message: string;
}

/**
 * Renders a diagnostic as one line: `FILE:LINE:COL: key.path: message`, the
 * form editors, terminals and CI annotators turn into a link. Without a
 * position it names the document (`FILE (document 2): ...`); a diagnostic
 * about a generated object reads `FILE: Kind/name: field.path: severity:
 * message [rule]`, and one about a construct starts its message with
 * `[construct/path]`. `redact` is applied to the message (checks/redaction's
 * `redactMessage`, which this leaf module cannot import).
 */
export function formatDiagnostic(d: Diagnostic, redact: (message: string) => string): string {
  const at = d.position ? `:${d.position.line}:${d.position.column}` : d.document !== undefined ? ` (document ${d.document})` : '';
  const message = (d.constructPath === undefined ? '' : `[${d.constructPath}] `) + redact(d.message);
  const body = d.rule === undefined ? message : `${d.severity ?? 'error'}: ${message} [${d.rule}]`;
  return [d.file === undefined ? undefined : oneLine(d.file + at), d.object, d.path, body].filter((part) => part).join(': ');
}

/**
 * What failed, which decides the exit status: `input` a config or manifest
 * (1), `construct` construct props that conflict (1), `checks` the generated
 * objects (1), `output` writing the output directory (1), `usage` the command
 * line (2).
 */
export type SaplingsErrorKind = 'input' | 'construct' | 'checks' | 'output' | 'usage';

// Symbol.for, not Symbol(): the registry is shared by every copy of this module in a process.
const SAPLINGS_ERROR = Symbol.for('saplings-k8s.SaplingsError');

/**
 * The one error saplings-k8s throws on purpose. It carries every
 * {@link Diagnostic} found and a {@link kind}. Recognise it with
 * {@link SaplingsError.isSaplingsError}, not `instanceof`: the check reads a
 * `Symbol.for` tag, so it holds when two copies of the library are loaded (a
 * nested `node_modules`, a bundled CLI), as aws-cdk's `Errors.isValidationError`
 * does (https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/core/lib/errors.ts).
 */
export class SaplingsError extends Error {
  /** Whether `x` is a {@link SaplingsError}, of `kind` when given, from any copy of saplings-k8s. */
  public static isSaplingsError(x: unknown, kind?: SaplingsErrorKind): x is SaplingsError {
    return x !== null && typeof x === 'object' && SAPLINGS_ERROR in x && (kind === undefined || (x as { kind?: unknown }).kind === kind);
  }

  /** What failed. */
  public readonly kind: SaplingsErrorKind;
  /** Every diagnostic, in the order found; at least one. */
  public readonly diagnostics: readonly Diagnostic[];

  /**
   * @param kind what failed
   * @param diagnostics every diagnostic, or the one message of an error that has no more to say (`output`, `usage`)
   * @param message the error's message @default - each diagnostic on its own line, as {@link formatDiagnostic} writes it, unredacted
   */
  constructor(kind: SaplingsErrorKind, diagnostics: readonly Diagnostic[] | string, message?: string) {
    const all = typeof diagnostics === 'string' ? [{ message: diagnostics }] : diagnostics;
    super(message ?? all.map((d) => formatDiagnostic(d, (text) => text)).join('\n'));
    Object.defineProperty(this, SAPLINGS_ERROR, { value: true });
    this.name = 'SaplingsError';
    this.kind = kind;
    this.diagnostics = all;
  }

  /** The exit status the CLI ends with: 2 for `usage`, 1 otherwise. */
  public get exitCode(): 1 | 2 {
    return this.kind === 'usage' ? 2 : 1;
  }

  /** @deprecated Read {@link diagnostics}: the same list (InputError's and SaplingsValidationError's name for it). */
  public get problems(): readonly Diagnostic[] {
    return this.diagnostics;
  }

  /** @deprecated Read {@link diagnostics}: the same list (FindingsError's name for it). */
  public get findings(): readonly Diagnostic[] {
    return this.diagnostics;
  }
}
