/** An object's labels as read from a manifest, where a value may be other than a string. */
export type Labels = Readonly<Record<string, unknown>>;

/** How label values are compared. */
export interface LabelComparison {
  /**
   * Whether values are compared as text, so that `version: 1` in a selector
   * selects `version: "1"` on a pod.
   * @default false - values are compared as parsed
   */
  readonly valuesAsText?: boolean;
}

/** Options for {@link labelSelectorMatches}. */
export interface LabelSelectorMatchOptions extends LabelComparison {
  /**
   * What a part the API server would reject does to the match: a
   * `matchLabels` that is not a map, `matchExpressions` that is not a list,
   * an expression without a string `key` or with an unknown operator.
   * - `selects-nothing`: the selector selects nothing, so a broken selector never counts as covering a pod.
   * - `ignored`: the part is left out and the rest decides, for a caller that reports the broken part on its own.
   */
  readonly malformed: 'selects-nothing' | 'ignored';
}

/**
 * Whether a `LabelSelector` (`matchLabels` and `matchExpressions`) selects an
 * object with `labels`, as the API server decides it. An empty selector
 * selects everything (as a NetworkPolicy `podSelector` or a policy/v1
 * PodDisruptionBudget reads it); a selector that is not an object selects
 * nothing.
 */
export function labelSelectorMatches(selector: unknown, labels: Labels, options: LabelSelectorMatchOptions): boolean {
  if (!isMap(selector)) return false;
  const brokenSelectsNothing = options.malformed === 'selects-nothing';
  const { matchLabels, matchExpressions } = selector;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isMap(matchLabels)) {
      if (brokenSelectsNothing) return false;
    } else if (!mapSelectorMatches(matchLabels, labels, options)) {
      return false;
    }
  }
  if (matchExpressions === undefined || matchExpressions === null) return true;
  if (!Array.isArray(matchExpressions)) return !brokenSelectsNothing;
  for (const expression of matchExpressions) {
    const matches = expressionMatches(expression, labels, options);
    if (matches === false || (matches === undefined && brokenSelectsNothing)) return false;
  }
  return true;
}

/**
 * Whether a plain map selector (a Service's `spec.selector`, a
 * ReplicationController's, or a `matchLabels`) selects an object with
 * `labels`: every entry must be among them.
 */
export function mapSelectorMatches(selector: Labels, labels: Labels, options: LabelComparison = {}): boolean {
  return Object.entries(selector).every(([key, value]) => {
    const label = labelOf(labels, key);
    return options.valuesAsText ? label !== undefined && String(label) === String(value) : label === value;
  });
}

// Whether one of matchExpressions selects `labels`, or undefined when the API server would reject it.
function expressionMatches(expression: unknown, labels: Labels, options: LabelComparison): boolean | undefined {
  if (!isMap(expression) || typeof expression.key !== 'string') return undefined;
  const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
  const label = labelOf(labels, expression.key);
  const listed = Array.isArray(expression.values) ? (expression.values as unknown[]) : [];
  const inValues = has && (options.valuesAsText ? listed.map(String).includes(String(label)) : listed.includes(label));
  switch (expression.operator) {
    case 'In':
      return inValues;
    case 'NotIn':
      return !inValues;
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return undefined;
  }
}

// Own labels only: a label named `constructor` is not Object.prototype's.
function labelOf(labels: Labels, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
