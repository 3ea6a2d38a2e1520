import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { pullPolicyFor, selectPods } from './pods';
import { rollOnConfigChange } from './rollout';
import { ComputeResources, claimStorageQuantity, keepResourceSpelling, newClaim, toContainerResources } from './resources';
import { propsError } from './errors';
import { RunAsUser, mountScratch, restrictedContainerContext, restrictedPodContext } from './security';

/** An emptyDir mounted into the container, besides the scratch paths. */
export interface WorkloadEmptyDir {
  /** Construct id of the volume. */
  readonly id: string;
  /** Volume name in the pod spec. */
  readonly volumeName: string;
  /** Where it is mounted. */
  readonly path: string;
  /** `Memory` for a tmpfs (it counts against the container's memory limit). @default - the node's disk */
  readonly medium?: kplus.EmptyDirMedium;
  /** Most the volume may hold before the pod is evicted. @default - no limit */
  readonly sizeLimit?: Size;
}

/** What a workload's claim, pod, container and Service are made of. */
export interface WorkloadOptions {
  /** Object names of the Deployment (and its ServiceAccount), the Service and the claim. */
  readonly names: { readonly deployment: string; readonly service: string; readonly dataClaim: string };
  /** The pods' ServiceAccount: created (named and annotated as given), or an existing one by name. @default - created, named after the Deployment */
  readonly serviceAccount?: { readonly create?: boolean; readonly name?: string; readonly annotations?: Record<string, string> };
  /** Labels on every object and on the pods. */
  readonly labels: Record<string, string>;
  /** Labels the Deployment and the Service select the pods by. */
  readonly selectorLabels: Record<string, string>;
  /** The user the image runs as. */
  readonly runAsUser: RunAsUser;
  /**
   * The data volume claim. With `perPod`, each pod gets a claim of its own
   * from a generic ephemeral volume's template, created and deleted with it:
   * https://kubernetes.io/docs/concepts/storage/ephemeral-volumes/#generic-ephemeral-volumes
   */
  readonly storage: {
    readonly size: string;
    readonly storageClassName?: string;
    readonly accessMode: kplus.PersistentVolumeAccessMode;
    readonly perPod?: boolean;
  };
  /** Replicas and rollout strategy. */
  readonly deployment: Pick<kplus.DeploymentProps, 'replicas' | 'strategy' | 'terminationGracePeriod'>;
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
  /** The data volume claim shared by every pod; unset when each pod has its own (`storage.perPod`). */
  readonly dataClaim?: kplus.PersistentVolumeClaim;
  /** The data volume of the pod. */
  readonly dataVolume: kplus.Volume;
  /** The pods' ServiceAccount: their own, which mounts no API token, or an existing one. */
  readonly serviceAccount: kplus.IServiceAccount;
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
  const dataClaim = o.storage.perPod
    ? undefined
    : newClaim(scope, 'DataClaim', {
        name: o.names.dataClaim,
        labels: o.labels,
        size: o.storage.size,
        storageClassName: o.storage.storageClassName,
        accessMode: o.storage.accessMode,
      });

  const account = o.serviceAccount ?? {};
  // An existing account is only referenced; its annotations (IRSA, Workload Identity) are its owner's.
  const serviceAccount =
    account.create === false
      ? kplus.ServiceAccount.fromServiceAccountName(scope, 'ServiceAccount', requireAccountName(scope, account.name))
      : new kplus.ServiceAccount(scope, 'ServiceAccount', {
          metadata: { name: account.name ?? o.names.deployment, labels: o.labels, annotations: account.annotations },
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
  const dataVolume = dataClaim
    ? kplus.Volume.fromPersistentVolumeClaim(scope, 'DataVolume', dataClaim, { name: o.data.volumeName })
    : ephemeralClaimVolume(scope, 'DataVolume', o.data.volumeName, o.labels, o.storage);
  container.mount(o.data.path, dataVolume);
  for (const dir of o.emptyDirs) {
    container.mount(dir.path, kplus.Volume.fromEmptyDir(scope, dir.id, dir.volumeName, { medium: dir.medium, sizeLimit: dir.sizeLimit }));
  }
  mountScratch(scope, container, o.scratchPaths);

  const service = new kplus.Service(scope, 'Service', {
    metadata: { name: o.names.service, labels: o.labels },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: o.servicePorts.map((p) => ({ ...p, protocol: kplus.Protocol.TCP })),
  });
  selectPods(deployment, service, o.selectorLabels);
  return { dataClaim, dataVolume, serviceAccount, deployment, container, service };
}

function requireAccountName(scope: Construct, name: string | undefined): string {
  if (name === undefined) throw propsError(scope, "'serviceAccount.create' is false, so 'serviceAccount.name' must name the existing ServiceAccount the pods run as");
  return name;
}

/** cdk8s-plus' Volume has factories for every source but `ephemeral`; its constructor takes the source as written. */
const VolumeOf = kplus.Volume as unknown as new (scope: Construct, id: string, name: string, config: Omit<kplus.k8s.Volume, 'name'>) => kplus.Volume;

/**
 * A generic ephemeral volume: the pod's own claim, made from this template
 * when the pod is created, bound by the class's provisioner, and deleted with
 * the pod (the claim is named `<pod>-<volume>` and owned by the pod).
 * https://kubernetes.io/docs/concepts/storage/ephemeral-volumes/#generic-ephemeral-volumes
 */
function ephemeralClaimVolume(scope: Construct, id: string, name: string, labels: Record<string, string>, storage: WorkloadOptions['storage']): kplus.Volume {
  return new VolumeOf(scope, id, name, {
    ephemeral: {
      volumeClaimTemplate: {
        metadata: { labels },
        spec: {
          accessModes: [storage.accessMode],
          storageClassName: storage.storageClassName,
          resources: { requests: { storage: claimStorageQuantity(scope, storage.size) } },
        },
      },
    },
  });
}
