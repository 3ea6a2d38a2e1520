import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { VECTOR_DB, VectorDbEngine } from '../conventions/backing-services';
import { Environment, SEED } from '../conventions/defaults';
import { appObjectNames, backingServiceNames } from '../conventions/names';
import { BackingService, BackingServicePort, BackingServiceStorage, ServiceConnection } from './backing-service';
import { ComputeResourceOverrides, memoryBytes, withDefaultResources } from './resources';
import { ResolvedSecretKey, RunAsUser, SecretKeyReference, envFromSecretKey, requireSecretKey } from './security';
import { uniqueName } from './unique-names';

/** Props for {@link VectorDb}. */
export interface VectorDbProps {
  /** Which engine to run. */
  readonly engine: VectorDbEngine;
  /** Object name prefix; the Service is `<name>-service`. @default - the engine name for the first VectorDb of that engine in a namespace, else named from the construct id (see uniqueName) */
  readonly name?: string;
  /** Image. @default - pgvector/pgvector:0.8.0-pg16 or qdrant/qdrant:v1.13.4-unprivileged */
  readonly image?: string;
  /** The image's own user. @default - 999:999 for pgvector, 1000:1000 for qdrant */
  readonly runAsUser?: RunAsUser;
  /** Data volume claim. @default - 50Gi ReadWriteOnce on standard */
  readonly storage?: Partial<BackingServiceStorage>;
  /** CPU and memory; any quantity left out keeps its default. @default - requests 250m/1Gi, limits 1000m/2Gi */
  readonly resources?: ComputeResourceOverrides;
  /** The Secret key holding the Postgres password or the Qdrant API key. @default - key POSTGRES_PASSWORD or QDRANT_API_KEY of the Secret named 'saplings-secrets' */
  readonly credentials?: SecretKeyReference;
  /** Qdrant only: require an API key from the Secret; `false` runs Qdrant without auth. Postgres always requires its password. @default - true unless the environment is 'development' */
  readonly requireApiKey?: boolean;
  /** Deployment environment; outside development Qdrant requires an API key by default. @default 'production' */
  readonly environment?: Environment;
}

/** How one engine runs as a workload and how a client reaches it. */
interface EngineSpec {
  /** Ports it listens on; the first is the one clients use. */
  readonly ports: readonly BackingServicePort[];
  /** Where its data volume is mounted. */
  readonly dataPath: string;
  /** Directories it writes besides its data. */
  readonly scratchPaths: readonly string[];
  /** The share of the memory limit given to a tmpfs at `/dev/shm`, for engines that use shared memory. @default - none */
  readonly shmShare?: number;
  /** Scripts the image runs once, when it initializes an empty data directory, by file name. */
  readonly initScripts?: Readonly<Record<string, string>>;
  /** Whether it reads its credential, given `requireApiKey`. */
  readonly readsCredential: (requireApiKey: boolean) => boolean;
  /** The container's env, with the credential when it reads one. */
  readonly env: (credential: kplus.EnvValue | undefined) => Record<string, kplus.EnvValue> | undefined;
  /** Liveness and readiness probes. */
  readonly probes: () => { readonly liveness: kplus.Probe; readonly readiness: kplus.Probe };
  /** What a client needs, given the Service host. */
  readonly connection: (host: string, credential: kplus.EnvValue | undefined) => ServiceConnection;
}

const PG = { user: 'saplings', database: 'saplings', dataPath: '/var/lib/postgresql/data', port: 5432 } as const;

/** Where the official Postgres image's entrypoint looks for `*.sql` and `*.sh` to run on a fresh data directory. */
export const POSTGRES_INIT_SCRIPTS_PATH = '/docker-entrypoint-initdb.d';
const QDRANT_HTTP_PORT = 6333;

/**
 * The vector-DB engines as workloads. Image, user and secret key are the
 * conventions' {@link VECTOR_DB}; this adds what only a running pod needs.
 */
