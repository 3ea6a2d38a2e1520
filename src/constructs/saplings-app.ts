import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Environment, SEED } from '../conventions/defaults';
import { DRAIN_SECONDS, ENVIRONMENT_DATA_DIRS, PROMETHEUS_MULTIPROC_DIR, appCommand, terminationGraceSeconds } from '../conventions/app-process';
import { AppSettingChoices, presetSettings } from '../conventions/presets';
import { appObjectNames } from '../conventions/names';
import { PRIVATE_IPV4_RANGES, cidrContains } from '../conventions/cidr';
import { AppSecret } from './app-secret';
import { isPrototypeKey, renderDataLinearly } from './config-map-json';
import { RedisStore } from './redis-store';
import { ComputeResourceOverrides, withDefaultResources } from './resources';
import { propsError } from './errors';
import { uniqueName } from './unique-names';
import { SidecarOptions, addSidecar, toEnvValues } from './sidecar';
import { ResolvedSecretKey, RunAsUser, secretOf } from './security';
import { TrafficPolicy, dnsRules } from './traffic-policy';
import { VectorDb } from './vector-db';
import { addWaitForBackends } from './wait-for-backends';
import { applyPodSettings } from './pod-settings';
import { Workload, buildWorkload } from './workload';

/** Persistent storage for the app's `/app/data` volume. */
export interface AppStorage {
  /** Requested capacity. @default '100Gi' */
  readonly size?: string;
  /** StorageClass of the claim. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Access mode; ReadWriteMany lets every replica mount one shared claim, and needs a class that offers it. @default 'ReadWriteOnce' */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadWriteOncePod';
  /** Give each pod a claim of its own, created and deleted with it (a generic ephemeral volume); `false` for one claim shared by every replica. @default true */
  readonly perPod?: boolean;
}

/** Postgres' port, where a DATABASE_URL usually points. */
const DEFAULT_DATABASE_PORT = 5432;

/** Access modes a single node (or pod) mounts at a time: one writer. */
const SINGLE_WRITER_MODES: readonly string[] = ['ReadWriteOnce', 'ReadWriteOncePod'];

