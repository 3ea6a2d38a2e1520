import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AcmeSolverAccess } from './acme-solver-access';
import { AppSecret, ExternalSecretSource } from './app-secret';
import { Autoscaler, AutoscalerProps } from './autoscaler';
import { propsError } from './errors';
import { GatewayReference, GatewayRoute, GatewayRouteProps } from './gateway-route';
import { GatewayWithTls, GatewayWithTlsProps } from './gateway-with-tls';
import { IngressWithTls, IngressWithTlsProps } from './ingress-with-tls';
import { NamespaceIsolation } from './namespace-isolation';
import { RedisStore, RedisStoreProps } from './redis-store';
import { SaplingsApp, SaplingsAppProps } from './saplings-app';
import { SaplingsServiceMonitor, SaplingsServiceMonitorProps } from './saplings-service-monitor';
import { SaplingsAlerts, SaplingsAlertsProps } from './saplings-alerts';
import { GrafanaDashboard, GrafanaDashboardProps } from './grafana-dashboard';
import { rollOnConfigChange } from './rollout';
import { VectorDb, VectorDbProps, vectorDbReadsCredential } from './vector-db';
import { REDIS_PASSWORD_KEY, VECTOR_DB } from '../conventions/backing-services';
import { Environment, SEED } from '../conventions/defaults';
import { KUBERNETES_VERSION, KUBE_VERSIONS, KubeVersion, isKubeVersion } from '../conventions/kube-version';
import { appObjectNames } from '../conventions/names';
import { PART_OF, withRegistry } from '../conventions/labels';
import { applyStackMetadata } from './stack-metadata';

/**
 * Pod Security Admission enforces, audits and warns on "restricted", pinned to
 * the version the manifests were checked against (`v1.28`, the format the
 * `*-version` labels take), so a cluster upgrade cannot tighten the rules
 * under a running deployment unannounced.
 * https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces
 */
export function podSecurityLabels(kubeVersion: KubeVersion): Record<string, string> {
  return Object.fromEntries(
    ['enforce', 'audit', 'warn'].flatMap((mode) => [
      [`pod-security.kubernetes.io/${mode}`, 'restricted'],
      [`pod-security.kubernetes.io/${mode}-version`, `v${kubeVersion}`],
    ]),
  );
}

/** The app's settings in a {@link SaplingsStack}; its name, Secret and backing services come from the stack. */
export type SaplingsStackAppOptions = Omit<SaplingsAppProps, 'name' | 'secret' | 'redis' | 'vectorDb'>;

/** The AppSecret a {@link SaplingsStack} creates. */
export interface StackSecretOptions {
  /** Name of the Secret. @default '<stack name>-secrets' */
  readonly name?: string;
  /** Keys the app itself reads; the keys of the Redis and vector DB the stack creates are added. @default [] */
  readonly keys?: readonly string[];
  /** Labels on generated objects. @default - { app: <stack name> } */
  readonly labels?: Record<string, string>;
  /** Materialize the Secret with the External Secrets Operator from this store. Excludes `values`. @default - not external */
  readonly external?: ExternalSecretSource;
  /** Write the Secret with these values: for development clusters only. Excludes `external`. @default - not written */
  readonly values?: Record<string, string>;
}

/** The RedisStore a {@link SaplingsStack} creates. */
export interface StackRedisOptions extends Omit<RedisStoreProps, 'password' | 'environment'> {
  /** Require a password, read from the stack's Secret under `REDIS_PASSWORD`. @default - true unless the app's environment is 'development' */
  readonly requirePassword?: boolean;
}

/** The VectorDb a {@link SaplingsStack} creates; its credential is read from the stack's Secret. */
export interface StackVectorDbOptions extends Omit<VectorDbProps, 'credentials' | 'requireApiKey' | 'environment'> {
  /** Qdrant only: require an API key. Postgres always requires its password. @default - true unless the app's environment is 'development' */
  readonly requireApiKey?: boolean;
}

/** The alerts a {@link SaplingsStack} creates; the app, its autoscaler and namespace come from the stack. */
export type StackAlertsOptions = Omit<SaplingsAlertsProps, 'app' | 'autoscaler' | 'namespace'>;

/** The Grafana dashboard a {@link SaplingsStack} creates; the app, its autoscaler and namespace come from the stack. */
export type StackDashboardOptions = Omit<GrafanaDashboardProps, 'app' | 'autoscaler' | 'namespace'>;

/** The route through a Gateway that a {@link SaplingsStack} creates. */
export interface StackGatewayOptions extends Omit<GatewayRouteProps, 'app' | 'gateway'> {
  /** The Gateway: a platform-owned one by reference, your own GatewayWithTls, or options for the one the stack creates in its namespace. */
  readonly gateway: GatewayReference | GatewayWithTls | StackCreatedGatewayOptions;
}

