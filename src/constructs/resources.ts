import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { QUANTITY_HELP, compareQuantities, parseQuantity } from '../conventions/quantity';
import { propsError } from './errors';

/** CPU and memory of one container, as Kubernetes quantities (`500m`, `2Gi`). */
export interface ComputeResources {
  /** What the scheduler reserves. */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** The ceiling; memory above it gets the container OOM-killed. */
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** CPU and memory of one container, any part of which may be left to the construct's default. */
export interface ComputeResourceOverrides {
  /** What the scheduler reserves; a missing cpu or memory keeps its default. @default - the default requests */
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  /** The ceiling; a missing cpu or memory keeps its default. @default - the default limits */
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/**
 * `given` over `defaults`, quantity by quantity, so a user can set only the
 * memory limit, say. Throws when a request ends up above its limit, which the
 * API server refuses, naming both quantities.
 */
export function withDefaultResources(scope: Construct, given: ComputeResourceOverrides | undefined, defaults: ComputeResources): ComputeResources {
  const resources: ComputeResources = {
    requests: { ...defaults.requests, ...definedOnly(given?.requests) },
    limits: { ...defaults.limits, ...definedOnly(given?.limits) },
  };
  for (const resource of ['cpu', 'memory'] as const) {
    const request = resources.requests[resource];
    const limit = resources.limits[resource];
    if ((compareQuantities(request, limit) ?? 0) > 0) {
      throw propsError(
        scope,
        `'resources.requests.${resource}' (${request}) is more than 'resources.limits.${resource}' (${limit}), which Kubernetes refuses; ` +
          `set 'resources.limits.${resource}' to at least the request, or lower 'resources.requests.${resource}'`,
      );
    }
  }
  return resources;
}

function definedOnly<T extends object>(values: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The same quantities as cdk8s-plus `ContainerResources`, so the container's
 * `resources` reports what the manifest says. Throws for a value that is not
 * a quantity, naming it as a field of `prop`.
 */
export function toContainerResources(scope: Construct, r: ComputeResources, prop = 'resources'): kplus.ContainerResources {
  return {
    cpu: { request: toCpu(scope, `${prop}.requests.cpu`, r.requests.cpu), limit: toCpu(scope, `${prop}.limits.cpu`, r.limits.cpu) },
    memory: {
      request: toMemory(scope, `${prop}.requests.memory`, r.requests.memory),
      limit: toMemory(scope, `${prop}.limits.memory`, r.limits.memory),
    },
  };
}

/**
 * Keeps each quantity of a container spelled as written.
 *
 * cdk8s-plus writes memory in `Mi` (`2Gi` becomes `2048Mi`) and CPU in cores
 * (`0.25` for `250m` given as units). The value is the same; the output should
 * read like the config that produced it, so only the spelling is patched, and
 * only where it differs.
 */
export function keepResourceSpelling(workload: Construct, containerIndex: number, container: kplus.Container, r: ComputeResources): void {
  const told = container.resources;
  const spelledByCdk8sPlus = {
    limits: { cpu: told?.cpu?.limit?.amount, memory: `${told?.memory?.limit?.toMebibytes()}Mi` },
    requests: { cpu: told?.cpu?.request?.amount, memory: `${told?.memory?.request?.toMebibytes()}Mi` },
  };
  for (const side of ['limits', 'requests'] as const) {
    for (const resource of ['cpu', 'memory'] as const) {
      if (spelledByCdk8sPlus[side][resource] === r[side][resource]) continue;
      ApiObject.of(workload).addJsonPatch(
        JsonPatch.replace(`/spec/template/spec/containers/${containerIndex}/resources/${side}/${resource}`, quantity(r[side][resource])),
      );
    }
  }
}

/** A quantity as cdk8s-plus CPU: millicores as written (`250m`), anything else as cores. */
function toCpu(scope: Construct, field: string, value: string): kplus.Cpu {
  const millis = /^(\d+)m$/.exec(value);
  return millis ? kplus.Cpu.millis(Number(millis[1])) : kplus.Cpu.units(quantityValue(scope, field, value));
}

/** A memory quantity (`512Mi`) in bytes; `field` names it in the error for one that is not a quantity. */
export function memoryBytes(scope: Construct, field: string, value: string): number {
  return quantityValue(scope, field, value);
}

/** A quantity as a cdk8s `Size` in `Mi`, the unit cdk8s-plus writes memory in, fractional where needed (`1G`). */
function toMemory(scope: Construct, field: string, value: string): Size {
  return Size.mebibytes(quantityValue(scope, field, value) / 2 ** 20);
}

/** A quantity as a cdk8s `Size` in `Gi`, the unit cdk8s-plus writes claim sizes in. */
function toStorage(scope: Construct, field: string, value: string): Size {
  return Size.gibibytes(quantityValue(scope, field, value) / 2 ** 30);
}

function quantityValue(scope: Construct, field: string, value: string): number {
  const parsed = parseQuantity(value);
  if (parsed === undefined || parsed < 0) {
    throw propsError(scope, `'${field}' is ${JSON.stringify(value)}, which is not a non-negative quantity; ${QUANTITY_HELP}`);
  }
  return parsed;
}

/**
 * A patch value for a quantity field. cdk8s-plus runs patched objects through
 * its generated `toJson_*` mappers, which read quantities as `k8s.Quantity`.
 */
function quantity(value: string): kplus.k8s.Quantity {
  return kplus.k8s.Quantity.fromString(value);
}

/** A claim's requested size as the manifest writes it: the user's spelling, checked. */
export function claimStorageQuantity(scope: Construct, size: string): kplus.k8s.Quantity {
  toStorage(scope, 'storage.size', size);
  return quantity(size);
}

/** Props for a claim whose size keeps the user's spelling. */
export interface ClaimOptions {
  /** Object name. */
  readonly name: string;
  /** Labels on the claim. */
  readonly labels: Record<string, string>;
  /** Requested capacity as a Kubernetes quantity. */
  readonly size: string;
  /** StorageClass of the claim. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** How the volume may be mounted. */
  readonly accessMode: kplus.PersistentVolumeAccessMode;
}

/**
 * A PersistentVolumeClaim told its real size, so `claim.storage` reports what
 * the manifest requests. cdk8s-plus writes sizes in `Gi`; where the user wrote
 * the same size otherwise (`500G`), only the spelling is patched back.
 */
export function newClaim(scope: Construct, id: string, o: ClaimOptions): kplus.PersistentVolumeClaim {
  const storage = toStorage(scope, 'storage.size', o.size);
  const claim = new kplus.PersistentVolumeClaim(scope, id, {
    metadata: { name: o.name, labels: o.labels },
    accessModes: [o.accessMode],
    storage,
    storageClassName: o.storageClassName,
  });
  if (`${storage.toGibibytes()}Gi` !== o.size) {
    ApiObject.of(claim).addJsonPatch(JsonPatch.replace('/spec/resources/requests/storage', quantity(o.size)));
  }
  return claim;
}
