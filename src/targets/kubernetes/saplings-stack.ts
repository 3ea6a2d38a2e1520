import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StackConfig } from '../../config/schema';
import { qdrantRequiresApiKey, redisRequiresPassword, requiredSecretKeys } from '../../config/secrets';
import { AppSecret } from '../../constructs/app-secret';
import { Autoscaler } from '../../constructs/autoscaler';
import { NamespaceIsolation } from '../../constructs/namespace-isolation';
import { appObjectNames } from '../../conventions/names';
import { IngressWithTls } from '../../constructs/ingress-with-tls';
import { RedisStore } from '../../constructs/redis-store';
import { REDIS_PASSWORD_KEY } from '../../conventions/backing-services';
import { SaplingsApp } from '../../constructs/saplings-app';
import { SaplingsServiceMonitor } from '../../constructs/saplings-service-monitor';
import { VectorDb } from '../../constructs/vector-db';

/**
 * Pod Security Admission enforces, audits and warns on "restricted", pinned to
 * the version the manifests were checked against, so a cluster upgrade cannot
 * tighten the rules under a running deployment unannounced.
 */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  ['enforce', 'audit', 'warn'].flatMap((mode) => [
    [`pod-security.kubernetes.io/${mode}`, 'restricted'],
    [`pod-security.kubernetes.io/${mode}-version`, 'v1.28'],
  ]),
);

/** Props for {@link SaplingsStack}. */
export interface SaplingsStackProps {
  /** A validated stack config (the output of `StackConfigSchema`). */
  readonly config: StackConfig;
}

/**
 * One whole Saplings deployment in its own namespace, built from a validated
 * config: Namespace, Redis, vector DB, app, autoscaler, ingress and monitoring.
 */
export class SaplingsStack extends Chart {
  /** The stack's Namespace. */
  public readonly namespaceObject: kplus.Namespace;
  /** Default-deny NetworkPolicy and DNS for the namespace. */
  public readonly isolation: NamespaceIsolation;
  /** The app's Secret: referenced, external or inline per `secrets.source`. */
  public readonly secret: AppSecret;
  /** Redis, unless `redis.enabled` is false. */
  public readonly redis?: RedisStore;
  /** The vector database, when `vectorDb.enabled` is true. */
  public readonly vectorDb?: VectorDb;
  /** The Saplings app. */
  public readonly app: SaplingsApp;
  /** The autoscaler, unless `autoscaling.enabled` is false. */
  public readonly autoscaler?: Autoscaler;
  /** The ingress, unless `ingress.enabled` is false. */
  public readonly ingress?: IngressWithTls;
  /** The ServiceMonitor, unless monitoring or `monitoring.serviceMonitor` is off. */
  public readonly serviceMonitor?: SaplingsServiceMonitor;

  constructor(scope: Construct, id: string, props: SaplingsStackProps) {
    const { config } = props;
    const namespace = config.namespace ?? config.name;
    super(scope, id, { namespace, disableResourceNameHashes: true });

    this.namespaceObject = new kplus.Namespace(this, 'Namespace', {
      metadata: { name: namespace, labels: { name: namespace, ...POD_SECURITY_LABELS } },
    });
    // The chart's namespace lands on every object, but a Namespace is cluster-scoped.
    ApiObject.of(this.namespaceObject).addJsonPatch(JsonPatch.remove('/metadata/namespace'));

    this.isolation = new NamespaceIsolation(this, 'Isolation');

    const secretName = config.secrets.name ?? appObjectNames(config.name).secret;
    this.secret = new AppSecret(this, 'Secret', {
      name: secretName,
      keys: requiredSecretKeys(config),
      labels: { app: config.name },
      external: config.secrets.source === 'external' ? config.secrets.external : undefined,
      values: config.secrets.source === 'inline' ? config.secrets.values : undefined,
    });

    if (config.redis.enabled) {
      this.redis = new RedisStore(this, 'Redis', {
        image: config.redis.image,
        storage: config.redis.storage,
        resources: config.redis.resources,
        password: redisRequiresPassword(config) ? { secretName, key: REDIS_PASSWORD_KEY } : undefined,
      });
    }
    if (config.vectorDb.enabled) {
      this.vectorDb = new VectorDb(this, 'VectorDb', {
        engine: config.vectorDb.engine,
        image: config.vectorDb.image,
        storage: config.vectorDb.storage,
        resources: config.vectorDb.resources,
        credentialsSecretName: secretName,
        requireApiKey: qdrantRequiresApiKey(config),
      });
    }

    const { app, network } = config;
    this.app = new SaplingsApp(this, 'App', {
      name: config.name,
      image: config.image,
      environment: config.environment,
      port: app.port,
      replicas: config.autoscaling.enabled ? undefined : app.replicas,
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
      secretName,
      redis: this.redis,
      vectorDb: this.vectorDb,
      internetEgress: { cidrs: network.egressCidrs, exceptCidrs: network.egressExceptCidrs, ports: network.egressPorts },
    });

    if (config.autoscaling.enabled) {
      this.autoscaler = new Autoscaler(this, 'Autoscaler', { target: this.app, ...config.autoscaling });
    }
    if (config.ingress.enabled) {
      const { enabled: _enabled, ...ingress } = config.ingress;
      this.ingress = new IngressWithTls(this, 'Ingress', {
        app: this.app,
        ...ingress,
        controllerNamespace: network.ingressControllerNamespace,
      });
    }
    if (config.monitoring.enabled && config.monitoring.serviceMonitor) {
      this.serviceMonitor = new SaplingsServiceMonitor(this, 'Monitoring', {
        app: this.app,
        prometheusNamespace: network.prometheusNamespace,
      });
    }
  }
}
