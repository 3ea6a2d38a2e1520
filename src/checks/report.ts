import { Finding, Severity } from './findings';
import { Path, at, compareNatural, toPath } from './json';
import { isSecretFieldPath, redactMessage, redactTail } from './redaction';

/** Properties of a {@link Reporter}. */
export interface ReporterProps {
  /**
   * The file the objects came from, copied onto every finding.
   * @default - findings carry no file
   */
  readonly file?: string;
  /**
   * Whether a rule is recorded once per place of an object, so that a field
   * two controls both reach is reported once (the policy wants this).
   * @default false - every report is recorded
   */
  readonly oncePerPlace?: boolean;
}

/** The object a finding is about. */
export interface FindingSubject {
  /** `Kind/name`, as findings name the object. */
  readonly id: string;
  /**
   * Its namespace, so that same-named objects in two namespaces are told apart when recording once.
   * @default - none
   */
  readonly namespace?: string;
  /**
   * The object itself, so a message about a value where a secret can be
   * (Secret data, env values) describes the value instead of quoting it.
   * @default - such a message's `got …` part says only that the value is not shown
   */
  readonly object?: unknown;
}

/**
 * Collects the findings of one check over a set of objects: the one place
 * where a finding is built, so every check renders paths, files and order
 * alike.
 *
 * @typeParam R the rule ids the check reports
 */
export class Reporter<R extends string = string> {
  private readonly found: Finding[] = [];
  private readonly seen = new Set<string>();

  /** @param props the file to copy onto findings, and whether to record a rule once per place */
  public constructor(private readonly props: ReporterProps = {}) {}

  /** The findings so far, in the order they were reported. */
  public get findings(): readonly Finding[] {
    return this.found;
  }

  /** Records a finding on `subject` at `path`. */
  public report(subject: FindingSubject, severity: Severity, rule: R, path: Path, message: string): void {
    const dotted = toPath(path);
    if (this.props.oncePerPlace) {
      const key = JSON.stringify([subject.namespace, subject.id, dotted, rule]);
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    const kind = subject.id.includes('/') ? subject.id.slice(0, subject.id.indexOf('/')) : undefined;
    const shown = isSecretFieldPath(kind, path) ? redactTail(message, subject.object === undefined ? undefined : at(subject.object, path)) : message;
    const finding: Finding = { severity, rule, object: subject.id, path: dotted, message: redactMessage(shown) };
    const { file } = this.props;
    this.found.push(file === undefined ? finding : { ...finding, file });
  }

  /** The findings sorted by object, then path, then rule, then message. */
  public sorted(): Finding[] {
    return [...this.found].sort(
      (a, b) =>
        compareNatural(a.object, b.object) ||
        compareNatural(a.path, b.path) ||
        compareNatural(a.rule, b.rule) ||
        compareNatural(a.message, b.message),
    );
  }

  /** A reporter for one object, for checks that walk a single object. */
  public forObject(subject: FindingSubject): ObjectReporter<R> {
    return new ObjectReporter(this, subject);
  }
}

/**
 * Reports on one object through a {@link Reporter}, and remembers where it
 * reported errors, so that a later check can stay quiet about a field an
 * earlier one already refused.
 */
export class ObjectReporter<R extends string = string> {
  private readonly errorPaths = new Set<string>();

  /**
   * @param reporter where the findings go
   * @param subject the object they are about
   */
  public constructor(
    private readonly reporter: Reporter<R>,
    private readonly subject: FindingSubject,
  ) {}

  /** Reports a violation at `path`. */
  public error(rule: R, path: Path, message: string): void {
    this.errorPaths.add(toPath(path));
    this.reporter.report(this.subject, 'error', rule, path, message);
  }

  /** Reports something that is not a violation, such as an unchecked kind. */
  public info(rule: R, path: Path, message: string): void {
    this.reporter.report(this.subject, 'info', rule, path, message);
  }

  /** Whether an error was already reported at `path` or at a field that contains it. */
  public hasErrorAtOrAbove(path: Path): boolean {
    if (this.errorPaths.size === 0) return false;
    for (let i = 0; i <= path.length; i++) {
      if (this.errorPaths.has(toPath(path.slice(0, i)))) return true;
    }
    return false;
  }
}
