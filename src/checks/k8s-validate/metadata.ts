import { dnsLabelError, dnsSubdomainError, pathSegmentNameError } from './names';
import { FieldViolation, labelKeyError, labelMapViolations, labelValueError, objectMetaViolations } from '../../conventions/field-rules';
import { PathSegment, isObject, quote } from '../json';
import { Reporter } from './report';

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

/** Checks the labels and annotations of any ObjectMeta, top-level or in a template, by the API server's field rules. */
export function checkObjectMeta(meta: Record<string, unknown>, path: PathSegment[], r: Reporter): void {
  reportViolations(objectMetaViolations(meta, path), r);
}

/** Checks a map of labels (also used for selectors, which have the same rules). */
export function checkLabels(labels: Record<string, unknown>, path: PathSegment[], r: Reporter): void {
  reportViolations(labelMapViolations(labels, path), r);
}

/** Reports what the field rules of conventions/field-rules.ts found, under their own rule ids. */
export function reportViolations(violations: readonly FieldViolation[], r: Reporter): void {
  for (const v of violations) r.error(v.rule, v.path, v.message);
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
      const problem = labelKeyError(key);
      if (problem) r.error('field-label', [...at, 'key'], problem);
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
        if (problem) r.error('field-label', [...at, 'values', j], problem);
      });
    }
  });
}
