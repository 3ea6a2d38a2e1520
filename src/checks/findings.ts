import { Diagnostic, SaplingsError, Severity, formatDiagnostic } from '../conventions/diagnostic';
import { redactMessage } from './redaction';

export type { Severity };

/** One thing a check found in a Kubernetes object (or a file a target wrote): a {@link Diagnostic} with a severity, a rule and an object. */
export type Finding = Diagnostic & {
  /** How bad it is. */
  readonly severity: Severity;
  /** Short stable id of the rule, e.g. `unknown-field` or `pss-run-as-non-root`. */
  readonly rule: string;
  /** `Kind/name` of the object (`Deployment/saplings-app`). */
  readonly object: string;
  /** Dotted field path inside the object (`spec.template.spec.containers[0].image`), or '' for the whole object. */
  readonly path: string;
};

/**
 * Renders any {@link Diagnostic} as one line, with no credential in it (see
 * ./redaction): a finding as `file: Kind/name: field.path: severity: message
 * [rule]`, a config problem as `FILE:LINE:COL: key.path: message`. The one
 * text form of a diagnostic; the CLI, `InputError` and {@link findingsError} use it.
 */
export function formatFinding(f: Diagnostic): string {
  return formatDiagnostic(f, redactMessage);
}

/** The {@link SaplingsError} for objects that fail the checks run before anything is written. Exit status 1. */
export function findingsError(findings: readonly Finding[]): SaplingsError {
  return new SaplingsError('checks', findings, findingsMessage(findings));
}

function findingsMessage(findings: readonly Finding[]): string {
  return findings.map(formatFinding).join('\n');
}

/**
 * @deprecated Throw {@link findingsError}`(findings)` and recognise it with
 * `SaplingsError.isSaplingsError(err, 'checks')`. `err instanceof FindingsError`
 * still holds for every checks {@link SaplingsError}, from any copy of the library.
 */
export class FindingsError extends SaplingsError {
  /** Whether `x` is a checks {@link SaplingsError}, from any copy of the library. */
  public static [Symbol.hasInstance](x: unknown): x is FindingsError {
    return SaplingsError.isSaplingsError(x, 'checks');
  }

  constructor(findings: readonly Finding[]) {
    super('checks', findings, findingsMessage(findings));
  }

  /** @deprecated Read `diagnostics`: the same list. */
  public override get findings(): readonly Finding[] {
    return this.diagnostics as readonly Finding[];
  }
}