/** The GatewayWithTls a {@link SaplingsStack} creates for its host. */
export interface StackCreatedGatewayOptions extends Omit<GatewayWithTlsProps, 'name' | 'host'> {
  /** Create the Gateway (what tells these options from a GatewayReference). */
  readonly create: true;
  /** Name of the Gateway. @default '<stack name>-gateway' */
  readonly name?: string;
}

/**
 * Props for {@link SaplingsStack}. For the Secret, Redis and the vector DB:
 * pass your own construct, `false` for none where that makes sense, or
 * options (or nothing) to have the stack create one.
 */
export interface SaplingsStackProps {
  /** Prefix of the app's object names, value of its `app` label. @default 'saplings' */
  readonly name?: string;
  /** The Namespace the stack creates and puts every object in. @default - the stack name */
  readonly namespace?: string;
  /** The Kubernetes version the Namespace's Pod Security labels pin (`*-version: v<kubeVersion>`), one of KUBE_VERSIONS. @default '1.28' */
  readonly kubeVersion?: KubeVersion;
  /** The app's image and settings. */
  readonly app: SaplingsStackAppOptions;
  /** DNS resolvers that are not pods, which every pod of the namespace reaches on port 53 only. @default - NodeLocal DNSCache (169.254.20.10) and GKE's metadata server (169.254.169.254) */
  readonly dnsResolverCidrs?: string[];
  /** The app's Secret: your own AppSecret or ISecret, or options for the AppSecret the stack creates. @default - an AppSecret '<name>-secrets', only referenced, listing the keys the stack's Redis and vector DB read */
  readonly secret?: AppSecret | kplus.ISecret | StackSecretOptions;
  /** Redis: your own RedisStore, `false` for none, or options for the one the stack creates. @default - a RedisStore with its defaults */
  readonly redis?: RedisStore | StackRedisOptions | false;
  /** Vector DB: your own VectorDb, `false` for none, or options for the one the stack creates. @default false */
  readonly vectorDb?: VectorDb | StackVectorDbOptions | false;
  /** Autoscaler options, or `false` to keep the app's fixed replica count. @default - an Autoscaler with its defaults */
  readonly autoscaling?: Omit<AutoscalerProps, 'target'> | false;
  /** Ingress options, or `false` for none. @default false */
  readonly ingress?: Omit<IngressWithTlsProps, 'app'> | false;
  /** A Gateway API route instead of the Ingress, or `false` for none. Excludes `ingress`. @default false */
  readonly gateway?: StackGatewayOptions | false;
  /** ServiceMonitor options, or `false` for none. @default - a ServiceMonitor with its defaults */
  readonly serviceMonitor?: Omit<SaplingsServiceMonitorProps, 'app'> | false;
  /** PrometheusRule options, or `false` for none. @default - a SaplingsAlerts with its defaults */
  readonly alerts?: StackAlertsOptions | false;
  /** Grafana dashboard options, or `false` for none. @default false */
  readonly dashboard?: StackDashboardOptions | false;
  /** Labels on every object and pod template, besides the recommended `app.kubernetes.io/*` ones the stack writes itself. @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations on every object. @default - none */
  readonly annotations?: Record<string, string>;
  /** Registry of the images the stack picks by default (Redis, the vector DB); Docker Hub names are written in full (`<registry>/library/redis:7-alpine`). An image given in the options is used as written. @default - Docker Hub */
  readonly imageRegistry?: string;
  /** Annotate the app's, Redis's and the vector DB's Deployments for stakater Reloader, which rolls them when a Secret they read and the stack does not write (existing or external) changes. Reloader must be installed. @default false */
  readonly secretReloader?: boolean;
}

/**
 * One whole Saplings deployment in its own namespace: Namespace, default-deny
 * isolation, Secret, Redis, vector DB, app, autoscaler, ingress, and
 * monitoring (ServiceMonitor, alerts, and optionally a Grafana dashboard).
 * The CLI builds its props from a config with `stackPropsFromConfig` (`saplings-k8s/config`).
 */
export class SaplingsStack extends Chart {
  /** The stack's Namespace. */
  public readonly namespaceObject: kplus.Namespace;
  /** Default-deny NetworkPolicy and DNS for the namespace. */
  public readonly isolation: NamespaceIsolation;
  /** The app's AppSecret, created or given; unset when a plain ISecret was given. */
  public readonly secret?: AppSecret;
  /** Redis, created or given, unless `redis` is false. */
  public readonly redis?: RedisStore;
  /** The vector database, created or given, unless `vectorDb` is false. */
  public readonly vectorDb?: VectorDb;
  /** The Saplings app. */
  public readonly app: SaplingsApp;
  /** The autoscaler, unless `autoscaling` is false. */
  public readonly autoscaler?: Autoscaler;
  /** The ingress, when `ingress` is given. */
  public readonly ingress?: IngressWithTls;
  /** The Gateway API route, when `gateway` is given. */
  public readonly route?: GatewayRoute;
  /** The Gateway the stack created, when `gateway.gateway` asked for one. */
  public readonly gateway?: GatewayWithTls;
  /** The ServiceMonitor, unless `serviceMonitor` is false. */
  public readonly serviceMonitor?: SaplingsServiceMonitor;
  /** The PrometheusRule with the app's alerts, unless `alerts` is false. */
  public readonly alerts?: SaplingsAlerts;
  /** The Grafana dashboard, when `dashboard` is given. */
  public readonly dashboard?: GrafanaDashboard;