/** Props for {@link SaplingsApp}. */
export interface SaplingsAppProps extends AppSettingChoices {
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /** Prefix of every object name and value of the `app` label. @default 'saplings' for the first SaplingsApp in a namespace, else named from the construct id (see uniqueName) */
  readonly name?: string;
  /** Port gunicorn listens on. @default 8000 */
  readonly port?: number;
  /** The app container's command, for images that do not start like the guide's. @default - gunicorn with `port`, `maxWorkers` and `timeoutSeconds` ({@link appCommand}) */
  readonly command?: string[];
  /** Replica count while no Autoscaler targets the app. @default 3 */
  readonly replicas?: number;
  /** CPU and memory requests and limits; any quantity left out keeps its default. @default - requests 1000m/2Gi, limits 2000m/4Gi */
  readonly resources?: ComputeResourceOverrides;
  /** Liveness probe of the app container, replacing the guide's. @default - GET /health on the app port, after 30 s, every 10 s */
  readonly liveness?: kplus.Probe;
  /** Readiness probe of the app container, replacing the guide's. @default - GET /ready on the app port, after 5 s, every 5 s */
  readonly readiness?: kplus.Probe;
  /** Startup probe of the app container, for a slow first start; liveness and readiness wait until it passes. @default - none */
  readonly startup?: kplus.Probe;
  /** Extra environment variables of the app container, after the ones it sets itself: a string is a plain value, an EnvValue may read a Secret key. @default - none */
  readonly env?: Record<string, string | kplus.EnvValue>;
  /** Extra containers in the app's pods; each runs as the app's user under the same restricted security context. @default - none */
  readonly sidecars?: SidecarOptions[];
  /** Extra ConfigMap entries, exposed to the app as environment variables. @default - none */
  readonly config?: Record<string, string>;
  /** Deployment environment; selects the preset for the settings below. @default 'production' */
  readonly environment?: Environment;
  /** The `/app/data` volume claim. @default - 100Gi ReadWriteOnce per pod, on the cluster's default class */
  readonly storage?: AppStorage;
  /** Secrets for pulling the image. @default ['registry-secret'] */
  readonly imagePullSecrets?: string[];
  /** The app's Secret, loaded into its environment: an AppSecret (whose keys are then checked against the backing services') or any cdk8s-plus ISecret. @default - the Secret named '<name>-secrets', created out of band and only referenced */
  readonly secret?: AppSecret | kplus.ISecret;
  /** Redis to wire through REDIS_URL. @default - REDIS_URL is unset */
  readonly redis?: RedisStore;
  /** Vector database to wire through its connection settings. @default - no vector database settings */
  readonly vectorDb?: VectorDb;
  /** The image's own user; the guide's Dockerfile creates `saplings` with `useradd -r`, 999:999 on Debian. @default - { uid: 999, gid: 999 } */
  readonly runAsUser?: RunAsUser;
  /** Where the app may open connections outside the cluster (the LLM APIs). @default - TCP 443 to any public IPv4 address */
  readonly internetEgress?: InternetEgress;
  /** Resolvers that are not pods, which the app reaches on port 53 only. @default - NodeLocal DNSCache (169.254.20.10) and GKE's metadata server (169.254.169.254) */
  readonly dnsResolverCidrs?: string[];
  /** A database outside the cluster that the app reaches (its DATABASE_URL): exactly these ranges on this port are opened. @default - none */
  readonly externalDatabase?: ExternalDatabase;
  /** How long an init container waits for Redis and the vector DB to accept connections before the pod's start fails; `false` for no init container. @default - Duration.seconds(300) when the app has a Redis or vector DB */
  readonly waitForBackends?: Duration | false;
  /** Labels on the app's pods only; they never select. @default - none */
  readonly podLabels?: Record<string, string>;
  /** Annotations on the app's pods. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /** Node labels the pods must run on. @default - any node */
  readonly nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate. @default - none */
  readonly tolerations?: kplus.k8s.Toleration[];
  /** Node and pod (anti-)affinity of the pods. @default - none */
  readonly affinity?: kplus.k8s.Affinity;
  /** Replaces the spread over zones and nodes; a constraint without a labelSelector counts the app's pods. @default - maxSkew 1 per zone and per node, ScheduleAnyway */
  readonly topologySpreadConstraints?: kplus.k8s.TopologySpreadConstraint[];
  /** PriorityClass of the pods, which must exist. @default - the cluster's default priority */
  readonly priorityClassName?: string;
  /** Pull policy of the app container, its init container and sidecars. @default - IfNotPresent for a pinned image, Always otherwise */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /** The pods' ServiceAccount: created (optionally named and annotated), or an existing one by name. @default - a ServiceAccount '<name>-app' the app creates, which mounts no API token */
  readonly serviceAccount?: AppServiceAccount;
  /** Variables the app container reads from a Secret key, a ConfigMap key or the downward API, as the API writes their `valueFrom`. @default - none */
  readonly extraEnv?: Record<string, kplus.k8s.EnvVarSource>;
  /** Volumes added to the pods. @default - none */
  readonly extraVolumes?: kplus.k8s.Volume[];
  /** Mounts of `extraVolumes` into the app container; they may not cover the app's own mounts. @default - none */
  readonly extraVolumeMounts?: kplus.k8s.VolumeMount[];
}

/** The app's ServiceAccount. */
export interface AppServiceAccount {
  /** Create it; `false` runs the pods as the existing account `name`. @default true */
  readonly create?: boolean;
  /** Its name; required when `create` is false. @default - '<name>-app' */
  readonly name?: string;
  /** Annotations on the created account, such as IRSA's `eks.amazonaws.com/role-arn`. @default - none */
  readonly annotations?: Record<string, string>;
}

/** Where a database outside the cluster is. */
export interface ExternalDatabase {
  /** Its address ranges, e.g. `10.20.0.5/32` or the managed database's subnet. */
  readonly cidrs: string[];
  /** Its port. @default 5432 */
  readonly port?: number;
}

/** Outbound access to the internet, for the LLM APIs. */
export interface InternetEgress {
  /** Destination ranges. @default ['0.0.0.0/0'] */
  readonly cidrs?: string[];
  /** Ranges excluded from `cidrs` where they fall inside them. @default - the private, link-local and CGNAT ranges */
  readonly exceptCidrs?: string[];
  /** Destination ports. @default [443] */
  readonly ports?: number[];
}


/**
 * The Saplings agent service: Deployment, Service, ConfigMap, data claim,
 * ServiceAccount, PodDisruptionBudget and NetworkPolicies, and the reference
 * to its Secret, wired to Redis and a vector database when given.
 */
