import { joinAnd } from '../json';
import { isSecretLikeName } from '../../conventions/secret-names';

export { isSecretLikeName };

/*
 * Recognises credentials in text and secret-looking variable names. The CLI's
 * leak guard runs findCredentials on every string of every non-Secret object,
 * so each detector looks for a shape with a distinctive prefix or framing and
 * stays quiet on ordinary configuration (hostnames, URLs without a password,
 * image names, `MAX_TOKENS`).
 */

interface Detector {
  readonly kind: string;
  readonly found: (text: string) => boolean;
}

// A `$(VAR)` reference is expanded by the kubelet from another variable, usually
// one filled from a Secret; `${VAR}` is a template placeholder. Neither is a credential.
const REFERENCES = /^(?:\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/;
const REFERENCE = /\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

// Every pattern starts with a literal prefix and has no nested quantifier, and
// each search resumes after the previous match, so a scan is linear in the text.
function matches(pattern: RegExp, accept: (match: RegExpExecArray) => boolean = () => true): (text: string) => boolean {
  const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
  return (text) => {
    global.lastIndex = 0;
    for (let m = global.exec(text); m !== null; m = global.exec(text)) {
      if (accept(m)) return true;
    }
    return false;
  };
}

const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const AUTHORITY_END = /[\s/?#]/g;

/**
 * scheme://user:password@host, found from each `://` rather than by a regular
 * expression: a scheme pattern tried at every offset of a long base64 blob is
 * quadratic. The user may be empty (`redis://:secret@redis:6379`).
 */
function hasPasswordInUrl(text: string): boolean {
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 3)) {
    if (i === 0 || !SCHEME_CHAR.test(text[i - 1])) continue;
    AUTHORITY_END.lastIndex = i + 3;
    const end = AUTHORITY_END.exec(text)?.index ?? text.length;
    const authority = text.slice(i + 3, end);
    const at = authority.lastIndexOf('@');
    if (at < 0) continue;
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon < 0) continue;
    const password = userinfo.slice(colon + 1);
    if (password !== '' && !REFERENCES.test(password) && !/^\*+$/.test(password)) return true;
  }
  return false;
}

const DETECTORS: readonly Detector[] = [
  {
    kind: 'OpenAI-style API key',
    // sk-…, sk-proj-…, sk-ant-…: a random body has letters and digits; `sk-learn-notebook-image` has no digit.
    found: matches(/(?<![A-Za-z0-9])sk-([A-Za-z0-9_-]{20,})/, (m) => /\d/.test(m[1]) && /[A-Za-z]/.test(m[1])),
  },
  {
    kind: 'AWS access key id',
    found: matches(/(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/),
  },
  {
    kind: 'PEM private key',
    found: matches(/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/),
  },
  {
    kind: 'GitHub token',
    found: matches(/(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/),
  },
  {
    kind: 'Slack token',
    found: matches(/(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}/),
  },
  {
    kind: 'Google API key',
    found: matches(/(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/),
  },
  { kind: 'password in URL', found: hasPasswordInUrl },
];

/**
 * The kinds of credential found in `text`, in a fixed order and each once:
 * `OpenAI-style API key`, `AWS access key id`, `PEM private key`,
 * `GitHub token`, `Slack token`, `Google API key`, `password in URL`.
 * A URL whose password is a `$(VAR)` reference is not a credential.
 */
export function findCredentials(text: string): string[] {
  if (typeof text !== 'string' || !MAYBE_CREDENTIAL.test(text)) return [];
  return DETECTORS.filter((d) => d.found(text)).map((d) => d.kind);
}

// Every detector's literal prefix in one pass: the leak guard calls findCredentials on
// every string of every object, and almost none contains any of them.
const MAYBE_CREDENTIAL = /sk-|AKIA|ASIA|-----BEGIN|gh[pousr]_|github_pat_|xox[abprs]-|AIza|:\/\//;

/**
 * Why a `name: value` pair (an env var, a ConfigMap entry) holds a secret in
 * plain text, as a phrase for a message, or `undefined` when it does not.
 * The name counts only when the value has content of its own: an empty
 * value, `true`/`false`, an absolute file path, or a value that takes its
 * secret from a `$(VAR)` reference is not a leak. The phrase never repeats
 * the value.
 */
export function plaintextSecret(name: string, value: string): string | undefined {
  const kinds = [...new Set([...findCredentials(name), ...findCredentials(value)])];
  const trimmed = value.trim();
  const inert =
    trimmed === '' ||
    /^(?:true|false)$/i.test(trimmed) ||
    REFERENCE.test(trimmed) ||
    // An absolute path points at a mounted secret (GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/key.json).
    /^\/\S*$/.test(trimmed);
  const parts: string[] = [];
  if (!inert && isSecretLikeName(name)) parts.push('its name marks it as a secret and it has a literal value');
  if (kinds.length > 0) parts.push(`it looks like ${joinAnd(kinds.map(withArticle))}`);
  return parts.length === 0 ? undefined : parts.join(', and ');
}

function withArticle(kind: string): string {
  return /^[AEIOU]/i.test(kind) ? `an ${kind}` : `a ${kind}`;
}
