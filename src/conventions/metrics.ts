/**
 * The metrics alerts and dashboards query: the Saplings app's own (from the
 * guide's `/metrics`), kube-state-metrics' and the kubelet's. Written once, so
 * a rule and a panel cannot spell a metric two ways.
 */
export const APP_METRICS = {
  /** Counter with labels `method`, `endpoint` and `status`. */
  requests: 'saplings_requests_total',
  /** Histogram of request durations; its buckets are `_bucket` with `le`. */
  requestDuration: 'saplings_request_duration_seconds',
  /** Gauge of open connections. */
  activeConnections: 'saplings_active_connections',
  /** Gauge of the agents' memory. */
  agentMemory: 'saplings_agent_memory_bytes',
} as const;

/** kube-state-metrics (v2) series the alerts read. */
export const KUBE_STATE_METRICS = {
  /** Counter per container, with `namespace`, `pod` and `container`. */
  containerRestarts: 'kube_pod_container_status_restarts_total',
  /** Gauge per HPA, with `namespace` and `horizontalpodautoscaler`. */
  hpaCurrentReplicas: 'kube_horizontalpodautoscaler_status_current_replicas',
  /** Gauge per HPA: its `maxReplicas`. */
  hpaMaxReplicas: 'kube_horizontalpodautoscaler_spec_max_replicas',
  /** Gauge per Deployment, with `namespace` and `deployment` (kube-state-metrics 2.2 and later). */
  deploymentReadyReplicas: 'kube_deployment_status_replicas_ready',
} as const;

/** The kubelet's volume statistics, per PersistentVolumeClaim. */
export const KUBELET_METRICS = {
  /** Gauge per claim, with `namespace` and `persistentvolumeclaim`. */
  volumeUsedBytes: 'kubelet_volume_stats_used_bytes',
  /** Gauge per claim: its capacity. */
  volumeCapacityBytes: 'kubelet_volume_stats_capacity_bytes',
} as const;

/**
 * A PromQL string literal: a label value or regex in double quotes, with
 * backslashes and quotes escaped.
 */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/** A PromQL regex matching exactly one of `values`. */
export function promqlAlternatives(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}
