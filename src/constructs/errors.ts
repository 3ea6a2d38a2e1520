import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fieldRuleViolations } from '../conventions/field-rules';
import { toDotPath } from '../conventions/key-path';
import { Diagnostic, SaplingsError } from '../conventions/diagnostic';

/** One thing wrong with a construct: a {@link Diagnostic} that names the construct's path in the tree. */
export type ConstructProblem = Diagnostic & {
  /** The construct's path, e.g. `saplings/App/Secret`. */
  readonly constructPath: string;
};

/**
 * The {@link SaplingsError} (kind `construct`) constructs raise for props
 * that conflict, thrown at once by a constructor, or gathered from
 * `node.addValidation()` rules by {@link validateConstructs}. Its message
 * lists each problem as `[path] message`.
 */
export function constructError(problems: readonly ConstructProblem[]): SaplingsError {
  return new SaplingsError('construct', problems);
}

/** The {@link constructError} for one construct whose props conflict: `throw propsError(this, 'message')`. */
export function propsError(scope: IConstruct, message: string): SaplingsError {
  return constructError([{ constructPath: scope.node.path, message }]);
}

/**
 * @deprecated Throw {@link propsError}`(scope, message)` or
 * {@link constructError}`(problems)`, and recognise it with
 * `SaplingsError.isSaplingsError(err, 'construct')`. `err instanceof
 * SaplingsValidationError` still holds for every construct
 * {@link SaplingsError}, from any copy of the library.
 */
export class SaplingsValidationError extends SaplingsError {
  /** Whether `x` is a construct {@link SaplingsError}, from any copy of the library. */
  public static [Symbol.hasInstance](x: unknown): x is SaplingsValidationError {
    return SaplingsError.isSaplingsError(x, 'construct');
  }

  /** @deprecated Use {@link propsError}. */
  public static of(scope: IConstruct, message: string): SaplingsError {
    return propsError(scope, message);
  }

  constructor(problems: readonly ConstructProblem[]) {
    super('construct', problems);
  }

  /** @deprecated Read `diagnostics`: the same list. */
  public override get problems(): readonly ConstructProblem[] {
    return this.diagnostics as readonly ConstructProblem[];
  }
}

/**
 * Runs every `node.addValidation()` rule under `scope` (cdk8s-plus' own
 * included) and the Kubernetes API server's field rules on every ApiObject
 * under it, and throws one {@link constructError} listing every
 * problem. cdk8s runs the `addValidation` rules at synth, but wraps them in a
 * plain `Error`; calling this first lets callers catch them by type.
 *
 * The field rules (conventions/field-rules.ts) are those `validateObjects`
 * applies too: hosts, CIDRs, labels, annotations, port, container, volume and
 * env names, ConfigMap and Secret size. Two ApiObjects with the same kind,
 * namespace and name are refused as well, naming both construct paths: the
 * later would overwrite the earlier on apply.
 */
export function validateConstructs(scope: IConstruct): void {
  const firstByIdentity = new Map<string, ApiObject>();
  const ruledByRoot = scope === scope.node.root && DUPLICATE_RULE_ROOTS.has(scope);
  const problems = scope.node.findAll().flatMap((c) => {
    const messages = [...c.node.validate()];
    if (ApiObject.isApiObject(c)) {
      const json: unknown = c.toJson();
      // An object whose construct added fieldRulesValidation was checked by c.node.validate() above.
      if (!WITH_FIELD_RULES.has(c)) messages.push(...fieldRuleMessages(c, json));
      // The root's own rule (addDuplicateNamesValidation) reports duplicates when the whole app is validated.
      const duplicate = ruledByRoot ? undefined : duplicateMessage(c, namespaceOf(json), firstByIdentity);
      if (duplicate) messages.push(duplicate);
    }
    return messages.map((message) => ({ constructPath: c.node.path, message }));
  });
  if (problems.length > 0) throw constructError(problems);
}

/**
 * `chart.toJson()` with the checks of {@link validateConstructs}, rendering
 * each ApiObject as few times as cdk8s does: calling validateConstructs
 * first would render every object once more for its field rules and
 * duplicates, about a fifth of a single stack's run. The field rules and
 * duplicates are looked for in the rendered objects instead, and where cdk8s
 * refuses the chart (a failed `addValidation` rule) or anything is found,
 * validateConstructs runs to throw the same {@link SaplingsValidationError}
 * as before. Not for charts holding other charts (their objects are not in
 * the chart's output): then validateConstructs runs too.
 */
