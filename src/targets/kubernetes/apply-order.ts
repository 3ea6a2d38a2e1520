import { KubeObject } from './render';

/**
 * The order `kubectl apply` needs to succeed in one pass: a namespace before
 * what lives in it, identities and configuration before the pods that mount
 * them, workloads before what targets them, and policies, monitors and
 * alerting rules last.
 * Also the Argo CD sync wave of each kind when `gitops.syncWaves` is on.
 */
export const APPLY_ORDER: readonly (readonly string[])[] = [
  ['Namespace'],
  ['ServiceAccount'],
  ['ConfigMap', 'Secret', 'ExternalSecret'],
  ['PersistentVolumeClaim'],
  ['Service'],
  ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
  // Envoy Gateway's policies before the routes they guard, so /metrics is never open meanwhile.
  ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'SecurityPolicy', 'BackendTrafficPolicy'],
  ['Ingress', 'Gateway', 'HTTPRoute'],
  ['NetworkPolicy'],
  // The monitors and alerts last: they watch what is already running.
  ['ServiceMonitor', 'PrometheusRule'],
];

const RANK = new Map(APPLY_ORDER.flatMap((kinds, rank) => kinds.map((kind) => [kind, rank + 1] as const)));

/** The 1-based apply rank of a kind; kinds not in {@link APPLY_ORDER} go last. */
export function applyRank(kind: string): number {
  return RANK.get(kind) ?? APPLY_ORDER.length + 1;
}

/** Objects sorted into apply order; objects of one rank keep their relative order. */
export function sortForApply(objects: readonly KubeObject[]): KubeObject[] {
  return objects
    .map((object, index) => ({ object, index, rank: applyRank(object.kind) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.object);
}

/** The Argo CD annotation that makes it apply objects rank by rank. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Objects with an Argo CD sync-wave annotation following the apply order. */
export function withSyncWaves(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((object) => ({
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...(object.metadata.annotations as Record<string, string> | undefined), [SYNC_WAVE_ANNOTATION]: String(applyRank(object.kind)) },
    },
  }));
}
