import { quote } from '../json';

/*
 * The formats of object names (k8s.io/apimachinery/pkg/util/validation, as of
 * 1.28). The formats of fields inside objects, which the constructs check
 * too, are in conventions/field-rules.ts.
 * Each function returns what is wrong with a value, or undefined when it is valid.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;

/** A DNS-1123 label: names of Services and Namespaces. */
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
