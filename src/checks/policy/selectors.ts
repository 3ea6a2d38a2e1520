import { asList, asObject, isObject } from '../json';

type Labels = Readonly<Record<string, string>>;

/**
 * Whether a `LabelSelector` (`matchLabels` and `matchExpressions`) selects
 * `labels`. An empty selector selects everything, as it does for a
 * NetworkPolicy `podSelector` and a policy/v1 PodDisruptionBudget. A
 * selector that is not an object, or has an expression the API would
 * reject, selects nothing.
 */
export function labelSelectorMatches(selector: unknown, labels: Labels): boolean {
  if (!isObject(selector)) return false;
  const matchLabels = selector.matchLabels;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isObject(matchLabels)) return false;
    for (const [key, value] of Object.entries(matchLabels)) {
      if (labels[key] !== String(value)) return false;
    }
  }
  const expressions = selector.matchExpressions;
  if (expressions !== undefined && expressions !== null && !Array.isArray(expressions)) return false;
  for (const expression of asList(expressions)) {
    if (!expressionMatches(expression, labels)) return false;
  }
  return true;
}

function expressionMatches(expression: unknown, labels: Labels): boolean {
  const e = asObject(expression);
  if (e === undefined || typeof e.key !== 'string') return false;
  const has = Object.prototype.hasOwnProperty.call(labels, e.key);
  const values = asList(e.values).map(String);
  switch (e.operator) {
    case 'In':
      return has && values.includes(labels[e.key]);
    case 'NotIn':
      return !has || !values.includes(labels[e.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** Whether a Service-style selector (a plain map, every entry must match) selects `labels`. */
export function mapSelectorMatches(selector: Readonly<Record<string, unknown>>, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === String(value));
}