export class SaplingsApp extends Construct {
  /** Prefix of every object name and value of the `app` label. */
  public readonly name: string;
  /** Deployment environment. */
  public readonly environment: Environment;
  /** Port the container listens on; it serves the API, probes and `/metrics`. */
  public readonly port: number;
  /** Name of the container and Service port that serves HTTP and `/metrics`. */
  public readonly portName = 'http';
  /** Labels that select the app's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The app Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The app's own container. */
  public readonly container: kplus.Container;
  /** The sidecar containers, in the order given. */
  public readonly sidecars: kplus.Container[];
  /** The init container `wait-for-backends`, unless the app has no backing service or `waitForBackends` is false. */
  public readonly waitForBackendsContainer?: kplus.Container;
  /** ClusterIP Service in front of the pods. */
  public readonly service: kplus.Service;
  /** Non-secret settings, loaded into the container's environment. */
  public readonly configMap: kplus.ConfigMap;
  /** The app's Secret, loaded into the container's environment. */
  public readonly secret: kplus.ISecret;
  /** The AppSecret the app was given, whose keys are known. */
  public readonly appSecret?: AppSecret;
  /** The claim for `/app/data` shared by every replica; unset when each pod has its own (`storage.perPod`, the default). */
  public readonly dataClaim?: kplus.PersistentVolumeClaim;
  /** The pod's `/app/data` volume: the shared claim, or the pod's own claim template. */
  public readonly dataVolume: kplus.Volume;
  /** Whether each pod has its own data claim. */
  public readonly perPodStorage: boolean;
  /** The pods' ServiceAccount: their own, which mounts no API token, or the existing one `serviceAccount` names. */
  public readonly serviceAccount: kplus.IServiceAccount;
  /** Keeps all but one pod up during voluntary disruptions such as node drains. */
  public readonly disruptionBudget: kplus.k8s.KubePodDisruptionBudget;
  /** The pods' NetworkPolicies; an Ingress or ServiceMonitor adds its allow rule here. */
  public readonly trafficPolicy: TrafficPolicy;
  /** The Redis this app uses, if any. */
  public readonly redis?: RedisStore;
  /** The vector database this app uses, if any. */
  public readonly vectorDb?: VectorDb;

