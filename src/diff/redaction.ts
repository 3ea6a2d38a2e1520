import { findCredentials, isSecretLikeName, plaintextSecret } from '../checks/policy/credentials';

/*
 * The one decision `diff` makes about what it may show. It reuses the rules
 * that already keep secrets out of messages and manifests on main: the leak
 * guard's credential detectors and secret-name rule (checks/policy/credentials,
 * which checks/leak-guard runs), and a Secret's values being secret whatever
 * they look like. When the project's single redaction rule lands, point
 * {@link isHiddenValue} at it; nothing else in src/diff decides.
 */

/** Where a value sits in a generated object, for {@link isHiddenValue}. */
export interface ValueSite {
  /** The object's `kind`, when it is a Kubernetes-shaped object. @default - not a Kubernetes object */
  readonly kind?: string;
  /** Key path from the object's (or document's) root: keys, list indexes, and the names that identify list items. */
  readonly path: readonly (string | number)[];
}

/**
 * Whether a value must not be shown, old or new: every value of a Secret's
 * `data` and `stringData`; a value whose key (a mapping key, or the `name` of
 * the list item holding it, as in `env`) marks it as a secret and that has a
 * literal value (see plaintextSecret); and any string that looks like a
 * credential (an API key, a private key, a password in a URL).
 */
export function isHiddenValue(site: ValueSite, value: unknown): boolean {
  if (site.kind === 'Secret' && (site.path[0] === 'data' || site.path[0] === 'stringData')) return true;
  // A number is a literal too: a hand-edited `DB_PASSWORD: 123456` must not show.
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return false;
  if (findCredentials(text).length > 0) return true;
  const names = site.path.filter((key): key is string => typeof key === 'string');
  return names.some((name) => isSecretLikeName(name) && plaintextSecret(name, text) !== undefined);
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
