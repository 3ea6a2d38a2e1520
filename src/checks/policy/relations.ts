import { Json, asNumber, asObject, asString, isObject, quote } from '../json';
import { PolicyReporter, PodTemplate, Resource } from './objects';
import { LabelSelectorMatchOptions, labelSelectorMatches, mapSelectorMatches } from '../../conventions/label-selector';

/*
 * Checks that relate objects to each other: a Service to the pods it selects,
 * an HPA to its target, a workload to the PodDisruptionBudget, NetworkPolicy
 * and ServiceAccount that should go with it. Objects relate only within a
 * namespace; an object without one is in `default`.
 */

// Pod labels are read as strings (see labelsOf), so selector values are too; and a selector
// the API server would reject covers no pod, since it would never be applied.
const SELECTORS: LabelSelectorMatchOptions = { malformed: 'selects-nothing', valuesAsText: true };

// Kinds whose replica count is spec.replicas (default 1), for counting the pods a PDB covers.
const REPLICATED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);
// Kinds that should have a PodDisruptionBudget once they run more than one pod.
const PDB_KINDS = new Set(['Deployment', 'StatefulSet']);

/** The input, indexed for the cross-object checks. */
export class Inventory {
  private readonly byNamespace = new Map<string, Resource[]>();
  private readonly templatesByNamespace = new Map<string, PodTemplate[]>();

  /**
   * @param resources every object of the input
   * @param templates the pod templates of those objects
   */
  public constructor(
    public readonly resources: readonly Resource[],
    public readonly templates: readonly PodTemplate[],
  ) {
    for (const r of resources) push(this.byNamespace, r.namespace, r);
    for (const t of templates) push(this.templatesByNamespace, t.owner.namespace, t);
  }

  /** The objects of `kind` in `namespace`, in input order. */
  public ofKind(kind: string, namespace: string): Resource[] {
    return (this.byNamespace.get(namespace) ?? []).filter((r) => r.kind === kind);
  }

  /** The pod templates in `namespace`. */
  public templatesIn(namespace: string): readonly PodTemplate[] {
    return this.templatesByNamespace.get(namespace) ?? [];
  }

  /** The HorizontalPodAutoscalers whose scaleTargetRef names `target`. */
  public autoscalersOf(target: Resource): Resource[] {
    return this.ofKind('HorizontalPodAutoscaler', target.namespace).filter((hpa) => {
      const ref = asObject(asObject(hpa.object.spec)?.scaleTargetRef);
      return ref !== undefined && ref.kind === target.kind && ref.name === target.name;
    });
  }