  constructor(scope: Construct, id: string, props: SaplingsStackProps) {
    const name = props.name ?? SEED.name;
    const namespace = props.namespace ?? name;
    super(scope, id, { namespace, disableResourceNameHashes: true });
    const development = props.app.environment === 'development';

    const kubeVersion = props.kubeVersion ?? KUBERNETES_VERSION;
    if (!isKubeVersion(kubeVersion)) {
      throw propsError(this, `kubeVersion must be one of ${KUBE_VERSIONS.join(', ')}, got ${JSON.stringify(kubeVersion)}`);
    }
    this.namespaceObject = this.newNamespace(namespace, kubeVersion);
    this.isolation = new NamespaceIsolation(this, 'Isolation', { dnsResolverCidrs: props.dnsResolverCidrs });

    const redis = props.redis ?? {};
    const vectorDb = props.vectorDb ?? false;
    const redisOptions = redis === false || redis instanceof RedisStore ? undefined : redis;
    const vectorDbOptions = vectorDb === false || vectorDb instanceof VectorDb ? undefined : vectorDb;
    const redisPassword = redisOptions ? (redisOptions.requirePassword ?? !development) : false;
    const vectorDbApiKey = vectorDbOptions ? (vectorDbOptions.requireApiKey ?? !development) : false;

    const secret = props.secret ?? {};
    const ownKeys = [
      ...(redisPassword ? [REDIS_PASSWORD_KEY] : []),
      ...(vectorDbOptions && vectorDbReadsCredential(vectorDbOptions.engine, vectorDbApiKey) ? [VECTOR_DB[vectorDbOptions.engine].secretKey] : []),
    ];
    const appSecretOrSecret = isSecretOptions(secret) ? this.newSecret(name, secret, ownKeys) : secret;
    this.secret = appSecretOrSecret instanceof AppSecret ? appSecretOrSecret : undefined;

    if (redis instanceof RedisStore) this.redis = redis;
    else if (redisOptions) this.redis = this.newRedis({ ...redisOptions, image: redisOptions.image ?? withRegistry(SEED.redis.image, props.imageRegistry) }, props.app.environment, redisPassword ? appSecretOrSecret : undefined);
    if (vectorDb instanceof VectorDb) this.vectorDb = vectorDb;
    else if (vectorDbOptions) {
      this.vectorDb = new VectorDb(this, 'VectorDb', {
        ...vectorDbOptions,
        image: vectorDbOptions.image ?? withRegistry(VECTOR_DB[vectorDbOptions.engine ?? SEED.vectorDb.engine].image, props.imageRegistry),
        environment: props.app.environment,
        requireApiKey: vectorDbApiKey,
        credentials: { secret: appSecretOrSecret },
      });
    }

    this.app = new SaplingsApp(this, 'App', { dnsResolverCidrs: props.dnsResolverCidrs, ...props.app, name, secret: appSecretOrSecret, redis: this.redis, vectorDb: this.vectorDb });

    this.autoscaler = props.autoscaling === false ? undefined : new Autoscaler(this, 'Autoscaler', { ...props.autoscaling, target: this.app });
    this.ingress = props.ingress ? new IngressWithTls(this, 'Ingress', { ...props.ingress, app: this.app }) : undefined;
    if (props.gateway) {
      if (props.ingress) throw propsError(this, 'got both ingress and gateway, but the app is exposed one way: pass ingress (an Ingress) or gateway (a Gateway API route), not both');
      ({ route: this.route, gateway: this.gateway } = this.newGatewayRoute(name, props.gateway));
    }
    this.serviceMonitor =
      props.serviceMonitor === false ? undefined : new SaplingsServiceMonitor(this, 'Monitoring', { ...props.serviceMonitor, app: this.app });
    this.alerts =
      props.alerts === false ? undefined : new SaplingsAlerts(this, 'Alerts', { ...props.alerts, app: this.app, autoscaler: this.autoscaler, namespace });
    this.dashboard = props.dashboard
      ? new GrafanaDashboard(this, 'Dashboard', { ...props.dashboard, app: this.app, autoscaler: this.autoscaler, namespace })
      : undefined;
    applyStackMetadata(this, { instance: name, components: stackComponents(this.vectorDb?.engine), fallback: STACK_COMPONENTS.App, labels: props.labels ?? {}, annotations: props.annotations ?? {} });
    if (props.secretReloader) {
      // Postgres reads POSTGRES_PASSWORD only when it initializes an empty data directory, so rolling it on a
      // Secret change restarts the database to no effect; the runbook's rotation changes the role first (ALTER USER).
      // https://github.com/docker-library/docs/blob/master/postgres/README.md#environment-variables
      const pgvector = this.vectorDb?.engine === 'pgvector';
      for (const workload of [this.app, this.redis, pgvector ? undefined : this.vectorDb]) {
        if (workload) rollOnConfigChange(workload.deployment, { reloadSecrets: true });
      }
    }
  }

