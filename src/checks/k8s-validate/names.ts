import { quote } from '../json';

/*
 * The name formats of k8s.io/apimachinery/pkg/util/validation, as of 1.28.
 * Each function returns what is wrong with a value, or undefined when it is valid.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const HAS_LETTER = /[a-z]/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;

/** A DNS-1123 label: names of Services, Namespaces, containers, volumes. */
export function dnsLabelError(value: string, max = LABEL_MAX): string | undefined {
  if (value.length > max) return `${quote(value)} is ${value.length} characters long; at most ${max} are allowed`;
  if (!DNS1123_LABEL.test(value)) {
    return (
      `${quote(value)} is not a valid DNS-1123 label: use lowercase letters, digits and '-', ` +
      `starting and ending with a letter or digit, at most ${max} characters (e.g. "my-name")`
    );
  }
  return undefined;
}

/** A DNS-1123 subdomain: names of most kinds. */
export function dnsSubdomainError(value: string): string | undefined {
  if (value.length > SUBDOMAIN_MAX) {
    return `${quote(value)} is ${value.length} characters long; at most ${SUBDOMAIN_MAX} are allowed`;
  }
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return (
      `${quote(value)} is not a valid DNS-1123 subdomain: use lowercase letters, digits, '-' and '.', ` +
      `starting and ending with a letter or digit, at most ${SUBDOMAIN_MAX} characters (e.g. "my-name")`
    );
  }
  return undefined;
}

/** A path segment: names of RBAC kinds, which may hold ':' (`system:auth-delegator`). */
export function pathSegmentNameError(value: string): string | undefined {
  if (value === '.' || value === '..') return `${quote(value)} may not be used as a name`;
  if (/[/%]/.test(value)) return `${quote(value)} may not contain '/' or '%'`;
  return undefined;
}

// Label keys repeat across every object of a stack; remember the valid ones.
const VALID_KEYS = new Set<string>();
const VALID_KEYS_MAX = 10_000;

/**
 * A qualified name: label keys and annotation keys. An optional DNS-1123
 * subdomain prefix of at most 253 characters and a '/', then a name of at most
 * 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit.
 */
export function qualifiedNameError(key: string): string | undefined {
  if (VALID_KEYS.has(key)) return undefined;
  const problem = checkQualifiedName(key);
  if (!problem) {
    if (VALID_KEYS.size >= VALID_KEYS_MAX) VALID_KEYS.clear();
    VALID_KEYS.add(key);
  }
  return problem;
}

function checkQualifiedName(key: string): string | undefined {
  const parts = key.split('/');
  let name = key;
  if (parts.length > 2) return `key ${quote(key)} has more than one '/'; use an optional prefix, '/', then a name`;
  if (parts.length === 2) {
    const [prefix, rest] = parts;
    if (prefix.length === 0) return `key ${quote(key)} has an empty prefix before '/'`;
    if (prefix.length > SUBDOMAIN_MAX || !DNS1123_SUBDOMAIN.test(prefix)) {
      return (
        `key ${quote(key)} has an invalid prefix ${quote(prefix)}: the prefix must be a DNS-1123 subdomain ` +
        `(lowercase letters, digits, '-' and '.', at most ${SUBDOMAIN_MAX} characters), like "app.kubernetes.io"`
      );
    }
    name = rest;
  }
  if (name.length === 0) return `key ${quote(key)} has an empty name; the part after any '/' is required`;
  if (name.length > LABEL_MAX) {
    return `key ${quote(key)} has a name of ${name.length} characters; at most ${LABEL_MAX} are allowed after the '/'`;
  }
  if (!QUALIFIED_NAME_PART.test(name)) {
    return (
      `key ${quote(key)} is not a valid qualified name: after an optional "prefix/", use letters, digits, ` +
      `'-', '_' and '.', starting and ending with a letter or digit, at most ${LABEL_MAX} characters (e.g. "app.kubernetes.io/name")`
    );
  }
  return undefined;
}

/** A label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; may be empty. */
export function labelValueError(value: string): string | undefined {
  if (value.length > LABEL_MAX) {
    return `value ${quote(value)} is ${value.length} characters long; label values may have at most ${LABEL_MAX}`;
  }
  if (!LABEL_VALUE.test(value)) {
    return (
      `value ${quote(value)} is not a valid label value: use letters, digits, '-', '_' and '.', ` +
      `starting and ending with a letter or digit, at most ${LABEL_MAX} characters, or ""`
    );
  }
  return undefined;
}

/** An IANA service name: names of container ports, and named target ports. */
export function ianaSvcNameError(value: string): string | undefined {
  const rule = "use at most 15 lowercase letters, digits and '-', with at least one letter, no '--', starting and ending with a letter or digit (e.g. \"http\")";
  if (value.length > 15) return `${quote(value)} is ${value.length} characters long; ${rule}`;
  if (!IANA_SVC_NAME.test(value) || !HAS_LETTER.test(value) || value.includes('--')) {
    return `${quote(value)} is not a valid port name (IANA service name): ${rule}`;
  }
  return undefined;
}

/** An environment variable name, as 1.28 accepts it (the relaxed rule came in 1.30). */
export function envVarNameError(value: string): string | undefined {
  if (!ENV_VAR_NAME.test(value)) {
    return `${quote(value)} is not a valid environment variable name: use letters, digits, '-', '_' and '.', not starting with a digit (e.g. "MY_VAR")`;
  }
  return undefined;
}
