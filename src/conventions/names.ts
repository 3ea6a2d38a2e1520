/**
 * How every object a SaplingsApp stack owns is named, from the stack's `name`.
 *
 * Kept in one table so the schema can check that the longest derived name
 * still fits Kubernetes' 63-character limit, and so a name is spelled once.
 */
export function appObjectNames(name: string) {
  return {
    deployment: `${name}-app`,
    service: `${name}-service`,
    configMap: `${name}-config`,
    secret: `${name}-secrets`,
    dataClaim: `${name}-data-pvc`,
    autoscaler: `${name}-hpa`,
    ingress: `${name}-ingress`,
    metricsIngress: `${name}-metrics-ingress`,
    tlsSecret: `${name}-tls`,
    serviceMonitor: `${name}-monitor`,
    alerts: `${name}-alerts`,
    dashboard: `${name}-dashboard`,
    disruptionBudget: `${name}-pdb`,
    ...trafficPolicyNames(name),
  };
}

/** Names of the NetworkPolicies of a workload named `name`. */
export function trafficPolicyNames(name: string) {
  return {
    ingressPolicy: `${name}-netpol-ingress`,
    egressPolicy: `${name}-netpol-egress`,
  };
}

/** Names of the objects a backing service (Redis, a vector database) owns. */
export function backingServiceNames(name: string) {
  return {
    deployment: name,
    service: `${name}-service`,
    dataClaim: `${name}-data-pvc`,
    initScripts: `${name}-initdb`,
  };
}
