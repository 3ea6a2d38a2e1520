import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SEED } from '../config/defaults';
import { BackingService, BackingServicePort, BackingServiceStorage } from './backing-service';
import { appObjectNames, backingServiceNames } from './names';
import { ComputeResources } from './resources';

/** Vector database engines SaplingsApp can use. */
export const VECTOR_DB_ENGINES = ['pgvector', 'qdrant'] as const;

/** A vector database engine. */
export type VectorDbEngine = (typeof VECTOR_DB_ENGINES)[number];

/** Images each engine runs by default, pinned. */
export const VECTOR_DB_IMAGES: Readonly<Record<VectorDbEngine, string>> = {
  // The pgvector project's image: official Postgres 16 (Debian) with the extension built in.
  pgvector: 'pgvector/pgvector:0.8.0-pg16',
  qdrant: 'qdrant/qdrant:v1.13.4',
};

/** Props for {@link VectorDb}. */
export interface VectorDbProps {
  /** Which engine to run. */
  readonly engine: VectorDbEngine;
  /** Object name prefix; the Service is `<name>-service`. @default - the engine name */
  readonly name?: string;
  /** Image. @default - pgvector/pgvector:0.8.0-pg16 or qdrant/qdrant:v1.13.4 */
  readonly image?: string;
  /** Data volume claim. @default - 50Gi ReadWriteOnce on standard */
  readonly storage?: Partial<BackingServiceStorage>;
  /** CPU and memory. @default - requests 250m/1Gi, limits 1000m/2Gi */
  readonly resources?: ComputeResources;
  /** Secret holding `POSTGRES_PASSWORD` (pgvector only). @default 'saplings-secrets' */
  readonly credentialsSecretName?: string;
}

/** What the app needs to reach a vector database. */
export interface VectorDbConnection {
  /** Non-secret settings, for the app's ConfigMap. */
  readonly config: Record<string, string>;
  /** Environment variables that reference secrets, for the app's container. */
  readonly env: Record<string, kplus.EnvValue>;
}

/** A single-node vector database: Postgres with pgvector, or Qdrant. */
export class VectorDb extends Construct {
  /** The engine this database runs. */
  public readonly engine: VectorDbEngine;
  /** Ports the database listens on. */
  public readonly ports: BackingServicePort[];
  /** The database pod, Service and claim. */
  public readonly workload: BackingService;
  /** The database Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The database Service. */
  public readonly service: kplus.Service;
  /** Claim for the data directory. */
  public readonly dataClaim: kplus.PersistentVolumeClaim;
  /** Settings that connect the app to this database. */
  public readonly connection: VectorDbConnection;

  constructor(scope: Construct, id: string, props: VectorDbProps) {
    super(scope, id);
    this.engine = props.engine;
    const name = props.name ?? props.engine;
    const common = {
      name,
      component: 'vector-db',
      image: props.image ?? VECTOR_DB_IMAGES[props.engine],
      storage: { ...SEED.vectorDb.storage, ...props.storage },
      resources: props.resources ?? SEED.vectorDb.resources,
    };
    const host = backingServiceNames(name).service;

    if (props.engine === 'pgvector') {
      const password = kplus.EnvValue.fromSecretValue({
        secret: kplus.Secret.fromSecretName(this, 'Credentials', props.credentialsSecretName ?? appObjectNames(SEED.name).secret),
        key: 'POSTGRES_PASSWORD',
      });
      const pgReady = ['pg_isready', '-U', PG.user, '-d', PG.database];
      this.ports = [{ name: 'postgres', number: 5432 }];
      this.workload = new BackingService(this, 'Workload', {
        ...common,
        ports: this.ports,
        dataPath: PG.dataPath,
        env: {
          POSTGRES_DB: kplus.EnvValue.fromValue(PG.database),
          POSTGRES_USER: kplus.EnvValue.fromValue(PG.user),
          POSTGRES_PASSWORD: password,
          // initdb refuses a non-empty directory, and a fresh volume has lost+found at its root.
          PGDATA: kplus.EnvValue.fromValue(`${PG.dataPath}/pgdata`),
        },
        liveness: kplus.Probe.fromCommand(pgReady, probeTiming(30, 10)),
        readiness: kplus.Probe.fromCommand(pgReady, probeTiming(5, 5)),
      });
      this.connection = {
        config: { VECTOR_DB_ENGINE: 'pgvector' },
        env: {
          POSTGRES_PASSWORD: password,
          // Kubernetes expands $(POSTGRES_PASSWORD) from the variable above, so no password is written down.
          DATABASE_URL: kplus.EnvValue.fromValue(
            `postgresql://${PG.user}:$(POSTGRES_PASSWORD)@${host}:${this.ports[0].number}/${PG.database}`,
          ),
        },
      };
    } else {
      this.ports = [
        { name: 'http', number: 6333 },
        { name: 'grpc', number: 6334 },
      ];
      this.workload = new BackingService(this, 'Workload', {
        ...common,
        ports: this.ports,
        dataPath: '/qdrant/storage',
        liveness: kplus.Probe.fromHttpGet('/livez', { port: 6333, ...probeTiming(15, 10) }),
        readiness: kplus.Probe.fromHttpGet('/readyz', { port: 6333, ...probeTiming(5, 5) }),
      });
      this.connection = {
        config: { VECTOR_DB_ENGINE: 'qdrant', QDRANT_URL: `http://${host}:${this.ports[0].number}` },
        env: {},
      };
    }
    this.deployment = this.workload.deployment;
    this.service = this.workload.service;
    this.dataClaim = this.workload.dataClaim;
  }
}

const PG = { user: 'saplings', database: 'saplings', dataPath: '/var/lib/postgresql/data' } as const;

function probeTiming(initialDelaySeconds: number, periodSeconds: number) {
  return {
    initialDelaySeconds: Duration.seconds(initialDelaySeconds),
    periodSeconds: Duration.seconds(periodSeconds),
    timeoutSeconds: Duration.seconds(5),
    failureThreshold: 3,
  };
}
