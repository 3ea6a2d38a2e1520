import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { redisImage, vectorDbImage } from '../../config/images';
import { StackConfig } from '../../config/types';
import { qdrantRequiresApiKey, redisRequiresPassword, requiredSecretKeys } from '../../config/secrets';
import { SaplingsStackProps, StackAlertsOptions, StackGatewayOptions } from '../../constructs/saplings-stack';

/**
 * The typed props of a {@link SaplingsStack} for a validated stack config:
 * every config decision (which Secret keys, which backing services, whether
 * they require credentials) is made here, so the stack itself knows no config.
 */
export function stackPropsFromConfig(config: StackConfig): SaplingsStackProps {
  const { app, network, secrets } = config;
  const { enabled: autoscalingEnabled, ...autoscaling } = config.autoscaling;
  const { enabled: ingressEnabled, api, gateway, ...ingress } = config.ingress;
  const { enabled: _redisEnabled, auth: _redisAuth, ...redis } = config.redis;
  const { enabled: _vectorDbEnabled, auth: _vectorDbAuth, ...vectorDb } = config.vectorDb;
  return {
    name: config.name,
    namespace: config.namespace ?? config.name,
    dnsResolverCidrs: network.dnsResolverCidrs,
    app: {
      image: config.image,
      environment: config.environment,
      port: app.port,
      replicas: autoscalingEnabled ? undefined : app.replicas,
      resources: app.resources,
      config: app.config,
      logLevel: app.logLevel,
      gasa: app.gasa,
      monitoring: app.monitoring ?? (config.monitoring.enabled ? undefined : false),
      selfHealing: app.selfHealing,
      maxWorkers: app.maxWorkers,
      timeoutSeconds: app.timeoutSeconds,
      command: app.command,
      storage: app.storage,
      imagePullSecrets: app.imagePullSecrets,
      runAsUser: { uid: app.runAsUser, gid: app.runAsGroup },
      internetEgress: { cidrs: network.egressCidrs, exceptCidrs: network.egressExceptCidrs, ports: network.egressPorts },
      dnsResolverCidrs: network.dnsResolverCidrs,
      externalDatabase: network.database,
      waitForBackends: app.waitForBackends === 0 ? false : Duration.seconds(app.waitForBackends),
      ...podSettings(config),
    },
    labels: config.metadata.labels,
    annotations: config.metadata.annotations,
    imageRegistry: config.images.registry,
    secretReloader: secrets.reloader,
    secret: {
      name: secrets.name,
      keys: requiredSecretKeys(config),
      labels: { app: config.name },
      external: secrets.source === 'external' ? secrets.external : undefined,
      values: secrets.source === 'inline' ? secrets.values : undefined,
    },
    redis: config.redis.enabled ? { ...redis, image: redisImage(config), requirePassword: redisRequiresPassword(config) } : false,
    vectorDb: config.vectorDb.enabled ? { ...vectorDb, image: vectorDbImage(config), requireApiKey: qdrantRequiresApiKey(config) } : false,
    autoscaling: autoscalingEnabled ? autoscaling : false,
    ingress: ingressEnabled && api === 'ingress' ? { ...ingress, controllerNamespace: network.ingressControllerNamespace } : false,
    gateway: ingressEnabled && api === 'gateway' ? gatewayOptions(config) : false,
    serviceMonitor:
      config.monitoring.enabled && config.monitoring.serviceMonitor ? { prometheusNamespace: network.prometheusNamespace } : false,
    alerts: config.monitoring.enabled && config.monitoring.alerts.enabled ? { ...alertsOptions(config), helmSafeTemplates: config.output.helmSafeTemplates } : false,
    dashboard: config.monitoring.enabled && config.monitoring.dashboard ? { helmSafeTemplates: config.output.helmSafeTemplates } : false,
  };
}

/**
 * The app's Helm-values-style pod settings. The config's shapes are the
 * Kubernetes API's; only quantities become cdk8s Quantity objects.
 */
function podSettings({ app, serviceAccount }: StackConfig): Partial<SaplingsStackProps['app']> {
  const { Quantity } = kplus.k8s;
  return {
    podLabels: app.podLabels,
    podAnnotations: app.podAnnotations,
    nodeSelector: app.nodeSelector,
    tolerations: app.tolerations,
    affinity: app.affinity,
    topologySpreadConstraints: app.topologySpreadConstraints,
    priorityClassName: app.priorityClassName,
    imagePullPolicy: app.imagePullPolicy as kplus.ImagePullPolicy | undefined,
    serviceAccount: serviceAccount,
    // The schema refuses an entry without valueFrom.
    extraEnv: Object.fromEntries(app.extraEnv.flatMap(({ name, valueFrom }) => (valueFrom ? [[name, toEnvVarSource(valueFrom)]] : []))),
    extraVolumes: app.extraVolumes.map((v) =>
      'emptyDir' in v ? { ...v, emptyDir: { ...v.emptyDir, sizeLimit: v.emptyDir.sizeLimit === undefined ? undefined : Quantity.fromString(v.emptyDir.sizeLimit) } } : v,
    ),
    extraVolumeMounts: app.extraVolumeMounts,
  };
}

function toEnvVarSource(source: NonNullable<StackConfig['app']['extraEnv'][number]['valueFrom']>): kplus.k8s.EnvVarSource {
  if (!('resourceFieldRef' in source)) return source;
  const { divisor, ...rest } = source.resourceFieldRef;
  return { resourceFieldRef: { ...rest, divisor: divisor === undefined ? undefined : kplus.k8s.Quantity.fromString(divisor) } };
}

/** The alerts of a config with monitoring and alerts on. */
function alertsOptions({ monitoring }: StackConfig): StackAlertsOptions {
  const { enabled: _enabled, ...alerts } = monitoring.alerts;
  return alerts;
}

/** The Gateway API route of a config with `ingress.api: gateway`. */
function gatewayOptions({ ingress, network }: StackConfig): StackGatewayOptions {
  const gateway = ingress.gateway!;
  const { implementation } = gateway;
  return {
    host: ingress.host,
    gateway: gateway.create
      ? { create: true, name: gateway.name, className: gateway.className!, tls: ingress.tls, clusterIssuer: ingress.clusterIssuer, tlsSecretName: ingress.tlsSecretName }
      : { name: gateway.name!, namespace: gateway.namespace, sectionName: gateway.sectionName },
    implementation,
    // One timeout for the whole request, where nginx has one per read and per send.
    requestTimeoutSeconds: gateway.requestTimeout ? Math.max(ingress.readTimeoutSeconds, ingress.sendTimeoutSeconds) : false,
    // Only an implementation's policies enforce these.
    ...(implementation ? { rateLimitRps: ingress.rateLimitRps, maxBodySize: ingress.maxBodySize, metricsAllowCidrs: ingress.metricsAllowCidrs } : {}),
    proxyNamespace: network.gatewayNamespace,
  };
}
