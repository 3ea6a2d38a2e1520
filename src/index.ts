/**
 * saplings-k8s: the constructs, as chart authors install them. This entry
 * loads neither zod nor a YAML parser, and its types compile under cdk8s-cli's
 * stock tsconfig. The config file API is `saplings-k8s/config`.
 *
 * Every name is listed: this file is the public API, and
 * test/public-api.test.ts freezes its runtime exports. The conventions' tables
 * and helpers (SEED, VECTOR_DB, PROMETHEUS_DURATION_HELP, restrictedPodContext,
 * …) are internal; import them from their modules inside this package only.
 *
 * @module saplings-k8s
 */

// The constructs, and the props and option types they take.
export { SaplingsStack } from './constructs/saplings-stack';
export type {
  SaplingsStackProps,
  SaplingsStackAppOptions,
  StackAlertsOptions,
  StackCreatedGatewayOptions,
  StackDashboardOptions,
  StackGatewayOptions,
  StackRedisOptions,
  StackSecretOptions,
  StackVectorDbOptions,
} from './constructs/saplings-stack';
export { SaplingsApp } from './constructs/saplings-app';
export type { SaplingsAppProps, AppStorage, AppServiceAccount, InternetEgress } from './constructs/saplings-app';
export type { SidecarOptions } from './constructs/sidecar';
export { WAIT_FOR_BACKENDS_CONTAINER } from './constructs/wait-for-backends';
export { BackingService } from './constructs/backing-service';
export type { BackingServiceProps, BackingServicePort, BackingServiceStorage, ServiceConnection } from './constructs/backing-service';
export { RedisStore } from './constructs/redis-store';
export type { RedisStoreProps } from './constructs/redis-store';
export { VectorDb } from './constructs/vector-db';
export type { VectorDbProps } from './constructs/vector-db';
export type { VectorDbEngine, RunAsUser } from './conventions/backing-services';
export { AppSecret } from './constructs/app-secret';
export type { AppSecretProps, ExternalSecretSource } from './constructs/app-secret';
export type { SecretKeyReference, ResolvedSecretKey } from './constructs/security';
export type { ComputeResources, ComputeResourceOverrides, ClaimOptions } from './constructs/resources';
export { Autoscaler } from './constructs/autoscaler';
export type { AutoscalerProps, ScalingBehavior } from './constructs/autoscaler';
export { IngressWithTls } from './constructs/ingress-with-tls';
export { AcmeSolverAccess } from './constructs/acme-solver-access';
export type { AcmeSolverAccessProps } from './constructs/acme-solver-access';
export type { IngressWithTlsProps } from './constructs/ingress-with-tls';
export { GatewayRoute } from './constructs/gateway-route';
export type { GatewayRouteProps, GatewayImplementation, GatewayReference } from './constructs/gateway-route';
export { GatewayWithTls } from './constructs/gateway-with-tls';
export type { GatewayWithTlsProps } from './constructs/gateway-with-tls';
export { NamespaceIsolation } from './constructs/namespace-isolation';
export type { NamespaceIsolationProps } from './constructs/namespace-isolation';
export { TrafficPolicy } from './constructs/traffic-policy';
export type { TrafficPolicyProps, TrafficPeer, TrafficPort, TrafficRule, NetworkPolicyView } from './constructs/traffic-policy';
export { SaplingsServiceMonitor } from './constructs/saplings-service-monitor';
export type { SaplingsServiceMonitorProps } from './constructs/saplings-service-monitor';
export { SaplingsAlerts, ALERT_GROUP_NAME } from './constructs/saplings-alerts';
export type {
  SaplingsAlertsProps,
  AlertRule,
  DurationAlertOptions,
  ErrorRateAlertOptions,
  LatencyAlertOptions,
  RestartsAlertOptions,
  VolumeAlertOptions,
} from './constructs/saplings-alerts';
export { GrafanaDashboard, GRAFANA_DASHBOARD_LABEL } from './constructs/grafana-dashboard';
export type { GrafanaDashboardProps } from './constructs/grafana-dashboard';
export { appSeries } from './constructs/app-series';
export type { AppSeries } from './constructs/app-series';
export type { Environment, LogLevel } from './conventions/defaults';
export type { AppSettingChoices } from './conventions/presets';