  constructor(scope: Construct, id: string, props: SaplingsAppProps) {
    super(scope, id);
    this.name = uniqueName(this, 'SaplingsApp', props.name, SEED.name);
    this.environment = props.environment ?? 'production';
    this.port = props.port ?? SEED.app.port;
    this.redis = props.redis;
    this.vectorDb = props.vectorDb;
    this.selectorLabels = { app: this.name };
    const names = appObjectNames(this.name);

    this.configMap = this.newConfigMap(names.configMap, props);
    this.appSecret = props.secret instanceof AppSecret ? props.secret : undefined;
    this.secret = props.secret ? secretOf(props.secret) : kplus.Secret.fromSecretName(this, 'Secret', names.secret);
    this.requireBackendKeysInAppSecret();

    const workload = this.buildPod(props);
    this.dataClaim = workload.dataClaim;
    this.dataVolume = workload.dataVolume;
    this.perPodStorage = workload.dataClaim === undefined;
    this.serviceAccount = workload.serviceAccount;
    this.deployment = workload.deployment;
    this.container = workload.container;
    this.service = workload.service;
    const environmentDataDir = ENVIRONMENT_DATA_DIRS[this.environment];
    // Staging and development write their memory under /app, the read-only root: the data volume is mounted there too.
    if (environmentDataDir) this.container.mount(environmentDataDir, this.dataVolume);
    this.sidecars = this.addSidecars(props.sidecars ?? [], props.runAsUser ?? SEED.app.runAsUser);
    this.waitForBackendsContainer = this.addWaitForBackends(props);
    this.applyLateReplicas(props.replicas);
    this.requireOneWriterPerClaim();
    this.patchPodSpec(props.imagePullSecrets ?? [...SEED.app.imagePullSecrets], props.topologySpreadConstraints !== undefined);
    applyPodSettings(this, props);

    // maxUnavailable 1 keeps at least minReplicas - 1 pods up at the HPA's floor,
    // drains one pod at a time above it, and never blocks a drain of the last pod.
    this.disruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: names.disruptionBudget, labels: this.selectorLabels },
      spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selectorLabels } },
    });

    this.trafficPolicy = new TrafficPolicy(this, 'TrafficPolicy', { name: this.name, podLabels: this.selectorLabels });
    this.allowTraffic(props);
  }

  /** The claim, ServiceAccount, Deployment, container and Service, shaped as every workload here is. */
  private buildPod(props: SaplingsAppProps): Workload {
    const names = appObjectNames(this.name);
    const storage = { ...SEED.app.storage, ...props.storage };
    const user = props.runAsUser ?? SEED.app.runAsUser;
    const { liveness, readiness } = SEED.app;
    // One shared claim a single node mounts: a surge pod on another node would wait on Multi-Attach, so the old pod goes first.
    // https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
    const sharedSingleWriter = !storage.perPod && SINGLE_WRITER_MODES.includes(storage.accessMode);
    const ownEnv: Record<string, kplus.EnvValue> = {
      PORT: kplus.EnvValue.fromValue(String(this.port)),
      // prometheus_client's multiprocess mode, so /metrics sums every gunicorn worker.
      PROMETHEUS_MULTIPROC_DIR: kplus.EnvValue.fromValue(PROMETHEUS_MULTIPROC_DIR),
      ...Object.assign({}, ...this.backends().map((b) => b.connection.env)),
    };
    const extraEnv = toEnvValues(props.env ?? {});
    for (const name of Object.keys(extraEnv)) {
      if (name in ownEnv) {
        throw propsError(
          this,
          `'env.${name}' would replace the ${name} the app sets itself (from 'port', 'redis' or 'vectorDb'); remove ${name} from 'env' and set that prop instead`,
        );
      }
    }
    return buildWorkload(this, {
      names: { deployment: names.deployment, service: names.service, dataClaim: names.dataClaim },
      serviceAccount: props.serviceAccount,
      labels: this.selectorLabels,
      selectorLabels: this.selectorLabels,
      runAsUser: user,
      storage: { size: storage.size, storageClassName: storage.storageClassName, accessMode: toAccessMode(storage.accessMode), perPod: storage.perPod },
      deployment: {
        terminationGracePeriod: Duration.seconds(terminationGraceSeconds(this.environment, props)),
        strategy: sharedSingleWriter
          ? kplus.DeploymentStrategy.recreate()
          : kplus.DeploymentStrategy.rollingUpdate({
              maxSurge: kplus.PercentOrAbsolute.absolute(1),
              maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
            }),
      },
      container: {
        name: SEED.app.containerName,
        image: props.image,
        // The guide's CMD hard-codes port 8000, 4 workers and 120 s; the stack's values reach gunicorn only through its command.
        // `args` replaces the image's CMD and keeps its ENTRYPOINT (a tini, say), as Compose's `command`, ECS's `command`
        // and Cloud Run's `args` do: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes
        args: appCommand(this.environment, { port: this.port, maxWorkers: props.maxWorkers, timeoutSeconds: props.timeoutSeconds, command: props.command }),
        // Keep serving while the endpoint removal propagates; gunicorn then drains on SIGTERM for up to its graceful timeout.
        // https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
        lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', String(DRAIN_SECONDS)]) },
        ports: [{ number: this.port, name: this.portName }],
        // The app's own variables first, so an extra one can expand them with $(NAME).
        envVariables: { ...ownEnv, ...extraEnv },
        envFrom: [kplus.Env.fromConfigMap(this.configMap), kplus.Env.fromSecret(this.secret)],
        liveness: props.liveness ?? httpProbe(this.port, liveness),
        readiness: props.readiness ?? httpProbe(this.port, readiness),
        startup: props.startup,
      },
      resources: withDefaultResources(this, props.resources, SEED.app.resources),
      data: { path: SEED.app.dataPath, volumeName: 'data-volume' },
      emptyDirs: [
        { id: 'LogsVolume', volumeName: 'logs-volume', path: SEED.app.logsPath },
        // emptyDirs are group-owned by the pod's fsGroup and group-writable, so the app's user writes here.
        // https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-the-security-context-for-a-pod
        { id: 'MetricsVolume', volumeName: 'prometheus-multiproc', path: PROMETHEUS_MULTIPROC_DIR },
      ],
      // gunicorn keeps worker heartbeat files in the temp directory.
      scratchPaths: ['/tmp'],
      servicePorts: [{ name: this.portName, port: SEED.app.servicePort, targetPort: this.port }],
    });
  }

  /**
   * A shared claim that only one node mounts (ReadWriteOnce) or only one pod
   * (ReadWriteOncePod) serves one replica: a second one would hang in
   * ContainerCreating with Multi-Attach, or stay Pending. The autoscaler is
   * attached later, so that case is checked at validation.
   */
  private requireOneWriterPerClaim(): void {
    const mode = this.dataClaim?.accessModes?.[0];
    if (mode === undefined || mode === kplus.PersistentVolumeAccessMode.READ_WRITE_MANY) return;
    const fix = "set 'storage.perPod: true' (a claim per pod) or 'storage.accessMode: ReadWriteMany' with a StorageClass that offers it";
    this.node.addValidation({
      validate: () => {
        if (this.deployment.hasAutoscaler) {
          return [`an Autoscaler scales the app past one replica, but its shared ${mode} data claim takes one writer; ${fix}, or drop the Autoscaler`];
        }
        const replicas = this.deployment.replicas ?? 1;
        return replicas > 1 ? [`'replicas' is ${replicas}, but the app's shared ${mode} data claim takes one writer; ${fix}, or set 'replicas: 1'`] : [];
      },
    });
  }

  /** Sidecars come after the app's container, which stays first: tools such as `kubectl logs` default to it. */
  private addSidecars(sidecars: readonly SidecarOptions[], user: RunAsUser): kplus.Container[] {
    const names = new Set<string>([this.container.name]);
    sidecars.forEach((sidecar, i) => {
      if (names.has(sidecar.name)) {
        throw propsError(
          this,
          `'sidecars[${i}].name' is ${JSON.stringify(sidecar.name)}, which another container of the pod already uses; give each sidecar a name of its own`,
        );
      }
      names.add(sidecar.name);
    });
    return sidecars.map((sidecar, i) => addSidecar(this, this.deployment, i + 1, sidecar, user));
  }

  /** The init container that holds the app back until its backing services accept connections. */
  private addWaitForBackends(props: SaplingsAppProps): kplus.Container | undefined {
    const timeout = props.waitForBackends ?? Duration.seconds(SEED.app.waitForBackendsSeconds);
    const backends = this.backends();
    if (timeout === false || backends.length === 0) return undefined;
    return addWaitForBackends(this, this.deployment, {
      image: props.image,
      targets: backends.map((b) => `${b.service.name}:${b.workload.ports[0].number}`),
      timeout,
      runAsUser: props.runAsUser ?? SEED.app.runAsUser,
    });
  }

  /** The backing services this app is wired to. */
  private backends(): (RedisStore | VectorDb)[] {
    return [this.redis, this.vectorDb].filter((b) => b !== undefined);
  }

  private newConfigMap(name: string, props: SaplingsAppProps): kplus.ConfigMap {
    const own: Record<string, string> = {
      ...presetSettings(this.environment, props),
      ...Object.assign({}, ...this.backends().map((b) => b.connection.config)),
    };
    const extra = Object.entries(props.config ?? {});
    for (const [key] of extra) {
      // The container's own env (PORT, a backend's credentials) wins over the ConfigMap, so such a key would be ignored.
      const ownEnv = key === 'PORT' || this.backends().some((b) => Object.prototype.hasOwnProperty.call(b.connection.env, key));
      if (Object.prototype.hasOwnProperty.call(own, key) || ownEnv) {
        throw propsError(
          this,
          `'config.${key}' would replace the ${key} the app sets itself (from 'environment', 'logLevel', 'gasa', 'monitoring', 'selfHealing', 'maxWorkers', 'timeoutSeconds', 'port', 'redis' or 'vectorDb'); remove ${key} from 'config' and set that prop instead`,
        );
      }
    }
    const configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name, labels: this.selectorLabels },
      data: { ...own, ...Object.fromEntries(extra.filter(([key]) => !isPrototypeKey(key))) },
    });
    renderDataLinearly(configMap, new Map(extra.filter(([key]) => isPrototypeKey(key))));
    return configMap;
  }

  /**
   * A backing service that reads its credential from a Secret by name (the
   * vector DB's default) reads it from this app's Secret when the names match,
   * so the AppSecret must hold the key. A backing service given the AppSecret
   * itself checks that on its own.
   */
  private requireBackendKeysInAppSecret(): void {
    const appSecret = this.appSecret;
    if (!appSecret) return;
    const reads: { prop: string; ref: ResolvedSecretKey }[] = [];
    if (this.redis?.password) reads.push({ prop: 'redis.password', ref: this.redis.password });
    if (this.vectorDb?.credentials) reads.push({ prop: 'vectorDb.credentials', ref: this.vectorDb.credentials });
    this.node.addValidation({
      validate: () =>
        reads
          .filter(({ ref }) => !(ref.secret instanceof AppSecret) && ref.secret.name === appSecret.name && !appSecret.keys.includes(ref.key))
          .map(
            ({ prop, ref }) =>
              `'${prop}' reads key ${ref.key} of Secret ${appSecret.name}, but the app's AppSecret (${appSecret.node.path}) ` +
              `lists only [${appSecret.keys.join(', ')}]; add ${ref.key} to the AppSecret's 'keys'`,
          ),
    });
  }

  /**
   * The replica default is applied late: once an Autoscaler attaches, the HPA owns
   * the count and `replicas` is left out. An explicit count stays, so cdk8s-plus'
   * own validation reports the conflict with the HPA.
   */
  private applyLateReplicas(replicas: number | undefined): void {
    const deployment = this.deployment;
    Object.defineProperty(deployment, 'replicas', {
      get: () => replicas ?? (deployment.hasAutoscaler ? undefined : SEED.app.replicas),
    });
  }

  /** Pod spec fields cdk8s-plus has no prop for. */
  private patchPodSpec(pullSecrets: string[], spreadGiven: boolean): void {
    if (pullSecrets.length > 0) {
      // cdk8s-plus takes a single registry secret; the guide's pod spec takes a list.
      ApiObject.of(this.deployment).addJsonPatch(
        JsonPatch.add('/spec/template/spec/imagePullSecrets', pullSecrets.map((name) => ({ name }))),
      );
    }
    // Spread replicas over zones, then nodes, so one failure never takes them all; given constraints replace these.
    // ScheduleAnyway: a single-zone or small cluster still schedules every replica.
    if (spreadGiven) return;
    ApiObject.of(this.deployment).addJsonPatch(
      JsonPatch.add(
        '/spec/template/spec/topologySpreadConstraints',
        ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
          maxSkew: 1,
          topologyKey,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: this.selectorLabels },
          matchLabelKeys: ['pod-template-hash'],
        })),
      ),
    );
  }

  /** DNS, the backing services both ways, and the internet for the LLM APIs. */
  private allowTraffic(props: SaplingsAppProps): void {
    const egress = props.internetEgress ?? {};
    for (const rule of dnsRules(props.dnsResolverCidrs)) this.trafficPolicy.allowTo(rule.peer, [...rule.ports]);
    // The private ranges are excepted from internet egress, so a database there is opened on its own port only.
    for (const cidr of props.externalDatabase?.cidrs ?? []) {
      this.trafficPolicy.allowTo({ cidr }, [{ port: props.externalDatabase?.port ?? DEFAULT_DATABASE_PORT }]);
    }
    for (const backend of this.backends()) {
      const ports = backend.workload.ports.map((p) => ({ port: p.number }));
      this.trafficPolicy.allowTo({ podLabels: backend.workload.selectorLabels }, ports);
      backend.workload.trafficPolicy.allowFrom({ podLabels: this.selectorLabels }, ports);
    }
    const exceptCidrs = egress.exceptCidrs ?? PRIVATE_IPV4_RANGES;
    for (const cidr of egress.cidrs ?? SEED.network.egressCidrs) {
      this.trafficPolicy.allowTo(
        { cidr, except: exceptCidrs.filter((except) => cidrContains(cidr, except)) },
        (egress.ports ?? SEED.network.egressPorts).map((port) => ({ port })),
      );
    }
  }
}

function toAccessMode(mode: NonNullable<AppStorage['accessMode']>): kplus.PersistentVolumeAccessMode {
  switch (mode) {
    case 'ReadWriteOnce':
      return kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE;
    case 'ReadWriteMany':
      return kplus.PersistentVolumeAccessMode.READ_WRITE_MANY;
    case 'ReadWriteOncePod':
      return kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD;
  }
}

interface HttpProbeSettings {
  readonly path: string;
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

function httpProbe(port: number, p: HttpProbeSettings): kplus.Probe {
  return kplus.Probe.fromHttpGet(p.path, {
    port,
    initialDelaySeconds: Duration.seconds(p.initialDelaySeconds),
    periodSeconds: Duration.seconds(p.periodSeconds),
    timeoutSeconds: Duration.seconds(p.timeoutSeconds),
    failureThreshold: p.failureThreshold,
  });
}
