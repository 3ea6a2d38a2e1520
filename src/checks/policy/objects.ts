import { Json, Path, asList, asObject, asString, at, isObject } from '../json';
import { workloadTemplateLocation } from '../pod-templates';
import { Reporter } from '../report';

/** The namespace an object without `metadata.namespace` is taken to be in. */
export const DEFAULT_NAMESPACE = 'default';

/** One Kubernetes object of the input, with the facts every rule needs. */
export interface Resource {
  /** The object itself. */
  readonly object: Json;
  /** `kind` of the object. */
  readonly kind: string;
  /** `metadata.name`, or a stand-in when it has none. */
  readonly name: string;
  /** `metadata.namespace`, or `default`. */
  readonly namespace: string;
  /** `Kind/name`, as findings name the object. */
  readonly id: string;
}

/**
 * Turns the input into resources, skipping anything that is not an object
 * with a `kind`. `kind: List` (what `kubectl get -o yaml` prints) is opened
 * one level so its items are checked like top-level objects.
 */
export function collectResources(objects: readonly unknown[]): Resource[] {
  const resources: Resource[] = [];
  for (const value of objects) {
    if (isObject(value) && value.kind === 'List' && Array.isArray(value.items)) {
      for (const item of value.items) addResource(item, resources);
    } else {
      addResource(value, resources);
    }
  }
  return resources;
}

function addResource(value: unknown, resources: Resource[]): void {
  if (!isObject(value)) return;
  const kind = asString(value.kind);
  if (kind === undefined) return;
  const metadata = asObject(value.metadata) ?? {};
  const name = asString(metadata.name) ?? asString(metadata.generateName) ?? '<unnamed>';
  const namespace = asString(metadata.namespace) ?? DEFAULT_NAMESPACE;
  resources.push({ object: value, kind, name, namespace, id: `${kind}/${name}` });
}

/** The pod a workload runs: its metadata and spec, and where they sit in the owner. */
export interface PodTemplate {
  /** The object that holds the template (the Pod itself for a Pod). */
  readonly owner: Resource;
  /** The pod's `metadata`; empty when the template has none. */
  readonly metadata: Json;
  /** Path of `metadata` inside the owner. */
  readonly metadataPath: Path;
  /** The pod's `spec`. */
  readonly spec: Json;
  /** Path of `spec` inside the owner. */
  readonly specPath: Path;
  /** The pod's labels, with values as strings. */
  readonly labels: Readonly<Record<string, string>>;
  /** Whether the pods run until replaced (not a Job, CronJob or run-to-completion Pod). */
  readonly longRunning: boolean;
}

/** The pod template of a workload or Pod, or `undefined` for other kinds and templates without a spec. */
export function podTemplateOf(owner: Resource): PodTemplate | undefined {
  if (owner.kind === 'Pod') {
    const spec = asObject(owner.object.spec);
    if (spec === undefined) return undefined;
    const metadata = asObject(owner.object.metadata) ?? {};
    const restartPolicy = spec.restartPolicy;
    return {
      owner,
      metadata,
      metadataPath: ['metadata'],
      spec,
      specPath: ['spec'],
      labels: labelsOf(metadata),
      longRunning: restartPolicy !== 'Never' && restartPolicy !== 'OnFailure',
    };
  }
  const location = workloadTemplateLocation(owner.kind);
  if (location === undefined) return undefined;
  const templatePath = location.path;
  const template = asObject(at(owner.object, templatePath));
  const spec = asObject(template?.spec);
  if (template === undefined || spec === undefined) return undefined;
  const metadata = asObject(template.metadata) ?? {};
  return {
    owner,
    metadata,
    metadataPath: [...templatePath, 'metadata'],
    spec,
    specPath: [...templatePath, 'spec'],
    labels: labelsOf(metadata),
    longRunning: location.longRunning,
  };
}

function labelsOf(metadata: Json): Record<string, string> {
  // No prototype, so a label named `constructor` or `__proto__` is just a label.
  const labels: Record<string, string> = Object.create(null);
  const raw = asObject(metadata.labels) ?? {};
  for (const [key, value] of Object.entries(raw)) {
    // YAML turns `version: 1` into a number; the API server would reject it, but it still names the pod.
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') labels[key] = String(value);
  }
  return labels;
}

/** The three container lists of a pod spec. */
export type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers';

/** One container of a pod template. */
export interface ContainerRef {
  /** The container object. */
  readonly container: Json;
  /** Path of the container inside the owner. */
  readonly path: Path;
  /** Which list it is in. */
  readonly list: ContainerList;
  /** How a message names it: `container "app"`, `init container "migrate"`. */
  readonly label: string;
  /** Its `securityContext`, or an empty object. */
  readonly securityContext: Json;
  /** Path of its `securityContext`. */
  readonly securityContextPath: Path;
}

const LIST_LABELS: Readonly<Record<ContainerList, string>> = {
  initContainers: 'init container',
  containers: 'container',
  ephemeralContainers: 'ephemeral container',
};

/** Every container in `lists` of the template, skipping entries that are not objects. */
export function containersOf(
  template: PodTemplate,
  lists: readonly ContainerList[] = ['initContainers', 'containers', 'ephemeralContainers'],
): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const list of lists) {
    asList(template.spec[list]).forEach((container, index) => {
      if (!isObject(container)) return;
      const path = [...template.specPath, list, index];
      const name = asString(container.name) ?? `#${index}`;
      refs.push({
        container,
        path,
        list,
        label: `${LIST_LABELS[list]} ${JSON.stringify(name)}`,
        securityContext: asObject(container.securityContext) ?? {},
        securityContextPath: [...path, 'securityContext'],
      });
    });
  }
  return refs;
}

/** Every rule id the policy checker reports. */
export type PolicyRule =
  | 'pss-host-process'
  | 'pss-host-namespaces'
  | 'pss-privileged'
  | 'pss-capabilities'
  | 'pss-host-path-volumes'
  | 'pss-host-ports'
  | 'pss-apparmor'
  | 'pss-selinux'
  | 'pss-proc-mount'
  | 'pss-seccomp'
  | 'pss-sysctls'
  | 'pss-volume-types'
  | 'pss-allow-privilege-escalation'
  | 'pss-run-as-non-root'
  | 'pss-run-as-user'
  | 'practice-resources'
  | 'practice-probes'
  | 'practice-image-pinned'
  | 'practice-pull-policy'
  | 'practice-readonly-rootfs'
  | 'practice-sa-token'
  | 'practice-pdb'
  | 'practice-network-policy'
  | 'practice-service-selector'
  | 'practice-hpa-target'
  | 'practice-secret-in-env'
  | 'practice-backing-service-auth'
  | 'practice-route-limits';

/** Where the policy's checks report. */
export type PolicyReporter = Reporter<PolicyRule>;