// Rolling pods when what they read changes: the annotations are a contract with GitOps tools and Reloader.
export { rollOnConfigChange, RELOADER_SECRET_ANNOTATION } from './constructs/rollout';
export type { RollOnConfigChangeOptions } from './constructs/rollout';
export { CONFIG_CHECKSUM_ANNOTATION, SECRET_CHECKSUM_ANNOTATION } from './conventions/config-checksum';

// The generated classes of the CRDs the constructs emit, which their public fields expose.
export { ExternalSecret, ExternalSecretProps } from '../imports/external-secrets.io/external-secrets.io';
export { ServiceMonitor, ServiceMonitorProps } from '../imports/monitoring.coreos.com/monitoring.coreos.com';
export { PrometheusRule, PrometheusRuleProps } from '../imports/monitoring.coreos.com/prometheusrules-monitoring.coreos.com';

// Errors, construct validation, and the checks a chart author runs on their own output.
export { SaplingsError } from './conventions/diagnostic';
export type { Diagnostic, SaplingsErrorKind, TextPosition } from './conventions/diagnostic';
export { SaplingsValidationError, validateConstructs } from './constructs/errors';
export type { ConstructProblem } from './constructs/errors';
export type { KubeObject } from './conventions/kube-object';
export type { CheckContext } from './checks';
export type { ValidateObjectsOptions } from './checks/k8s-validate';
export { KUBE_VERSIONS } from './conventions/kube-version';
export type { KubeVersion } from './conventions/kube-version';
export type { PolicyOptions } from './checks/policy';
export { Finding, FindingsError, Severity, formatFinding } from './checks/findings';
export { emitYaml, emitYamlStream, YamlValue } from './targets/yaml';

// The checks and the diagram load on first call: a chart that only builds constructs needs neither.
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Every check `synth` runs before writing, as `validate` runs them: the Kubernetes 1.28 API and
 * CRD validator, the security policy and the credential leak guard. Returns the findings; never throws on bad input.
 */
export const runChecks: typeof import('./checks').runChecks = (...args) => (require('./checks') as typeof import('./checks')).runChecks(...args);
/**
 * Checks parsed manifests strictly against the Kubernetes 1.28 API and the CRDs the constructs emit (unknown
 * fields fail, as with `kubectl apply --validate=strict`), and the API server's own field rules. Every violation is an `error` finding.
 */
export const validateObjects: typeof import('./checks/k8s-validate').validateObjects = (...args) =>
  (require('./checks/k8s-validate') as typeof import('./checks/k8s-validate')).validateObjects(...args);
/**
 * The policy report of `saplings-k8s validate`: Pod Security "restricted" violations (`pss-*`, errors) and
 * kube-score/Polaris-style practices (`practice-*`). Never throws on malformed input.
 */
export const checkPolicy: typeof import('./checks/policy').checkPolicy = (...args) => (require('./checks/policy') as typeof import('./checks/policy')).checkPolicy(...args);
/** What in one string looks like a credential (API keys, access keys, private keys, tokens, a password in a URL), as the leak guard sees it. */
export const findCredentials: typeof import('./checks/policy').findCredentials = (...args) =>
  (require('./checks/policy') as typeof import('./checks/policy')).findCredentials(...args);
/**
 * Finds credentials where they must never be: any string outside a Secret that looks like a credential, and any
 * Secret that carries values at all. Staging and production refuse to synthesize when this finds anything.
 */
export const findLeaks: typeof import('./checks/leak-guard').findLeaks = (...args) => (require('./checks/leak-guard') as typeof import('./checks/leak-guard')).findLeaks(...args);
/** A Mermaid flowchart of one stack's topology, read from its synthesized objects (what `saplings-k8s diagram` prints). */
export const mermaidDiagram: typeof import('./targets/kubernetes/diagram').mermaidDiagram = (...args) =>
  (require('./targets/kubernetes/diagram') as typeof import('./targets/kubernetes/diagram')).mermaidDiagram(...args);
/* eslint-enable @typescript-eslint/no-require-imports */