const ENGINES: Readonly<Record<VectorDbEngine, EngineSpec>> = {
  pgvector: {
    ports: [{ name: 'postgres', number: PG.port }],
    dataPath: PG.dataPath,
    // The socket and lock file live in /var/run/postgresql.
    scratchPaths: ['/tmp', '/var/run/postgresql'],
    // Postgres keeps parallel query and index-build shared memory in /dev/shm, which a container gets at 64 MB
    // unless a memory emptyDir is mounted there; a quarter of the limit leaves the rest to shared_buffers and backends.
    // https://github.com/docker-library/docs/blob/master/postgres/README.md#caveats (shm), https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
    shmShare: 0.25,
    // The app's first query needs the type; the entrypoint runs this as POSTGRES_USER, the database's owner and a superuser.
    initScripts: { 'create-vector-extension.sql': 'CREATE EXTENSION IF NOT EXISTS vector;\n' },
    readsCredential: () => true,
    env: (credential) => ({
      POSTGRES_DB: kplus.EnvValue.fromValue(PG.database),
      POSTGRES_USER: kplus.EnvValue.fromValue(PG.user),
      POSTGRES_PASSWORD: required(credential),
      // initdb refuses a non-empty directory, and a fresh volume has lost+found at its root.
      PGDATA: kplus.EnvValue.fromValue(`${PG.dataPath}/pgdata`),
    }),
    probes: () => {
      const pgReady = ['pg_isready', '-U', PG.user, '-d', PG.database];
      return { liveness: kplus.Probe.fromCommand(pgReady, probeTiming(30, 10)), readiness: kplus.Probe.fromCommand(pgReady, probeTiming(5, 5)) };
    },
    connection: (host, credential) => ({
      config: { VECTOR_DB_ENGINE: 'pgvector' },
      env: {
        POSTGRES_PASSWORD: required(credential),
        // Kubernetes expands $(POSTGRES_PASSWORD) from the variable above, so no password is written down.
        DATABASE_URL: kplus.EnvValue.fromValue(`postgresql://${PG.user}:$(POSTGRES_PASSWORD)@${host}:${PG.port}/${PG.database}`),
      },
    }),
  },
  qdrant: {
    ports: [
      { name: 'http', number: QDRANT_HTTP_PORT },
      { name: 'grpc', number: 6334 },
    ],
    dataPath: '/qdrant/storage',
    scratchPaths: ['/tmp', '/qdrant/snapshots'],
    readsCredential: (requireApiKey) => requireApiKey,
    env: (credential) => (credential ? { QDRANT__SERVICE__API_KEY: credential } : undefined),
    // Health endpoints stay open without the API key.
    probes: () => ({
      liveness: kplus.Probe.fromHttpGet('/livez', { port: QDRANT_HTTP_PORT, ...probeTiming(15, 10) }),
      readiness: kplus.Probe.fromHttpGet('/readyz', { port: QDRANT_HTTP_PORT, ...probeTiming(5, 5) }),
    }),
    connection: (host, credential) => ({
      config: { VECTOR_DB_ENGINE: 'qdrant', QDRANT_URL: `http://${host}:${QDRANT_HTTP_PORT}` },
      env: credential ? { QDRANT_API_KEY: credential } : noEnv(),
    }),
  },
};

/** Whether `engine` reads a credential from a Secret: pgvector always, qdrant only with `requireApiKey`. */
export function vectorDbReadsCredential(engine: VectorDbEngine, requireApiKey = false): boolean {
  return ENGINES[engine].readsCredential(requireApiKey);
}

/** A single-node vector database: Postgres with pgvector, or Qdrant. */
export class VectorDb extends Construct {
  /** The engine this database runs. */
  public readonly engine: VectorDbEngine;
  /** Ports the database listens on. */
  public readonly ports: BackingServicePort[];
  /** The database pod, Service, claim, ServiceAccount and NetworkPolicy. */
  public readonly workload: BackingService;
  /** The database Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The database Service. */
  public readonly service: kplus.Service;
  /** Claim for the data directory. */
  public readonly dataClaim: kplus.PersistentVolumeClaim;
  /** pgvector only: the scripts Postgres runs on its first start (`CREATE EXTENSION IF NOT EXISTS vector`), mounted at `/docker-entrypoint-initdb.d`. */
  public readonly initScripts?: kplus.ConfigMap;
  /** Settings that connect the app to this database. */
  public readonly connection: ServiceConnection;
  /** The Secret key the database reads its credential from, when it reads one. */
  public readonly credentials?: ResolvedSecretKey;
  /** Secret keys this database reads; the Secret in {@link credentials} must hold them. */
  public readonly secretKeys: string[];
  /** Deployment environment. */
  public readonly environment: Environment;

