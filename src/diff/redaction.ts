import { isSecretFieldPath, mayShow } from '../checks/redaction';
import { findCredentials } from '../checks/policy/credentials';

/*
 * The one decision `diff` makes about what it may show: the project's one
 * redaction rule (checks/redaction), the same that every message goes
 * through, so a value a message would not quote is not shown here either.
 */

/** Where a value sits in a generated object, for {@link isHiddenValue}. */
export interface ValueSite {
  /** The object's `kind`, when it is a Kubernetes-shaped object. @default - not a Kubernetes object */
  readonly kind?: string;
  /** Key path from the object's (or document's) root: keys, list indexes, and the names that identify list items. */
  readonly path: readonly (string | number)[];
}

/**
 * Whether a value must not be shown, old or new: one that sits where a
 * secret can be (a Secret's `data` and `stringData`, env values, a key whose
 * name marks it as a secret), or that looks like a credential or a pasted
 * `NAME=value` wherever it sits.
 */
export function isHiddenValue(site: ValueSite, value: unknown): boolean {
  return isSecretFieldPath(site.kind, site.path) || !mayShow(value);
}

/** Whether a line of an unstructured file (nginx.conf) must not be shown: it holds something that looks like a credential. */
export function isHiddenLine(line: string): boolean {
  return findCredentials(line).length > 0;
}

/**
 * Whether a file that is compared line by line (because it no longer parses)
 * holds a Secret's values, whose lines are then all hidden: base64 data has no
 * shape a detector could find.
 */
export function isSecretBearingText(text: string): boolean {
  return /^\s*kind:\s*["']?Secret["']?\s*$/m.test(text) || /"kind"\s*:\s*"Secret"/.test(text);
}
