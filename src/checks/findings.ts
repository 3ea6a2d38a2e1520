import { oneLine } from '../conventions/one-line';
import { redactMessage } from './redaction';

/** How bad a finding is. `error` fails `validate`, and `synth` in staging and production. */
export type Severity = 'error' | 'warning' | 'info';

/** One thing a check found in a Kubernetes object. */
export interface Finding {
  /** How bad it is. */
  readonly severity: Severity;
  /** Short stable id of the rule, e.g. `unknown-field` or `pss-run-as-non-root`. */
  readonly rule: string;
  /** The file the object came from, when it came from a file. */
  readonly file?: string;
  /** `Kind/name` of the object (`Deployment/saplings-app`). */
  readonly object: string;
  /** Dotted field path inside the object (`spec.template.spec.containers[0].image`), or '' for the whole object. */
  readonly path: string;
  /** What is wrong and what is expected instead. */
  readonly message: string;
}

/** Renders a finding as one line: `file: Kind/name: field.path: message`, with no credential in it (see ./redaction). */
export function formatFinding(f: Finding): string {
  return [f.file === undefined ? undefined : oneLine(f.file), f.object, f.path, `${f.severity}: ${redactMessage(f.message)} [${f.rule}]`]
    .filter((p) => p)
    .join(': ');
}

/** Objects that fail the checks run before anything is written. Exit status 1. */
export class FindingsError extends Error {
  constructor(public readonly findings: readonly Finding[]) {
    super(findings.map(formatFinding).join('\n'));
    this.name = 'FindingsError';
  }
}
