import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { pullPolicyFor, selectPods } from './pods';
import { rollOnConfigChange } from './rollout';
import { ComputeResources, keepResourceSpelling, newClaim, toContainerResources } from './resources';
import { RunAsUser, mountScratch, restrictedContainerContext, restrictedPodContext } from './security';

/** An emptyDir mounted into the container, besides the scratch paths. */
export interface WorkloadEmptyDir {
  /** Construct id of the volume. */
  readonly id: string;
  /** Volume name in the pod spec. */
  readonly volumeName: string;
  /** Where it is mounted. */
  readonly path: string;
}

/** What a workload's claim, pod, container and Service are made of. */
export interface WorkloadOptions {
  /** Object names of the Deployment (and its ServiceAccount), the Service and the claim. */
  readonly names: { readonly deployment: string; readonly service: string; readonly dataClaim: string };
  /** Labels on every object and on the pods. */
  readonly labels: Record<string, string>;
  /** Labels the Deployment and the Service select the pods by. */
  readonly selectorLabels: Record<string, string>;
  /** The user the image runs as. */
  readonly runAsUser: RunAsUser;
  /** The data volume claim. */
  readonly storage: { readonly size: string; readonly storageClassName: string; readonly accessMode: kplus.PersistentVolumeAccessMode };
  /** Replicas and rollout strategy. */
  readonly deployment: Pick<kplus.DeploymentProps, 'replicas' | 'strategy'>;
  /** The container, apart from what every workload gets: pull policy, security context and resources. */
  readonly container: Omit<kplus.ContainerProps, 'resources' | 'securityContext' | 'imagePullPolicy'>;
  /** CPU and memory of the container. */
  readonly resources: ComputeResources;
  /** Where the claim is mounted, and the volume's name. */
  readonly data: { readonly path: string; readonly volumeName: string };
  /** emptyDirs mounted after the data volume. */
  readonly emptyDirs: readonly WorkloadEmptyDir[];
  /** Directories the process writes besides its data, mounted as emptyDirs last. */
  readonly scratchPaths: readonly string[];
  /** The Service's ports. */
  readonly servicePorts: readonly { readonly name: string; readonly port: number; readonly targetPort: number }[];
}

/** The parts {@link buildWorkload} creates. */
export interface Workload {
  /** The data volume claim. */
  readonly dataClaim: kplus.PersistentVolumeClaim;
  /** The pods' own ServiceAccount, which mounts no API token. */
  readonly serviceAccount: kplus.ServiceAccount;
  /** The Deployment. */
  readonly deployment: kplus.Deployment;
  /** Its only container. */
  readonly container: kplus.Container;
  /** The ClusterIP Service in front of the pods. */
  readonly service: kplus.Service;
}

/**
 * The shape the app and every backing service share: a claim, a
 * ServiceAccount without an API token, a Deployment whose pod and container
 * meet Pod Security "restricted", and a ClusterIP Service selecting the pods by
 * plain labels, whose pods roll when a ConfigMap or inline Secret they read
 * changes ({@link rollOnConfigChange}). The children are created in `scope`, with the ids they have
 * always had, so generated names and construct paths stay stable.
 */
export function buildWorkload(scope: Construct, o: WorkloadOptions): Workload {
  const dataClaim = newClaim(scope, 'DataClaim', {
    name: o.names.dataClaim,
    labels: o.labels,
    size: o.storage.size,
    storageClassName: o.storage.storageClassName,
    accessMode: o.storage.accessMode,
  });

  const serviceAccount = new kplus.ServiceAccount(scope, 'ServiceAccount', {
    metadata: { name: o.names.deployment, labels: o.labels },
    automountToken: false,
  });

  const deployment = new kplus.Deployment(scope, 'Deployment', {
    ...o.deployment,
    metadata: { name: o.names.deployment, labels: o.labels },
    select: false,
    podMetadata: { labels: o.labels },
    serviceAccount,
    automountServiceAccountToken: false,
    securityContext: restrictedPodContext(o.runAsUser),
  });

  const container = deployment.addContainer({
    ...o.container,
    imagePullPolicy: pullPolicyFor(o.container.image),
    securityContext: restrictedContainerContext(o.runAsUser),
    resources: toContainerResources(scope, o.resources),
  });
  keepResourceSpelling(deployment, 0, container, o.resources);
  rollOnConfigChange(deployment);
  container.mount(o.data.path, kplus.Volume.fromPersistentVolumeClaim(scope, 'DataVolume', dataClaim, { name: o.data.volumeName }));
  for (const dir of o.emptyDirs) {
    container.mount(dir.path, kplus.Volume.fromEmptyDir(scope, dir.id, dir.volumeName));
  }
  mountScratch(scope, container, o.scratchPaths);

  const service = new kplus.Service(scope, 'Service', {
    metadata: { name: o.names.service, labels: o.labels },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: o.servicePorts.map((p) => ({ ...p, protocol: kplus.Protocol.TCP })),
  });
  selectPods(deployment, service, o.selectorLabels);
  return { dataClaim, serviceAccount, deployment, container, service };
}