  private newGatewayRoute(name: string, options: StackGatewayOptions): { route: GatewayRoute; gateway?: GatewayWithTls } {
    const { gateway: given, ...routeOptions } = options;
    if (given instanceof GatewayWithTls || !('create' in given)) {
      return { route: new GatewayRoute(this, 'Route', { ...routeOptions, app: this.app, gateway: given }) };
    }
    if (options.host === undefined) throw propsError(this, "gateway.host is required to create a Gateway: the host its listeners serve, such as \"api.example.com\"");
    const { create: _create, name: gatewayName, ...gatewayOptions } = given;
    const gateway = new GatewayWithTls(this, 'Gateway', {
      ...gatewayOptions,
      name: gatewayName ?? `${name}-gateway`,
      host: options.host,
      // The same certificate Secret as the stack's Ingress would use.
      tlsSecretName: gatewayOptions.tlsSecretName ?? appObjectNames(name).tlsSecret,
      labels: gatewayOptions.labels ?? this.app.selectorLabels,
    });
    const route = new GatewayRoute(this, 'Route', { ...routeOptions, app: this.app, gateway });
    // The created Gateway's certificate is issued here, so cert-manager's solver pods run here, under default-deny.
    if (gatewayOptions.tls ?? true) new AcmeSolverAccess(this, 'AcmeSolverAccess', { from: route.proxyNamespace ? { namespace: route.proxyNamespace } : {} });
    return { route, gateway };
  }

  private newNamespace(namespace: string, kubeVersion: KubeVersion): kplus.Namespace {
    const namespaceObject = new kplus.Namespace(this, 'Namespace', {
      metadata: { name: namespace, labels: { name: namespace, ...podSecurityLabels(kubeVersion) } },
    });
    // The chart's namespace lands on every object, but a Namespace is cluster-scoped.
    ApiObject.of(namespaceObject).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return namespaceObject;
  }

  private newSecret(name: string, options: StackSecretOptions, backingServiceKeys: string[]): AppSecret {
    return new AppSecret(this, 'Secret', {
      name: options.name ?? appObjectNames(name).secret,
      keys: [...new Set([...(options.keys ?? []), ...backingServiceKeys])],
      labels: options.labels ?? { app: name },
      external: options.external,
      values: options.values,
    });
  }

  private newRedis(options: StackRedisOptions, environment: Environment | undefined, passwordSecret: AppSecret | kplus.ISecret | undefined): RedisStore {
    return new RedisStore(this, 'Redis', {
      ...options,
      environment,
      requirePassword: passwordSecret !== undefined,
      password: passwordSecret ? { secret: passwordSecret } : undefined,
    });
  }
}

/** Role and software of the objects under each child of the stack, for the recommended labels. */
const STACK_COMPONENTS = {
  Namespace: { component: 'namespace', name: PART_OF },
  Isolation: { component: 'network-policy', name: PART_OF },
  Secret: { component: 'secret', name: PART_OF },
  Redis: { component: 'redis', name: 'redis' },
  App: { component: 'app', name: PART_OF },
  Autoscaler: { component: 'autoscaler', name: PART_OF },
  Ingress: { component: 'ingress', name: PART_OF },
  Route: { component: 'ingress', name: PART_OF },
  Gateway: { component: 'ingress', name: PART_OF },
  AcmeSolverAccess: { component: 'ingress', name: PART_OF },
  Monitoring: { component: 'monitoring', name: PART_OF },
  Alerts: { component: 'monitoring', name: PART_OF },
  Dashboard: { component: 'monitoring', name: PART_OF },
} as const;

function stackComponents(engine: string | undefined): Record<string, { component: string; name: string }> {
  return { ...STACK_COMPONENTS, VectorDb: { component: 'vector-db', name: engine ?? 'vector-db' } };
}

function isSecretOptions(secret: AppSecret | kplus.ISecret | StackSecretOptions): secret is StackSecretOptions {
  // An ISecret is a construct; options are plain data.
  return !(secret instanceof AppSecret) && !Construct.isConstruct(secret);
}
