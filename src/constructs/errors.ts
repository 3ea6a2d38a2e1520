import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fieldRuleViolations } from '../conventions/field-rules';
import { toDotPath } from '../conventions/key-path';

/** One thing wrong with a construct: where it is in the tree, and what is wrong. */
export interface ConstructProblem {
  /** The construct's path, e.g. `saplings/App/Secret`. */
  readonly path: string;
  /** What is wrong, naming the props and values involved and what to do instead. */
  readonly message: string;
}

/**
 * The one error constructs raise for props that conflict, thrown at once by a
 * constructor or gathered from `node.addValidation()` rules by
 * {@link validateConstructs}. Catch it by type and read {@link problems};
 * the message lists each problem as `[path] message`.
 */
export class SaplingsValidationError extends Error {
  /** Every problem found, in construct-tree order. */
  public readonly problems: readonly ConstructProblem[];

  constructor(problems: readonly ConstructProblem[]) {
    super(problems.map((p) => `[${p.path}] ${p.message}`).join('\n'));
    this.name = 'SaplingsValidationError';
    this.problems = problems;
  }

  /** The error for one construct whose props conflict. */
  public static of(scope: IConstruct, message: string): SaplingsValidationError {
    return new SaplingsValidationError([{ path: scope.node.path, message }]);
  }
}

/**
 * Runs every `node.addValidation()` rule under `scope` (cdk8s-plus' own
 * included) and the Kubernetes API server's field rules on every ApiObject
 * under it, and throws one {@link SaplingsValidationError} listing every
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
    return messages.map((message) => ({ path: c.node.path, message }));
  });
  if (problems.length > 0) throw new SaplingsValidationError(problems);
}

// ApiObjects whose field rules run in their own node.validate().
const WITH_FIELD_RULES = new WeakSet<ApiObject>();

/**
 * Adds the API server's field rules to `apiObject` as a `node.addValidation()`
 * rule, so that `app.synth()` refuses them too, and rules added by later
 * calls (such as `TrafficPolicy.allowTo`) are checked at synth.
 * {@link validateConstructs} then reports them once, as a {@link SaplingsValidationError}.
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
