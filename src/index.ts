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
export { PRIVATE_IPV4_RANGES } from './conventions/cidr';
export * from './conventions/backing-services';
export { isPinnedImage, parseImageReference, ImageReference } from './conventions/image';
export * from './conventions/defaults';
export * from './conventions/presets';
export * from './conventions/metrics';
export * from './conventions/prometheus-duration';

export { runChecks, CheckContext } from './checks';
export { validateObjects, ValidateObjectsOptions } from './checks/k8s-validate';
export { checkPolicy, findCredentials, PolicyOptions } from './checks/policy';
export { findLeaks } from './checks/leak-guard';
export { Finding, FindingsError, Severity, formatFinding } from './checks/findings';
export { emitYaml, emitYamlStream, YamlValue } from './targets/yaml';
export { mermaidDiagram } from './targets/kubernetes/diagram';