  constructor(scope: Construct, id: string, props: VectorDbProps) {
    super(scope, id);
    this.engine = props.engine;
    const spec = ENGINES[props.engine];
    const name = uniqueName(this, 'VectorDb', props.name, props.engine);
    this.environment = props.environment ?? 'production';
    // Secure by default, as the CLI is: only development runs Qdrant without an API key unless told otherwise.
    const requireApiKey = props.requireApiKey ?? this.environment !== 'development';
    if (spec.readsCredential(requireApiKey)) {
      this.credentials = {
        secret: props.credentials?.secret ?? kplus.Secret.fromSecretName(this, 'Credentials', appObjectNames(SEED.name).secret),
        key: props.credentials?.key ?? VECTOR_DB[props.engine].secretKey,
      };
      requireSecretKey(this, 'credentials', this.credentials);
    }
    this.secretKeys = this.credentials ? [this.credentials.key] : [];
    const credential = this.credentials ? envFromSecretKey(this.credentials) : undefined;
    this.ports = [...spec.ports];
    const resources = withDefaultResources(this, props.resources, SEED.vectorDb.resources);
    const limitBytes = memoryBytes(this, 'resources.limits.memory', resources.limits.memory);
    this.workload = new BackingService(this, 'Workload', {
      name,
      component: 'vector-db',
      image: props.image ?? VECTOR_DB[props.engine].image,
      runAsUser: props.runAsUser ?? VECTOR_DB[props.engine].user,
      storage: { ...SEED.vectorDb.storage, ...props.storage },
      resources,
      ports: this.ports,
      dataPath: spec.dataPath,
      scratchPaths: [...spec.scratchPaths],
      memoryDirs: spec.shmShare ? [{ path: '/dev/shm', volumeName: 'dshm', sizeLimit: Size.mebibytes(Math.floor((limitBytes * spec.shmShare) / 2 ** 20)) }] : [],
      env: spec.env(credential),
      ...spec.probes(),
    });
    this.deployment = this.workload.deployment;
    this.service = this.workload.service;
    this.dataClaim = this.workload.dataClaim;
    this.connection = spec.connection(backingServiceNames(name).service, credential);
    if (spec.initScripts) {
      this.initScripts = new kplus.ConfigMap(this, 'InitScripts', {
        metadata: { name: backingServiceNames(name).initScripts, labels: { ...this.workload.selectorLabels, 'app.kubernetes.io/component': 'vector-db' } },
        data: { ...spec.initScripts },
      });
      const volume = kplus.Volume.fromConfigMap(this, 'InitScriptsVolume', this.initScripts, { name: 'initdb' });
      this.workload.container.mount(POSTGRES_INIT_SCRIPTS_PATH, volume, { readOnly: true });
    }
  }

  /**
   * Lets a workload of your own (a CronJob, a Deployment, `Pods.select()`)
   * reach the database on its ports: its pods join the ingress NetworkPolicy,
   * which otherwise admits only the SaplingsApps given this database.
   */
  public allowFrom(workload: kplus.IPodSelector): void {
    this.workload.allowFrom(workload);
  }
}

function noEnv(): Record<string, kplus.EnvValue> {
  return {};
}

function required(credential: kplus.EnvValue | undefined): kplus.EnvValue {
  if (!credential) throw new Error('unreachable: an engine that always reads its credential was built without one');
  return credential;
}

function probeTiming(initialDelaySeconds: number, periodSeconds: number) {
  return {
    initialDelaySeconds: Duration.seconds(initialDelaySeconds),
    periodSeconds: Duration.seconds(periodSeconds),
    timeoutSeconds: Duration.seconds(5),
    failureThreshold: 3,
  };
}
