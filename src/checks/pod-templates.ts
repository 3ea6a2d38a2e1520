import { Path } from './json';

/** Where a kind keeps the pod template it stamps pods from. */
export interface PodTemplateLocation {
  /** API group of the kind, `''` for the core API. */
  readonly group: string;
  /** The kind, e.g. `Deployment`. */
  readonly kind: string;
  /** Path of the pod template (its `metadata` and `spec`) inside the object. */
  readonly path: Path;
  /** Whether the kind runs pods at all; a PodTemplate only stores one. */
  readonly runsPods: boolean;
  /** Whether its pods run until replaced (not a Job or CronJob), and so need probes. */
  readonly longRunning: boolean;
}

/** Every built-in kind that holds a pod template, and where. */
export const POD_TEMPLATE_LOCATIONS: readonly PodTemplateLocation[] = [
  { group: 'apps', kind: 'Deployment', path: ['spec', 'template'], runsPods: true, longRunning: true },
  { group: 'apps', kind: 'StatefulSet', path: ['spec', 'template'], runsPods: true, longRunning: true },
  { group: 'apps', kind: 'DaemonSet', path: ['spec', 'template'], runsPods: true, longRunning: true },
  { group: 'apps', kind: 'ReplicaSet', path: ['spec', 'template'], runsPods: true, longRunning: true },
  { group: '', kind: 'ReplicationController', path: ['spec', 'template'], runsPods: true, longRunning: true },
  { group: 'batch', kind: 'Job', path: ['spec', 'template'], runsPods: true, longRunning: false },
  { group: 'batch', kind: 'CronJob', path: ['spec', 'jobTemplate', 'spec', 'template'], runsPods: true, longRunning: false },
  { group: '', kind: 'PodTemplate', path: ['template'], runsPods: false, longRunning: false },
];

const BY_GROUP_KIND = new Map(POD_TEMPLATE_LOCATIONS.map((l) => [`${l.group}/${l.kind}`, l]));
const WORKLOADS_BY_KIND = new Map(POD_TEMPLATE_LOCATIONS.filter((l) => l.runsPods).map((l) => [l.kind, l]));

/**
 * Where an object of exactly this API group and kind keeps its pod template,
 * as the API validator reads it (it knows the group of every object).
 */
export function podTemplateLocation(group: string, kind: string): PodTemplateLocation | undefined {
  return BY_GROUP_KIND.get(`${group}/${kind}`);
}

/**
 * Where a workload of this kind keeps the template of the pods it runs,
 * whatever its apiVersion: the policy reads kinds, never API groups.
 */
export function workloadTemplateLocation(kind: string): PodTemplateLocation | undefined {
  return WORKLOADS_BY_KIND.get(kind);
}
