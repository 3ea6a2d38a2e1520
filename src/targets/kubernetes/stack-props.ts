import { StackConfig } from '../../config/schema';
import { qdrantRequiresApiKey, redisRequiresPassword, requiredSecretKeys } from '../../config/secrets';
import { SaplingsStackProps } from './saplings-stack';

/**
 * The typed props of a {@link SaplingsStack} for a validated stack config:
 * every config decision (which Secret keys, which backing services, whether
 * they require credentials) is made here, so the stack itself knows no config.
 */
export function stackPropsFromConfig(config: StackConfig): SaplingsStackProps {
  const { app, network, secrets } = config;
  const { enabled: autoscalingEnabled, ...autoscaling } = config.autoscaling;
  const { enabled: ingressEnabled, ...ingress } = config.ingress;
  const { enabled: _redisEnabled, auth: _redisAuth, ...redis } = config.redis;
  const { enabled: _vectorDbEnabled, auth: _vectorDbAuth, ...vectorDb } = config.vectorDb;
  return {
    name: config.name,
    namespace: config.namespace ?? config.name,
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
      storage: app.storage,
      imagePullSecrets: app.imagePullSecrets,
      runAsUser: { uid: app.runAsUser, gid: app.runAsGroup },
      internetEgress: { cidrs: network.egressCidrs, exceptCidrs: network.egressExceptCidrs, ports: network.egressPorts },
    },
    secret: {
      name: secrets.name,
      keys: requiredSecretKeys(config),
      labels: { app: config.name },
      external: secrets.source === 'external' ? secrets.external : undefined,
      values: secrets.source === 'inline' ? secrets.values : undefined,
    },
    redis: config.redis.enabled ? { ...redis, requirePassword: redisRequiresPassword(config) } : false,
    vectorDb: config.vectorDb.enabled ? { ...vectorDb, requireApiKey: qdrantRequiresApiKey(config) } : false,
    autoscaling: autoscalingEnabled ? autoscaling : false,
    ingress: ingressEnabled ? { ...ingress, controllerNamespace: network.ingressControllerNamespace } : false,
    serviceMonitor:
      config.monitoring.enabled && config.monitoring.serviceMonitor ? { prometheusNamespace: network.prometheusNamespace } : false,
  };
}
