import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { VECTOR_DB_IMAGES, VECTOR_DB_SECRET_KEYS, VECTOR_DB_USERS, VectorDbEngine } from '../conventions/backing-services';
import { SEED } from '../conventions/defaults';
import { BackingService, BackingServicePort, BackingServiceStorage, ServiceConnection } from './backing-service';
import { appObjectNames, backingServiceNames } from '../conventions/names';
import { ComputeResources } from './resources';
import { RunAsUser, fromSecretKey } from './security';

/** Props for {@link VectorDb}. */
export interface VectorDbProps {
  /** Which engine to run. */
  readonly engine: VectorDbEngine;
  /** Object name prefix; the Service is `<name>-service`. @default - the engine name */
  readonly name?: string;
  /** Image. @default - pgvector/pgvector:0.8.0-pg16 or qdrant/qdrant:v1.13.4-unprivileged */
  readonly image?: string;
  /** The image's own user. @default - 999:999 for pgvector, 1000:1000 for qdrant */
  readonly runAsUser?: RunAsUser;
  /** Data volume claim. @default - 50Gi ReadWriteOnce on standard */
  readonly storage?: Partial<BackingServiceStorage>;
  /** CPU and memory. @default - requests 250m/1Gi, limits 1000m/2Gi */
  readonly resources?: ComputeResources;
  /** Secret holding `POSTGRES_PASSWORD` (pgvector) or `QDRANT_API_KEY` (qdrant). @default 'saplings-secrets' */
  readonly credentialsSecretName?: string;
  /** Qdrant only: require an API key from the Secret. Postgres always requires its password. @default false */
  readonly requireApiKey?: boolean;
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
  /** Settings that connect the app to this database. */
  public readonly connection: ServiceConnection;
  /** Secret keys this database reads; the app's Secret must hold them. */
  public readonly secretKeys: string[];

  constructor(scope: Construct, id: string, props: VectorDbProps) {
    super(scope, id);
    this.engine = props.engine;
    const name = props.name ?? props.engine;
    const host = backingServiceNames(name).service;
    const credential = fromSecretKey(this, {
      secretName: props.credentialsSecretName ?? appObjectNames(SEED.name).secret,
      key: VECTOR_DB_SECRET_KEYS[props.engine],
    });
    const common = {
      name,
      component: 'vector-db',
      image: props.image ?? VECTOR_DB_IMAGES[props.engine],
      runAsUser: props.runAsUser ?? VECTOR_DB_USERS[props.engine],
      storage: { ...SEED.vectorDb.storage, ...props.storage },
      resources: props.resources ?? SEED.vectorDb.resources,
    };

    if (props.engine === 'pgvector') {
      const pgReady = ['pg_isready', '-U', PG.user, '-d', PG.database];
      this.ports = [{ name: 'postgres', number: 5432 }];
      this.secretKeys = [VECTOR_DB_SECRET_KEYS.pgvector];
      this.workload = new BackingService(this, 'Workload', {
        ...common,
        ports: this.ports,
        dataPath: PG.dataPath,
        // The socket and lock file live in /var/run/postgresql.
        scratchPaths: ['/tmp', '/var/run/postgresql'],
        env: {
          POSTGRES_DB: kplus.EnvValue.fromValue(PG.database),
          POSTGRES_USER: kplus.EnvValue.fromValue(PG.user),
          POSTGRES_PASSWORD: credential,
          // initdb refuses a non-empty directory, and a fresh volume has lost+found at its root.
          PGDATA: kplus.EnvValue.fromValue(`${PG.dataPath}/pgdata`),
        },
        liveness: kplus.Probe.fromCommand(pgReady, probeTiming(30, 10)),
        readiness: kplus.Probe.fromCommand(pgReady, probeTiming(5, 5)),
      });
      this.connection = {
        config: { VECTOR_DB_ENGINE: 'pgvector' },
        env: {
          POSTGRES_PASSWORD: credential,
          // Kubernetes expands $(POSTGRES_PASSWORD) from the variable above, so no password is written down.
          DATABASE_URL: kplus.EnvValue.fromValue(
            `postgresql://${PG.user}:$(POSTGRES_PASSWORD)@${host}:${this.ports[0].number}/${PG.database}`,
          ),
        },
      };
    } else {
      const apiKey = props.requireApiKey ?? false;
      this.ports = [
        { name: 'http', number: 6333 },
        { name: 'grpc', number: 6334 },
      ];
      this.secretKeys = apiKey ? [VECTOR_DB_SECRET_KEYS.qdrant] : [];
      this.workload = new BackingService(this, 'Workload', {
        ...common,
        ports: this.ports,
        dataPath: '/qdrant/storage',
        scratchPaths: ['/tmp', '/qdrant/snapshots'],
        env: apiKey ? { QDRANT__SERVICE__API_KEY: credential } : undefined,
        // Health endpoints stay open without the API key.
        liveness: kplus.Probe.fromHttpGet('/livez', { port: 6333, ...probeTiming(15, 10) }),
        readiness: kplus.Probe.fromHttpGet('/readyz', { port: 6333, ...probeTiming(5, 5) }),
      });
      this.connection = {
        config: { VECTOR_DB_ENGINE: 'qdrant', QDRANT_URL: `http://${host}:${this.ports[0].number}` },
        env: apiKey ? { QDRANT_API_KEY: credential } : {},
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
