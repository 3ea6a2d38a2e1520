import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { backingServiceNames } from '../conventions/names';
import { ComputeResources } from './resources';
import { RunAsUser } from './security';
import { TrafficPolicy } from './traffic-policy';
import { trafficPeerOf } from './pod-peer';
import { buildWorkload } from './workload';

/** A port a backing service listens on. */
export interface BackingServicePort {
  /** Port name, shared by the container and the Service. */
  readonly name: string;
  /** Port number, the same on the container and the Service. */
  readonly number: number;
}

/** What a client needs to reach a backing service. */
export interface ServiceConnection {
  /** Non-secret settings, for the client's ConfigMap. */
  readonly config: Record<string, string>;
  /** Environment variables that reference secrets, in the order they must be defined. */
  readonly env: Record<string, kplus.EnvValue>;
}

/** Persistent storage of a backing service. */
export interface BackingServiceStorage {
  /** Requested capacity. */
  readonly size: string;
  /** StorageClass of the claim. */
  readonly storageClassName: string;
}

/** Props for {@link BackingService}. */
export interface BackingServiceProps {
  /** Object name prefix and value of the `app` label. */
  readonly name: string;
  /** `app.kubernetes.io/component` label. */
  readonly component: string;
  /** Container image. */
  readonly image: string;
  /** Ports to expose; the first is the primary one. */
  readonly ports: BackingServicePort[];
  /** Where the data volume is mounted. */
  readonly dataPath: string;
  /** Data volume claim. */
  readonly storage: BackingServiceStorage;
  /** CPU and memory. */
  readonly resources: ComputeResources;
  /** Container arguments. @default - the image's own command */
  readonly args?: string[];
  /** Plain and secret-backed environment variables. @default - none */
  readonly env?: Record<string, kplus.EnvValue>;
  /** Liveness probe. */
  readonly liveness: kplus.Probe;
  /** Readiness probe. */
  readonly readiness: kplus.Probe;
  /** The user the image runs as. */
  readonly runAsUser: RunAsUser;
  /** Directories the process writes besides its data, mounted as emptyDirs. @default ['/tmp'] */
  readonly scratchPaths?: string[];
  /** Memory-backed emptyDirs (tmpfs), such as Postgres' `/dev/shm`, each with its size limit. @default - none */
  readonly memoryDirs?: readonly MemoryDir[];
}

/** A tmpfs mounted into a backing service's container. */
export interface MemoryDir {
  /** Where it is mounted. */
  readonly path: string;
  /** Volume name in the pod spec. */
  readonly volumeName: string;
  /** Most it may hold; it counts against the container's memory limit. */
  readonly sizeLimit: Size;
}

/**
 * One stateful pod behind a ClusterIP Service, with its data on a
 * ReadWriteOnce claim: the shape shared by Redis and the vector databases.
 *
 * It runs a single replica with the `Recreate` strategy, because a rolling
 * update would start the new pod while the old one still holds the RWO volume.
 */
export class BackingService extends Construct {
  /** Labels that select the pod. */
  public readonly selectorLabels: Record<string, string>;
  /** The single-replica Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The workload's container. */
  public readonly container: kplus.Container;
  /** The ClusterIP Service; its name is the host clients connect to. */
  public readonly service: kplus.Service;
  /** The data volume claim. */
  public readonly dataClaim: kplus.PersistentVolumeClaim;
  /** The pod's own ServiceAccount, which mounts no API token. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The pod's NetworkPolicies; clients add themselves with `allowFrom`. */
  public readonly trafficPolicy: TrafficPolicy;
  /** Ports the pod and Service listen on. */
  public readonly ports: BackingServicePort[];

  constructor(scope: Construct, id: string, props: BackingServiceProps) {
    super(scope, id);
    const names = backingServiceNames(props.name);
    this.ports = props.ports;
    this.selectorLabels = { app: props.name };
    const workload = buildWorkload(this, {
      names,
      labels: { ...this.selectorLabels, 'app.kubernetes.io/component': props.component },
      selectorLabels: this.selectorLabels,
      runAsUser: props.runAsUser,
      storage: { ...props.storage, accessMode: kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE },
      deployment: { replicas: 1, strategy: kplus.DeploymentStrategy.recreate() },
      container: {
        name: props.name,
        image: props.image,
        args: props.args,
        ports: props.ports.map((p) => ({ name: p.name, number: p.number })),
        envVariables: props.env,
        liveness: props.liveness,
        readiness: props.readiness,
      },
      resources: props.resources,
      data: { path: props.dataPath, volumeName: 'data' },
      emptyDirs: (props.memoryDirs ?? []).map((dir, i) => ({
        id: `MemoryDir${i}`,
        volumeName: dir.volumeName,
        path: dir.path,
        medium: kplus.EmptyDirMedium.MEMORY,
        sizeLimit: dir.sizeLimit,
      })),
      scratchPaths: props.scratchPaths ?? ['/tmp'],
      servicePorts: props.ports.map((p) => ({ name: p.name, port: p.number, targetPort: p.number })),
    });
    // A backing service's claim is never per-pod: it runs one replica, under Recreate.
    if (!workload.dataClaim) throw new Error('unreachable: a backing service was built without its claim');
    this.dataClaim = workload.dataClaim;
    // A backing service always creates its own account.
    if (!(workload.serviceAccount instanceof kplus.ServiceAccount)) throw new Error('unreachable: a backing service was built without its ServiceAccount');
    this.serviceAccount = workload.serviceAccount;
    this.deployment = workload.deployment;
    this.container = workload.container;
    this.service = workload.service;
    this.trafficPolicy = new TrafficPolicy(this, 'TrafficPolicy', { name: props.name, podLabels: this.selectorLabels });
  }

  /**
   * Lets the pods of `workload` (any cdk8s-plus workload, Pod or
   * `Pods.select()`) connect on every port, by adding them to the ingress
   * NetworkPolicy. Once any client is allowed, pods not allowed are cut off.
   */
  public allowFrom(workload: kplus.IPodSelector): void {
    this.trafficPolicy.allowFrom(trafficPeerOf(this, 'allowFrom', workload), this.ports.map((p) => ({ port: p.number })));
  }
}
