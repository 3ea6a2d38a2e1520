import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SEED } from '../config/defaults';
import { BackingService, BackingServiceStorage } from './backing-service';
import { ComputeResources } from './resources';

/** Props for {@link RedisStore}. */
export interface RedisStoreProps {
  /** Object name prefix; the Service is `<name>-service`. @default 'redis' */
  readonly name?: string;
  /** Redis image. @default 'redis:7-alpine' */
  readonly image?: string;
  /** Data volume claim. @default - 20Gi ReadWriteOnce on standard */
  readonly storage?: Partial<BackingServiceStorage>;
  /** CPU and memory. @default - requests 100m/256Mi, limits 500m/512Mi */
  readonly resources?: ComputeResources;
}

/** Redis with append-only persistence, the app's memory store and cache. */
export class RedisStore extends Construct {
  /** Port Redis listens on. */
  public readonly port: number = SEED.redis.port;
  /** Connection URL the app uses, e.g. `redis://redis-service:6379`. */
  public readonly url: string;
  /** The Redis pod, Service and claim. */
  public readonly workload: BackingService;
  /** The Redis Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Redis Service; its name is the host in {@link url}. */
  public readonly service: kplus.Service;
  /** Claim for `/data`. */
  public readonly dataClaim: kplus.PersistentVolumeClaim;

  constructor(scope: Construct, id: string, props: RedisStoreProps = {}) {
    super(scope, id);
    this.workload = new BackingService(this, 'Workload', {
      name: props.name ?? SEED.redis.name,
      component: 'redis',
      image: props.image ?? SEED.redis.image,
      ports: [{ name: 'redis', number: this.port }],
      // Append-only persistence, so a restart keeps agent memory and not just the last snapshot.
      args: ['--appendonly', 'yes', '--dir', '/data'],
      dataPath: '/data',
      storage: { ...SEED.redis.storage, ...props.storage },
      resources: props.resources ?? SEED.redis.resources,
      liveness: kplus.Probe.fromTcpSocket({
        port: this.port,
        initialDelaySeconds: Duration.seconds(15),
        periodSeconds: Duration.seconds(10),
        timeoutSeconds: Duration.seconds(5),
        failureThreshold: 3,
      }),
      readiness: kplus.Probe.fromCommand(['redis-cli', 'ping'], {
        initialDelaySeconds: Duration.seconds(5),
        periodSeconds: Duration.seconds(5),
        timeoutSeconds: Duration.seconds(3),
        failureThreshold: 2,
      }),
    });
    this.deployment = this.workload.deployment;
    this.service = this.workload.service;
    this.dataClaim = this.workload.dataClaim;
    this.url = `redis://${this.service.name}:${this.port}`;
  }
}
