/*
 * saplings-k8s: the constructs, as chart authors install them. This entry
 * loads neither zod nor a YAML parser, and its types compile under cdk8s-cli's
 * stock tsconfig. The config file API is `saplings-k8s/config`.
 */
export * from './constructs/saplings-app';
export * from './constructs/redis-store';
export * from './constructs/vector-db';
export * from './constructs/autoscaler';
export * from './constructs/ingress-with-tls';
export * from './constructs/acme-solver-access';
export * from './constructs/gateway-route';
export * from './constructs/gateway-with-tls';
export * from './constructs/saplings-service-monitor';
export * from './constructs/saplings-alerts';
export * from './constructs/grafana-dashboard';
export * from './constructs/rollout';
export { AppSeries, appSeries } from './constructs/app-series';
export { WAIT_FOR_BACKENDS_CONTAINER } from './constructs/wait-for-backends';
export * from './constructs/app-secret';
export * from './constructs/namespace-isolation';
export * from './constructs/traffic-policy';
export * from './constructs/backing-service';
export * from './constructs/resources';
export * from './constructs/security';
export { SidecarOptions } from './constructs/sidecar';
export * from './constructs/errors';
export * from './targets/kubernetes/saplings-stack';
export { ExternalSecret, ExternalSecretProps } from '../imports/external-secrets.io/external-secrets.io';
export { ServiceMonitor, ServiceMonitorProps } from '../imports/monitoring.coreos.com/monitoring.coreos.com';
export { PrometheusRule, PrometheusRuleProps } from '../imports/monitoring.coreos.com/prometheusrules-monitoring.coreos.com';

export { KubeObject } from './conventions/kube-object';
export { NODE_DNS_RESOLVER_CIDRS, PRIVATE_IPV4_RANGES } from './conventions/cidr';
export * from './conventions/backing-services';
export { isPinnedImage, parseImageReference, ImageReference } from './conventions/image';
export * from './conventions/defaults';
export * from './conventions/presets';
export * from './conventions/metrics';
export * from './conventions/prometheus-duration';

export type { CheckContext } from './checks';
export type { ValidateObjectsOptions } from './checks/k8s-validate';
export type { PolicyOptions } from './checks/policy';
export { Finding, FindingsError, Severity, formatFinding } from './checks/findings';
export { emitYaml, emitYamlStream, YamlValue } from './targets/yaml';

// The checks and the diagram load on first call: a chart that only builds constructs needs neither.
/* eslint-disable @typescript-eslint/no-require-imports */
/** See {@link import('./checks').runChecks}. */
export const runChecks: typeof import('./checks').runChecks = (...args) => (require('./checks') as typeof import('./checks')).runChecks(...args);
/** See {@link import('./checks/k8s-validate').validateObjects}. */
export const validateObjects: typeof import('./checks/k8s-validate').validateObjects = (...args) =>
  (require('./checks/k8s-validate') as typeof import('./checks/k8s-validate')).validateObjects(...args);
/** See {@link import('./checks/policy').checkPolicy}. */
export const checkPolicy: typeof import('./checks/policy').checkPolicy = (...args) => (require('./checks/policy') as typeof import('./checks/policy')).checkPolicy(...args);
/** See {@link import('./checks/policy').findCredentials}. */
export const findCredentials: typeof import('./checks/policy').findCredentials = (...args) =>
  (require('./checks/policy') as typeof import('./checks/policy')).findCredentials(...args);
/** See {@link import('./checks/leak-guard').findLeaks}. */
export const findLeaks: typeof import('./checks/leak-guard').findLeaks = (...args) => (require('./checks/leak-guard') as typeof import('./checks/leak-guard')).findLeaks(...args);
/** See {@link import('./targets/kubernetes/diagram').mermaidDiagram}. */
export const mermaidDiagram: typeof import('./targets/kubernetes/diagram').mermaidDiagram = (...args) =>
  (require('./targets/kubernetes/diagram') as typeof import('./targets/kubernetes/diagram')).mermaidDiagram(...args);
/* eslint-enable @typescript-eslint/no-require-imports */
