import {
  dnsLabelError,
  dnsSubdomainError,
  labelValueError,
  pathSegmentNameError,
  qualifiedNameError,
} from './names';
import { PathSegment, isObject, quote } from '../json';
import { Reporter } from './report';

// Total size of an object's annotations (keys plus values), per ValidateAnnotationsSize.
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

// Names of these kinds are DNS-1123 labels rather than subdomains.
const LABEL_NAMED_KINDS = new Set(['Namespace', 'Service']);
// RBAC names are path segments, so `system:controller:foo` is fine.
const PATH_SEGMENT_NAMED_GROUP = 'rbac.authorization.k8s.io';
// The Job controller copies the name into the pods' `job-name` label; the
// CronJob controller appends an 11-character suffix to it.
const MAX_NAME_LENGTH: Readonly<Record<string, number>> = { Job: 63, CronJob: 52 };

/** Checks `metadata.name` and `metadata.namespace` of a top-level object, by the rules of its kind. */
export function checkObjectName(group: string, kind: string, meta: Record<string, unknown>, r: Reporter): void {
  const { name, namespace } = meta;
  if (typeof name === 'string') {
    let problem: string | undefined;
    if (group === PATH_SEGMENT_NAMED_GROUP) problem = pathSegmentNameError(name);
    else if (LABEL_NAMED_KINDS.has(kind) && group === '') problem = dnsLabelError(name);
    else problem = dnsSubdomainError(name);
    const max = group === 'batch' ? MAX_NAME_LENGTH[kind] : undefined;
    if (!problem && max !== undefined && name.length > max) {
      problem = `${quote(name)} is ${name.length} characters long; a ${kind} name may have at most ${max}`;
    }
    if (problem) r.error('invalid-name', ['metadata', 'name'], `invalid ${kind} name: ${problem}`);
  }
  if (typeof namespace === 'string') {
    const problem = dnsLabelError(namespace);
    if (problem) r.error('invalid-name', ['metadata', 'namespace'], `invalid namespace: ${problem}`);
  }
}

/** Checks the labels and annotations of any ObjectMeta, top-level or in a template. */
export function checkObjectMeta(meta: Record<string, unknown>, path: PathSegment[], r: Reporter): void {
  if (isObject(meta.labels)) checkLabels(meta.labels, [...path, 'labels'], r);
  if (isObject(meta.annotations)) checkAnnotations(meta.annotations, [...path, 'annotations'], r);
}

/** Checks a map of labels (also used for selectors, which have the same rules). */
export function checkLabels(labels: Record<string, unknown>, path: PathSegment[], r: Reporter): void {
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = qualifiedNameError(key);
    if (keyProblem) r.error('invalid-label', [...path, key], `invalid label ${keyProblem}`);
    // Non-strings were reported as invalid-type by the structure check.
    const valueProblem = typeof value === 'string' ? labelValueError(value) : undefined;
    if (valueProblem) r.error('invalid-label', [...path, key], `invalid label ${valueProblem}`);
  }
}

function checkAnnotations(annotations: Record<string, unknown>, path: PathSegment[], r: Reporter): void {
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    // The API server lower-cases annotation keys before checking them.
    const problem = qualifiedNameError(key.toLowerCase());
    if (problem) r.error('invalid-name', [...path, key], `invalid annotation ${problem}`);
    size += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (size > ANNOTATIONS_MAX_BYTES) {
    r.error(
      'invalid-value',
      path,
      `annotations total ${size} bytes; keys and values together may have at most ${ANNOTATIONS_MAX_BYTES} (256 KiB)`,
    );
  }
}

/** Checks a LabelSelector: label rules for matchLabels and matchExpressions, and valid operators. */
export function checkLabelSelector(selector: Record<string, unknown>, path: PathSegment[], r: Reporter): void {
  if (isObject(selector.matchLabels)) checkLabels(selector.matchLabels, [...path, 'matchLabels'], r);
  if (!Array.isArray(selector.matchExpressions)) return;
  selector.matchExpressions.forEach((expr: unknown, i) => {
    if (!isObject(expr)) return;
    const at = [...path, 'matchExpressions', i];
    const { key, operator, values } = expr;
    if (typeof key === 'string') {
      const problem = qualifiedNameError(key);
      if (problem) r.error('invalid-label', [...at, 'key'], `invalid label ${problem}`);
    }
    if (typeof operator !== 'string') return;
    if (!SELECTOR_OPERATORS.includes(operator)) {
      r.error(
        'invalid-value',
        [...at, 'operator'],
        `must be one of ${SELECTOR_OPERATORS.map((o) => `"${o}"`).join(', ')}, got ${quote(operator)}`,
      );
      return;
    }
    const count = Array.isArray(values) ? values.length : 0;
    if ((operator === 'In' || operator === 'NotIn') && count === 0) {
      r.error('required-field', [...at, 'values'], `operator ${operator} needs at least one value`);
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && count > 0) {
      r.error('invalid-value', [...at, 'values'], `must be empty when operator is ${operator}`);
    }
    if (Array.isArray(values)) {
      values.forEach((v: unknown, j) => {
        const problem = typeof v === 'string' ? labelValueError(v) : undefined;
        if (problem) r.error('invalid-label', [...at, 'values', j], `invalid label ${problem}`);
      });
    }
  });
}