  /** How many pods `template` runs at the least, or `undefined` when that depends on the nodes or the schedule. */
  public minimumPods(template: PodTemplate): number | undefined {
    const owner = template.owner;
    if (owner.kind === 'Pod') return 1;
    if (!REPLICATED_KINDS.has(owner.kind)) return undefined;
    const autoscalers = this.autoscalersOf(owner);
    if (autoscalers.length > 0) return Math.max(...autoscalers.map(minReplicasOf));
    return asNumber(asObject(owner.object.spec)?.replicas) ?? 1;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function minReplicasOf(hpa: Resource): number {
  return asNumber(asObject(hpa.object.spec)?.minReplicas) ?? 1;
}

/**
 * Reports a pod that runs as the namespace's `default` ServiceAccount, and a
 * pod that gets an API token mounted without having asked for it. The token
 * is not mounted when the pod sets `automountServiceAccountToken: false`, or
 * leaves it unset and its ServiceAccount (when among the objects) sets false.
 * A dedicated ServiceAccount that needs the token says so with an explicit
 * `true` on the pod or on the ServiceAccount, and is not reported.
 */
export function checkServiceAccountToken(template: PodTemplate, inventory: Inventory, sink: PolicyReporter): void {
  const spec = template.spec;
  // serviceAccount is the deprecated alias the API still accepts.
  const accountName = asString(spec.serviceAccountName) ?? asString(spec.serviceAccount) ?? 'default';
  const dedicated = accountName !== 'default';
  if (!dedicated) {
    sink.report(
      template.owner,
      'warning',
      'practice-sa-token',
      [...template.specPath, 'serviceAccountName'],
      `the pod runs as the namespace's default ServiceAccount, which every other unconfigured pod shares; create a ServiceAccount for this workload and set serviceAccountName`,
    );
  }
  const account = inventory.ofKind('ServiceAccount', template.owner.namespace).find((sa) => sa.name === accountName);
  const podValue = spec.automountServiceAccountToken;
  const accountValue = account?.object.automountServiceAccountToken;
  const effective = typeof podValue === 'boolean' ? podValue : typeof accountValue === 'boolean' ? accountValue : undefined;
  if (effective === false || (effective === true && dedicated)) return;
  const source =
    effective === true
      ? 'automountServiceAccountToken: true'
      : account === undefined
        ? 'neither the pod nor a ServiceAccount among these objects sets automountServiceAccountToken: false'
        : `neither the pod nor ServiceAccount ${quote(accountName)} sets automountServiceAccountToken: false`;
  sink.report(
    template.owner,
    'warning',
    'practice-sa-token',
    [...template.specPath, 'automountServiceAccountToken'],
    `the pod gets a Kubernetes API token mounted (${source}), which an attacker in the container can use; set automountServiceAccountToken: false unless a dedicated ServiceAccount needs it`,
  );
}

/** Reports the cross-object practices: PDBs, NetworkPolicies, Service selectors and HPA targets. */
export function checkRelations(inventory: Inventory, sink: PolicyReporter): void {
  for (const template of inventory.templates) {
    checkDisruptionBudget(template, inventory, sink);
    checkNetworkPolicy(template, inventory, sink);
  }
  for (const r of inventory.resources) {
    if (r.kind === 'PodDisruptionBudget') checkZeroDisruptions(r, inventory, sink);
    if (r.kind === 'Service') checkServiceSelector(r, inventory, sink);
    if (r.kind === 'HorizontalPodAutoscaler') checkAutoscalerTarget(r, inventory, sink);
  }
}

function checkDisruptionBudget(template: PodTemplate, inventory: Inventory, sink: PolicyReporter): void {
  const owner = template.owner;
  if (!PDB_KINDS.has(owner.kind)) return;
  const replicas = asNumber(asObject(owner.object.spec)?.replicas) ?? 1;
  const scaledBy = inventory.autoscalersOf(owner).find((hpa) => minReplicasOf(hpa) > 1);
  if (replicas <= 1 && scaledBy === undefined) return;
  const covered = inventory
    .ofKind('PodDisruptionBudget', owner.namespace)
    .some((pdb) => labelSelectorMatches(asObject(pdb.object.spec)?.selector, template.labels, SELECTORS));
  if (covered) return;
  const runs =
    scaledBy !== undefined
      ? `is scaled by ${scaledBy.id} to at least ${minReplicasOf(scaledBy)} replicas`
      : `runs ${replicas} replicas`;
  sink.report(
    owner,
    'warning',
    'practice-pdb',
    [],
    `${owner.id} ${runs} but no PodDisruptionBudget in namespace ${quote(owner.namespace)} selects its pods, so a node drain may evict them all at once; add a PodDisruptionBudget whose spec.selector matches spec.template.metadata.labels, with maxUnavailable: 1`,
  );
}

function checkZeroDisruptions(pdb: Resource, inventory: Inventory, sink: PolicyReporter): void {
  const spec = asObject(pdb.object.spec);
  if (spec === undefined) return;
  const maxUnavailable = spec.maxUnavailable;
  if (maxUnavailable === 0 || (typeof maxUnavailable === 'string' && percent(maxUnavailable) === 0)) {
    sink.report(
      pdb,
      'warning',
      'practice-pdb',
      ['spec', 'maxUnavailable'],
      `maxUnavailable: ${String(maxUnavailable)} allows no voluntary disruption, so node drains and cluster upgrades hang on these pods; set maxUnavailable: 1`,
    );
    return;
  }
  const minAvailable = spec.minAvailable;
  if (typeof minAvailable === 'string') {
    if (percent(minAvailable) === 100) {
      sink.report(
        pdb,
        'warning',
        'practice-pdb',
        ['spec', 'minAvailable'],
        `minAvailable: ${minAvailable} allows no voluntary disruption, so node drains and cluster upgrades hang on these pods; set maxUnavailable: 1 instead`,
      );
    }
    return;
  }
  if (typeof minAvailable !== 'number') return;
  const selected = inventory
    .templatesIn(pdb.namespace)
    .filter((t) => labelSelectorMatches(spec.selector, t.labels, SELECTORS));
  const counts = selected.map((t) => inventory.minimumPods(t));
  // Unknown pod counts (a DaemonSet, a Job) or nothing selected: whether the budget blocks cannot be told here.
  if (selected.length === 0 || counts.some((n) => n === undefined)) return;
  const pods = counts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  if (minAvailable < pods) return;
  const owners = selected.map((t) => t.owner.id).join(', ');
  sink.report(
    pdb,
    'warning',
    'practice-pdb',
    ['spec', 'minAvailable'],
    `minAvailable: ${minAvailable} is not below the ${pods} pod${pods === 1 ? '' : 's'} it selects (${owners}), so no voluntary disruption is allowed and node drains hang on these pods; set maxUnavailable: 1 instead, or a minAvailable below ${pods}`,
  );
}

function percent(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  return m === null ? undefined : Number(m[1]);
}

function checkNetworkPolicy(template: PodTemplate, inventory: Inventory, sink: PolicyReporter): void {
  const owner = template.owner;
  const covered = inventory.ofKind('NetworkPolicy', owner.namespace).some((policy) => {
    // podSelector is a required struct in the API: left out, it reads as {}, which selects every pod.
    const podSelector = asObject(policy.object.spec)?.podSelector;
    return labelSelectorMatches(podSelector === undefined || podSelector === null ? {} : podSelector, template.labels, SELECTORS);
  });
  if (covered) return;
  sink.report(
    owner,
    'warning',
    'practice-network-policy',
    [],
    `no NetworkPolicy in namespace ${quote(owner.namespace)} selects the pods of ${owner.id}, so they accept traffic from anywhere in the cluster; add a NetworkPolicy whose podSelector matches its pod labels (a default-deny policy with podSelector: {} covers the whole namespace)`,
  );
}

function checkServiceSelector(service: Resource, inventory: Inventory, sink: PolicyReporter): void {
  const spec = asObject(service.object.spec);
  const selector = asObject(spec?.selector);
  // No selector means the endpoints are managed by hand (or an ExternalName); nothing to match.
  if (spec === undefined || selector === undefined || Object.keys(selector).length === 0 || spec.type === 'ExternalName') return;
  if (inventory.templatesIn(service.namespace).some((t) => mapSelectorMatches(selector, t.labels, SELECTORS))) return;
  const wanted = Object.entries(selector).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  sink.report(
    service,
    'error',
    'practice-service-selector',
    ['spec', 'selector'],
    `spec.selector (${wanted}) matches no pod template in namespace ${quote(service.namespace)}, so the Service has no endpoints; make spec.selector equal to the target workload's spec.template.metadata.labels`,
  );
}

function checkAutoscalerTarget(hpa: Resource, inventory: Inventory, sink: PolicyReporter): void {
  const ref = asObject(asObject(hpa.object.spec)?.scaleTargetRef);
  if (ref === undefined) return;
  const kind = asString(ref.kind);
  const name = asString(ref.name);
  if (kind === undefined || name === undefined) return;
  const target = inventory.ofKind(kind, hpa.namespace).find((r) => r.name === name);
  if (target === undefined) {
    sink.report(
      hpa,
      'error',
      'practice-hpa-target',
      ['spec', 'scaleTargetRef'],
      `scaleTargetRef names ${kind}/${name}, which is not among the objects in namespace ${quote(hpa.namespace)}, so the autoscaler scales nothing; point scaleTargetRef at the workload's kind and metadata.name`,
    );
    return;
  }
  const targetSpec: Json | undefined = asObject(target.object.spec);
  if (isObject(targetSpec) && targetSpec.replicas !== undefined && targetSpec.replicas !== null) {
    sink.report(
      target,
      'warning',
      'practice-hpa-target',
      ['spec', 'replicas'],
      `spec.replicas is set although ${hpa.id} scales ${target.id}, so every apply resets the replica count the autoscaler chose; remove spec.replicas and let the HPA's minReplicas set the floor`,
    );
  }
}
