import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** CPU and memory of one container, as Kubernetes quantities (`500m`, `2Gi`). */
export interface ComputeResources {
  /** What the scheduler reserves. */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** The ceiling; memory above it gets the container OOM-killed. */
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * Sets a container's requests and limits exactly as written.
 *
 * cdk8s-plus would rewrite `2Gi` as `2048Mi`; the output should read like the
 * config that produced it, so the quantities are patched in verbatim.
 */
export function setContainerResources(workload: Construct, containerIndex: number, r: ComputeResources): void {
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.replace(`/spec/template/spec/containers/${containerIndex}/resources`, {
      limits: { cpu: quantity(r.limits.cpu), memory: quantity(r.limits.memory) },
      requests: { cpu: quantity(r.requests.cpu), memory: quantity(r.requests.memory) },
    }),
  );
}

/**
 * A patch value for a quantity field. cdk8s-plus runs patched objects through
 * its generated `toJson_*` mappers, which read quantities as `k8s.Quantity`.
 */
function quantity(value: string): kplus.k8s.Quantity {
  return kplus.k8s.Quantity.fromString(value);
}

/** Props for a claim whose size is kept exactly as written. */
export interface ClaimOptions {
  /** Object name. */
  readonly name: string;
  /** Labels on the claim. */
  readonly labels: Record<string, string>;
  /** Requested capacity as a Kubernetes quantity. */
  readonly size: string;
  /** StorageClass of the claim. */
  readonly storageClassName: string;
  /** How the volume may be mounted. */
  readonly accessMode: kplus.PersistentVolumeAccessMode;
}

/** A PersistentVolumeClaim whose requested size keeps the user's spelling (`100Gi`, `500G`). */
export function newClaim(scope: Construct, id: string, o: ClaimOptions): kplus.PersistentVolumeClaim {
  const claim = new kplus.PersistentVolumeClaim(scope, id, {
    metadata: { name: o.name, labels: o.labels },
    accessModes: [o.accessMode],
    // Placeholder: cdk8s-plus only knows binary units, the patch below writes the real value.
    storage: Size.gibibytes(1),
    storageClassName: o.storageClassName,
  });
  ApiObject.of(claim).addJsonPatch(JsonPatch.replace('/spec/resources/requests/storage', quantity(o.size)));
  return claim;
}
