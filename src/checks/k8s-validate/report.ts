import { z } from 'zod';
import { Finding, Severity } from '../findings';

/** The rule ids the validator reports. */
export type Rule =
  | 'unknown-field'
  | 'invalid-type'
  | 'invalid-value'
  | 'required-field'
  | 'invalid-name'
  | 'invalid-label'
  | 'selector-mismatch'
  | 'duplicate-name'
  | 'volume-not-found'
  | 'unknown-kind';

/** A step of a field path: an object key or a list index. */
export type PathSegment = string | number;

/** Collects the findings of one object. */
export class Reporter {
  /** The findings so far, in the order they were found. */
  public readonly findings: Finding[] = [];
  private readonly errorPaths = new Set<string>();

  /**
   * @param object `Kind/name` of the object
   * @param file the file it came from, if any
   */
  public constructor(
    private readonly object: string,
    private readonly file?: string,
  ) {}

  /** Reports an API violation at `path`. */
  public error(rule: Rule, path: readonly PathSegment[], message: string): void {
    const dotted = toPath(path);
    this.errorPaths.add(dotted);
    this.add('error', rule, dotted, message);
  }

  /** Reports something that is not a violation, such as an unchecked kind. */
  public info(rule: Rule, path: readonly PathSegment[], message: string): void {
    this.add('info', rule, toPath(path), message);
  }

  /** Whether an error was already reported at `path` or at a field that contains it. */
  public hasErrorAtOrAbove(path: readonly PathSegment[]): boolean {
    if (this.errorPaths.size === 0) return false;
    for (let i = 0; i <= path.length; i++) {
      if (this.errorPaths.has(toPath(path.slice(0, i)))) return true;
    }
    return false;
  }

  private add(severity: Severity, rule: Rule, path: string, message: string): void {
    const finding: Finding = { severity, rule, object: this.object, path, message };
    this.findings.push(this.file === undefined ? finding : { ...finding, file: this.file });
  }
}

/** Renders a path the way config errors are rendered: `spec.containers[0]`, `labels["app.kubernetes.io/name"]`. */
export function toPath(path: readonly PathSegment[]): string {
  return path.length === 0 ? '' : z.core.toDotPath([...path]);
}

/** Describes a value for a message: `string "three"`, `number 1.5`, `a list`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `string ${quote(value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** Quotes a string for a message, shortening very long ones. */
export function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shown);
}

/** Whether `value` is a JSON object (not null, not a list). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
