import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { REDIS_PASSWORD_KEY, REDIS_USER, redisMemoryArgs } from '../conventions/backing-services';
import { Environment, SEED } from '../conventions/defaults';
import { BackingService, BackingServiceStorage, ServiceConnection } from './backing-service';
import { propsError } from './errors';
import { uniqueName } from './unique-names';
import { ComputeResourceOverrides, memoryBytes, withDefaultResources } from './resources';
import { ResolvedSecretKey, RunAsUser, SecretKeyReference, envFromSecretKey, requireSecretKey } from './security';

/** Props for {@link RedisStore}. */
export interface RedisStoreProps {
  /** Object name prefix; the Service is `<name>-service`. @default 'redis' for the first RedisStore in a namespace, else named from the construct id (see uniqueName) */
  readonly name?: string;
  /** Redis image. @default 'redis:7-alpine' */
  readonly image?: string;
  /** The image's own user; the official Alpine image's `redis` is 999:1000. @default - { uid: 999, gid: 1000 } */
  readonly runAsUser?: RunAsUser;
  /** Data volume claim. @default - 20Gi ReadWriteOnce on standard */
  readonly storage?: Partial<BackingServiceStorage>;
  /** CPU and memory; any quantity left out keeps its default. @default - requests 100m/256Mi, limits 500m/512Mi */
  readonly resources?: ComputeResourceOverrides;
  /** The Secret key holding the password Redis requires. Required when {@link requirePassword} is on. @default - none */
  readonly password?: SecretKeyReference;
  /** Deployment environment; outside development Redis requires a password by default. @default 'production' */
  readonly environment?: Environment;
  /** Require a password from {@link password}; `false` runs Redis without auth. @default - true when `password` is given or the environment is not 'development' */
  readonly requirePassword?: boolean;
}

/** Redis with append-only persistence, the app's memory store and cache. */
export class RedisStore extends Construct {
  /** Port Redis listens on. */
  public readonly port: number = SEED.redis.port;
  /** Connection URL without credentials, e.g. `redis://redis-service:6379`. */
  public readonly url: string;
  /** Settings that connect a client, including the password when one is required. */
  public readonly connection: ServiceConnection;
  /** The Redis pod, Service, claim, ServiceAccount and NetworkPolicy. */
  public readonly workload: BackingService;
  /** The Redis Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Redis Service; its name is the host in {@link url}. */
  public readonly service: kplus.Service;
  /** Claim for `/data`. */
  public readonly dataClaim: kplus.PersistentVolumeClaim;

  /** The Secret key holding the password, when Redis requires one. */
  public readonly password?: ResolvedSecretKey;
  /** Deployment environment. */
  public readonly environment: Environment;
  /** Whether Redis requires a password. */
  public readonly requirePassword: boolean;

  constructor(scope: Construct, id: string, props: RedisStoreProps = {}) {
    super(scope, id);
    this.environment = props.environment ?? 'production';
    // Secure by default, as the CLI is: only development runs without auth unless told otherwise.
    this.requirePassword = props.requirePassword ?? (props.password !== undefined || this.environment !== 'development');
    if (this.requirePassword && !props.password) {
      throw propsError(
        this,
        `Redis requires a password in environment '${this.environment}', but 'password' is unset; ` +
          `set 'password' to the Secret key that holds it, or 'requirePassword: false' to run Redis without auth`,
      );
    }
    if (!this.requirePassword && props.password) {
      throw propsError(
        this,
        `'requirePassword' is false, but 'password' is set; remove 'password', or drop 'requirePassword: false' to require it`,
      );
    }
    if (props.password) {
      this.password = { secret: props.password.secret, key: props.password.key ?? REDIS_PASSWORD_KEY };
      requireSecretKey(this, 'password', this.password);
    }
    const password = this.password ? envFromSecretKey(this.password) : undefined;
    const resources = withDefaultResources(this, props.resources, SEED.redis.resources);
    this.workload = new BackingService(this, 'Workload', {
      name: uniqueName(this, 'RedisStore', props.name, SEED.redis.name),
      component: 'redis',
      image: props.image ?? SEED.redis.image,
      runAsUser: props.runAsUser ?? REDIS_USER,
      ports: [{ name: 'redis', number: this.port }],
      // Append-only persistence, so a restart keeps agent memory and not just the last snapshot.
      // Kubernetes expands $(REDIS_PASSWORD) from the env below; the value is never in the manifest.
      // maxmemory below the container's limit, so Redis evicts keys before the kernel OOM-kills it (issue 21).
      args: [
        '--appendonly',
        'yes',
        '--dir',
        '/data',
        ...redisMemoryArgs(memoryBytes(this, 'resources.limits.memory', resources.limits.memory)),
        ...(password ? ['--requirepass', '$(REDIS_PASSWORD)'] : []),
      ],
      // redis-cli (the readiness probe) authenticates with REDISCLI_AUTH.
      env: password ? { REDIS_PASSWORD: password, REDISCLI_AUTH: password } : undefined,
      dataPath: '/data',
      storage: { ...SEED.redis.storage, ...props.storage },
      resources,
      liveness: livenessProbe(this.port),
      readiness: readinessProbe(),
    });
    this.deployment = this.workload.deployment;
    this.service = this.workload.service;
    this.dataClaim = this.workload.dataClaim;
    this.url = `redis://${this.service.name}:${this.port}`;
    this.connection = {
      config: { REDIS_URL: this.url },
      // The container's env wins over the ConfigMap's password-less REDIS_URL.
      env: password
        ? { REDIS_PASSWORD: password, REDIS_URL: kplus.EnvValue.fromValue(`redis://:$(REDIS_PASSWORD)@${this.service.name}:${this.port}`) }
        : {},
    };
  }

  /**
   * Lets a workload of your own (a CronJob, a Deployment, `Pods.select()`)
   * reach Redis: its pods join the ingress NetworkPolicy, which otherwise
   * admits only the SaplingsApps given this store. It still needs {@link connection}.
   */
  public allowFrom(workload: kplus.IPodSelector): void {
    this.workload.allowFrom(workload);
  }
}

function livenessProbe(port: number): kplus.Probe {
  return kplus.Probe.fromTcpSocket({
    port,
    initialDelaySeconds: Duration.seconds(15),
    periodSeconds: Duration.seconds(10),
    timeoutSeconds: Duration.seconds(5),
    failureThreshold: 3,
  });
}

/** redis-cli authenticates with REDISCLI_AUTH when a password is set. */
function readinessProbe(): kplus.Probe {
  return kplus.Probe.fromCommand(['redis-cli', 'ping'], {
    initialDelaySeconds: Duration.seconds(5),
    periodSeconds: Duration.seconds(5),
    timeoutSeconds: Duration.seconds(3),
    failureThreshold: 2,
  });
}