export function synthesizeValidated(chart: Chart): unknown[] {
  let objects: unknown[];
  try {
    objects = chart.toJson() as unknown[];
  } catch (err) {
    validateConstructs(chart);
    throw err;
  }
  const apiObjects = chart.node.findAll().filter((c) => ApiObject.isApiObject(c));
  const identities = new Set(objects.map(identityOf));
  const suspect = apiObjects.length !== objects.length || identities.size !== objects.length || objects.some((o) => fieldRuleViolations(o).length > 0);
  if (suspect) validateConstructs(chart);
  return objects;
}

// Coarser than duplicateMessage's identity (no API group), so that every duplicate it refuses is seen here.
function identityOf(object: unknown): string {
  const o = (typeof object === 'object' && object !== null ? object : {}) as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  return JSON.stringify([o.kind, o.metadata?.namespace ?? '', o.metadata?.name]);
}

// ApiObjects whose field rules run in their own node.validate().
const WITH_FIELD_RULES = new WeakSet<ApiObject>();

/**
 * Adds the API server's field rules to `apiObject` as a `node.addValidation()`
 * rule, so that `app.synth()` refuses them too, and rules added by later
 * calls (such as `TrafficPolicy.allowTo`) are checked at synth.
 * {@link validateConstructs} then reports them once, as a {@link constructError}.
 */
export function addFieldRulesValidation(apiObject: ApiObject): void {
  if (WITH_FIELD_RULES.has(apiObject)) return;
  WITH_FIELD_RULES.add(apiObject);
  apiObject.node.addValidation({ validate: () => fieldRuleMessages(apiObject, apiObject.toJson()) });
}

// `Kind/name: field.path: <the API server's message>`, the way findings of validateObjects read (no path for the whole object).
function fieldRuleMessages(apiObject: ApiObject, json: unknown): string[] {
  return fieldRuleViolations(json).map((v) => [`${apiObject.kind}/${apiObject.name}`, toDotPath(v.path), v.message].filter((part) => part).join(': '));
}

/** Roots that carry the duplicate-names rule, so it is added once per app. */
const DUPLICATE_RULE_ROOTS = new WeakSet<IConstruct>();

/**
 * Adds the duplicate rule of {@link validateConstructs} (the same kind,
 * namespace and name twice) to the app `scope` belongs to, as a
 * `node.addValidation()` rule on its root, so that `app.synth()`,
 * `Testing.synth()` and `cdk8s synth` refuse duplicates too: cdk8s validates
 * the whole app before it synthesizes any chart (App.synth and
 * App._synthChart, https://cdk8s.io/docs/latest/reference/cdk8s/typescript/#synth).
 */
export function addDuplicateNamesValidation(scope: IConstruct): void {
  const root = scope.node.root;
  if (DUPLICATE_RULE_ROOTS.has(root)) return;
  DUPLICATE_RULE_ROOTS.add(root);
  // metadata.namespace, not toJson(): serializing every object here would double what synth costs.
  root.node.addValidation({
    validate: () => {
      const firstByIdentity = new Map<string, ApiObject>();
      return root.node
        .findAll()
        .filter(ApiObject.isApiObject)
        .flatMap((o) => duplicateMessage(o, o.metadata.namespace ?? '', firstByIdentity) ?? []);
    },
  });
}

function namespaceOf(json: unknown): string {
  const metadata = typeof json === 'object' && json !== null ? (json as { metadata?: { namespace?: unknown } }).metadata : undefined;
  return typeof metadata?.namespace === 'string' ? metadata.namespace : '';
}

// Names both construct paths, so the message says which two constructs collide wherever it is reported.
function duplicateMessage(apiObject: ApiObject, namespace: string, firstByIdentity: Map<string, ApiObject>): string | undefined {
  const identity = JSON.stringify([apiObject.apiGroup, apiObject.kind, namespace, apiObject.name]);
  const first = firstByIdentity.get(identity);
  if (!first) {
    firstByIdentity.set(identity, apiObject);
    return undefined;
  }
  const where = namespace ? ` in namespace ${JSON.stringify(namespace)}` : '';
  return (
    `${apiObject.kind} ${JSON.stringify(apiObject.name)}${where} is synthesized by ${first.node.path} and again by ${apiObject.node.path}; ` +
    'the later object would overwrite the earlier on apply: give one of the constructs another name'
  );
}
