import { isSecretLikeName } from '../conventions/secret-names';
import { findCredentials } from './policy/credentials';

/*
 * The one rule for what a message may quote. A value is described (its type,
 * its length), never shown, when it sits where a secret can be, or when it
 * looks like a credential wherever it sits. Config problems, check findings,
 * every output format (text, github, json) and every command go through it.
 */

/** The kind of document a check reads that is not a Kubernetes object (see targets' `asCheckedDocument`). */
const COMPOSE_KIND = 'ComposeProject';
const TASK_DEFINITION_KIND = 'TaskDefinition';

// Keys under `secrets` that name things (the store, the Secret), never hold a value.
const SECRETS_SETTINGS = new Set(['keys', 'source', 'name', 'external', 'fromEnv']);

/** A step of a key path: an object key or a list index. */
type Step = PropertyKey;

/**
 * Whether the value at a config key path may be a credential: anything under
 * `secrets` but the key names and store settings, an env value the app
 * receives (`app.config.*`), and the value of any key whose name marks it as
 * a secret (`vectorDb.apiKey`).
 */
export function isSecretConfigPath(path: readonly Step[]): boolean {
  if (path[0] === 'secrets' && path.length > 1 && !SECRETS_SETTINGS.has(String(path[1]))) return true;
  if (path[0] === 'app' && path[1] === 'config' && path.length > 2) return true;
  return path.some((key) => typeof key === 'string' && isSecretLikeName(key));
}

/**
 * Whether a field of a checked document may hold a credential: a Secret's
 * `data` and `stringData`, a container's `env[].value` (Kubernetes, Cloud
 * Run), a Compose service's `environment`, an ECS container's
 * `environment[].value`, and any field whose name marks it as a secret.
 */
export function isSecretFieldPath(kind: string | undefined, path: readonly Step[]): boolean {
  if (kind === 'Secret' && (path[0] === 'data' || path[0] === 'stringData') && path.length > 1) return true;
  for (let i = 0; i < path.length; i++) {
    // The list item is named by its index, or by its `name` (as diff names list items): either way `env.<item>.value`.
    if (path[i] === 'env' && path.length > i + 2 && path[i + 2] === 'value') return true;
    if (kind === TASK_DEFINITION_KIND && path[i] === 'environment' && path.length > i + 2 && path[i + 2] === 'value') return true;
    if (kind === COMPOSE_KIND && path[0] === 'services' && path[i] === 'environment' && i === 2 && path.length > 3) return true;
  }
  return path.some((key) => typeof key === 'string' && isSecretLikeName(key));
}

// A pasted `NAME=value`: the value is whatever follows the `=`.
const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/;

/**
 * Whether a value may be quoted wherever it sits: false when a string in it
 * looks like a credential the leak guard would flag, or like a pasted
 * `NAME=value`.
 */
export function mayShow(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return findCredentials(value).length === 0 && !ASSIGNMENT.test(value);
  if (value === null || typeof value !== 'object' || depth > 8) return true;
  const entries = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value);
  return entries.every(([key, item]) => mayShow(key, depth + 1) && mayShow(item, depth + 1));
}

/** Describes a value that must not be shown: its type and size, never its content. */
export function describeHidden(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} character${value.length === 1 ? '' : 's'} (not shown)`;
  if (Array.isArray(value)) return `a list of ${value.length} (not shown)`;
  if (value !== null && typeof value === 'object') {
    const count = Object.keys(value).length;
    return `a mapping of ${count} key${count === 1 ? '' : 's'} (not shown)`;
  }
  return `a ${value === null ? 'null' : typeof value} (not shown)`;
}

// A JSON-quoted string in a message, as showValue and quote write them.
const QUOTED = /"(?:[^"\\\n]|\\.)*"/g;

/**
 * The last line of defence, applied to every message as it is printed: a
 * quoted string, or a word, that looks like a credential or a pasted
 * `NAME=value` is replaced by its description. Place-based redaction (a
 * number in `stringData`) happens where the value is known; this catches
 * what any message builder forgot.
 */
export function redactMessage(message: string): string {
  const unquoted = message.replace(QUOTED, (quoted) => {
    let text: string;
    try {
      text = JSON.parse(quoted) as string;
    } catch {
      return quoted;
    }
    return mayShow(text) ? quoted : describeHidden(text);
  });
  return unquoted
    .split(/(\s+)/)
    .map((word) => (findCredentials(word).length === 0 ? word : describeHidden(word)))
    .join('');
}

/**
 * A message's `, got …` tail for a value at a secret place: the message as
 * its check wrote it up to `got`, then the value's description.
 */
export function redactTail(message: string, value: unknown): string {
  const cut = message.search(/,? got [\s\S]*$/);
  if (cut < 0) return message;
  const extra = typeof value === 'string' && /base64/.test(message) ? ', which is not base64' : '';
  const described = value === undefined ? 'a value (not shown)' : describeHidden(value);
  return `${message.slice(0, cut)}, got ${described}${extra}`;
}
