import { checkLabels } from './metadata';
import { labelSelectorMatches, mapSelectorMatches } from '../../conventions/label-selector';
import { portNameError } from '../../conventions/field-rules';
import { compareQuantities, parseQuantity } from '../../conventions/quantity';
import { Json, Path, PathSegment, at, isObject, quote } from '../json';
import { Reporter } from './report';
import { podTemplateLocation } from '../pod-templates';

/*
 * Rules the API server enforces in its validation code rather than in the
 * OpenAPI schema (pkg/apis/core/validation, pkg/apis/apps/validation), for
 * the parts of an object a generator most often gets wrong.
 */

// Kinds whose selector is required and must not be empty.
const SELECTOR_REQUIRED = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet']);

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

/** Runs the semantic checks for an object's kind. `group` is `''` for the core API. */
export function checkSemantics(group: string, kind: string, object: Json, r: Reporter): void {
  const gk = `${group}/${kind}`;
  if (gk === '/Pod') {
    if (isObject(object.spec)) checkPodSpec(object.spec, ['spec'], r);
    return;
  }
  if (gk === '/Service') {
    if (isObject(object.spec)) checkServiceSpec(object.spec, r);
    return;
  }
  if (gk === '/ConfigMap' || gk === '/Secret') {
    for (const field of ['data', 'stringData', 'binaryData']) {
      if (isObject(object[field])) checkDataKeys(object[field], field, r);
    }
    return;
  }
  const templatePath = podTemplateLocation(group, kind)?.path;
  if (!templatePath) return;
  const template = at(object, templatePath);
  if (isObject(template) && isObject(template.spec)) checkPodSpec(template.spec, [...templatePath, 'spec'], r);
  // The selector sits beside the template.
  const ownerPath = templatePath.slice(0, -1);
  const owner = at(object, ownerPath);
  if (isObject(owner) && isObject(template)) checkSelector(gk, kind, owner, template, ownerPath, r);
}

// What the API server accepts as a ConfigMap or Secret key (IsConfigMapKey).
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function checkDataKeys(data: Json, field: string, r: Reporter): void {
  for (const key of Object.keys(data)) {
    const problem =
      key.length > 253
        ? 'is longer than 253 characters'
        : !DATA_KEY.test(key)
          ? "may contain only letters, digits, '-', '_' and '.'"
          : key === '.' || key === '..' || key.startsWith('..')
            ? "must not be '.' or '..' or start with '..' (the kubelet's own links in a mounted volume)"
            : undefined;
    if (problem) r.error('invalid-value', [field, key], `invalid key ${quote(key)}: a key ${problem}`);
  }
}

function checkSelector(gk: string, kind: string, owner: Json, template: Json, ownerPath: Path, r: Reporter): void {
  const selector = owner.selector;
  const labels = isObject(template.metadata) && isObject(template.metadata.labels) ? template.metadata.labels : {};
  const labelsPath = [...ownerPath, 'template', 'metadata', 'labels'];
  if (gk === '/ReplicationController') {
    // A plain map here, defaulted from the template labels when absent.
    if (!isObject(selector)) return;
    if (!mapSelectorMatches(selector, labels)) r.error('selector-mismatch', labelsPath, mismatchMessage(selector, labels, ownerPath));
    return;
  }
  if (!isObject(selector)) return;
  const empty =
    !(isObject(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0) &&
    !(Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0);
  if (empty) {
    if (SELECTOR_REQUIRED.has(gk)) {
      r.error(
        'invalid-value',
        [...ownerPath, 'selector'],
        `an empty selector is invalid for a ${kind}: set matchLabels to labels of the pod template`,
      );
    }
    return;
  }
  // A malformed part of the selector is reported by the structure check; the rest still has to select the template.
  if (!labelSelectorMatches(selector, labels, { malformed: 'ignored' })) {
    r.error('selector-mismatch', labelsPath, mismatchMessage(selector, labels, ownerPath));
  }
}

function mismatchMessage(selector: Json, labels: Json, ownerPath: Path): string {
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : selector;
  const wanted = Object.entries(matchLabels)
    .filter(([k]) => k !== 'matchExpressions')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const have = Object.entries(labels)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const selectorPath = [...ownerPath, 'selector'].join('.');
  return (
    `the pod template's labels {${have}} are not selected by ${selectorPath}` +
    `${wanted ? ` (matchLabels {${wanted}})` : ''}; the template must carry every label the selector requires`
  );
}

function checkPodSpec(spec: Json, path: PathSegment[], r: Reporter): void {
  const volumes = checkVolumes(spec.volumes, [...path, 'volumes'], r);
  const containerNames = new Map<string, string>();
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (list === 'containers' && Array.isArray(containers) && containers.length === 0) {
      r.error('required-field', [...path, 'containers'], 'a pod needs at least one container');
    }
    if (!Array.isArray(containers)) continue;
    containers.forEach((container: unknown, i) => {
      if (!isObject(container)) return;
      const cpath = [...path, list, i];
      checkContainer(container, list, cpath, volumes, r);
      if (typeof container.name !== 'string' || container.name === '') return;
      const first = containerNames.get(container.name);
      if (first) {
        r.error(
          'duplicate-name',
          [...cpath, 'name'],
          `container name ${quote(container.name)} is already used by ${first}; names must be unique across containers, initContainers and ephemeralContainers of a pod`,
        );
      } else {
        containerNames.set(container.name, `${list}[${i}]`);
      }
    });
  }
}

// Checks the volumes and returns their names.
function checkVolumes(volumes: unknown, path: PathSegment[], r: Reporter): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(volumes)) return names;
  const firstIndex = new Map<string, number>();
  volumes.forEach((volume: unknown, i) => {
    if (!isObject(volume)) return;
    const { name } = volume;
    // The name's format is a field rule (conventions/field-rules.ts), reported with the others.
    if (typeof name === 'string') {
      const first = firstIndex.get(name);
      if (first !== undefined) {
        r.error('duplicate-name', [...path, i, 'name'], `volume name ${quote(name)} is already used by volumes[${first}]; volume names must be unique in a pod`);
      } else {
        firstIndex.set(name, i);
      }
      names.add(name);
    }
    const sources = Object.keys(volume).filter((k) => k !== 'name' && volume[k] !== null && volume[k] !== undefined);
    if (sources.length === 0) {
      r.error('required-field', [...path, i], 'a volume needs exactly one source, such as emptyDir, configMap, secret or persistentVolumeClaim');
    } else if (sources.length > 1) {
      r.error('invalid-value', [...path, i], `a volume may have only one source, got ${sources.join(', ')}`);
    }
  });
  return names;
}

function checkContainer(container: Json, list: string, path: PathSegment[], volumes: Set<string>, r: Reporter): void {
  const { name, image } = container;
  if (name === '') r.error('required-field', [...path, 'name'], 'a container needs a name');
  // image is optional in the schema (for tooling that fills it in) but the API server requires it.
  if (list !== 'ephemeralContainers' && (image === undefined || image === null || image === '')) {
    r.error('required-field', [...path, 'image'], 'a container needs an image, e.g. "nginx:1.25" or a digest reference');
  }
  checkPorts(container.ports, [...path, 'ports'], r);
  checkVolumeMounts(container.volumeMounts, [...path, 'volumeMounts'], volumes, r);
  checkResources(container.resources, [...path, 'resources'], r);
  for (const probe of PROBES) {
    const value = container[probe];
    if (!isObject(value)) continue;
    const handlers = PROBE_HANDLERS.filter((h) => value[h] !== undefined && value[h] !== null);
    if (handlers.length === 0) {
      r.error('required-field', [...path, probe], `a probe needs one handler: ${PROBE_HANDLERS.join(', ')}`);
    } else if (handlers.length > 1) {
      r.error('invalid-value', [...path, probe], `a probe may have only one handler, got ${handlers.join(', ')}`);
    }
  }
}

function checkPorts(ports: unknown, path: PathSegment[], r: Reporter): void {
  if (!Array.isArray(ports)) return;
  const firstIndex = new Map<string, number>();
  ports.forEach((port: unknown, i) => {
    if (!isObject(port)) return;
    const { name, containerPort, hostPort } = port;
    if (typeof containerPort === 'number' && (containerPort < 1 || containerPort > 65535)) {
      r.error('invalid-value', [...path, i, 'containerPort'], `must be between 1 and 65535, got ${containerPort}`);
    }
    if (typeof hostPort === 'number' && (hostPort < 0 || hostPort > 65535)) {
      r.error('invalid-value', [...path, i, 'hostPort'], `must be between 0 and 65535, got ${hostPort}`);
    }
    if (typeof name !== 'string') return;
    const first = firstIndex.get(name);
    if (first !== undefined) {
      r.error('duplicate-name', [...path, i, 'name'], `port name ${quote(name)} is already used by ports[${first}]; port names must be unique in a container`);
    } else {
      firstIndex.set(name, i);
    }
  });
}

function checkVolumeMounts(mounts: unknown, path: PathSegment[], volumes: Set<string>, r: Reporter): void {
  if (!Array.isArray(mounts)) return;
  const mountPaths = new Map<string, number>();
  mounts.forEach((mount: unknown, i) => {
    if (!isObject(mount)) return;
    const { name, mountPath } = mount;
    if (typeof name === 'string' && !volumes.has(name)) {
      const known = volumes.size > 0 ? `the pod's volumes are ${[...volumes].map((v) => quote(v)).join(', ')}` : 'the pod has no volumes';
      r.error('volume-not-found', [...path, i, 'name'], `no volume named ${quote(name)} in the pod spec; ${known}: add it to volumes or fix the name`);
    }
    if (typeof mountPath !== 'string') return;
    const first = mountPaths.get(mountPath);
    if (first !== undefined) {
      r.error('invalid-value', [...path, i, 'mountPath'], `mount path ${quote(mountPath)} is already used by volumeMounts[${first}]; mount paths must be unique in a container`);
    } else {
      mountPaths.set(mountPath, i);
    }
  });
}

function checkResources(resources: unknown, path: PathSegment[], r: Reporter): void {
  if (!isObject(resources)) return;
  const limits = isObject(resources.limits) ? resources.limits : {};
  const requests = isObject(resources.requests) ? resources.requests : {};
  for (const [section, values] of [
    ['limits', limits],
    ['requests', requests],
  ] as const) {
    for (const [resource, value] of Object.entries(values)) {
      const amount = quantity(value);
      if (amount !== undefined && amount < 0) {
        r.error('invalid-value', [...path, section, resource], `must be greater than or equal to 0, got ${String(value)}`);
      }
    }
  }
  for (const [resource, value] of Object.entries(requests)) {
    const limit = limits[resource];
    const order = isQuantityLike(value) && isQuantityLike(limit) ? compareQuantities(value, limit) : undefined;
    if (order !== undefined && order > 0) {
      r.error(
        'invalid-value',
        [...path, 'requests', resource],
        `request ${String(value)} is more than the limit ${String(limits[resource])}; a request must be less than or equal to its limit`,
      );
    }
  }
}

function checkServiceSpec(spec: Json, r: Reporter): void {
  if (isObject(spec.selector)) checkLabels(spec.selector, ['spec', 'selector'], r);
  const ports = spec.ports;
  const headless = spec.clusterIP === 'None';
  if ((!Array.isArray(ports) || ports.length === 0) && spec.type !== 'ExternalName' && !headless) {
    r.error('required-field', ['spec', 'ports'], 'a Service needs at least one port (unless it is headless or of type ExternalName)');
  }
  if (!Array.isArray(ports)) return;
  const firstIndex = new Map<string, number>();
  ports.forEach((port: unknown, i) => {
    if (!isObject(port)) return;
    const { name, targetPort } = port;
    const path = ['spec', 'ports', i];
    if (ports.length > 1 && (name === undefined || name === null || name === '')) {
      r.error('required-field', [...path, 'name'], 'each port needs a name when a Service has more than one port');
    }
    if (typeof port.port === 'number' && (port.port < 1 || port.port > 65535)) {
      r.error('invalid-value', [...path, 'port'], `must be between 1 and 65535, got ${port.port}`);
    }
    if (typeof targetPort === 'number' && (targetPort < 1 || targetPort > 65535)) {
      r.error('invalid-value', [...path, 'targetPort'], `must be between 1 and 65535, got ${targetPort}`);
    } else if (typeof targetPort === 'string') {
      const problem = portNameError(targetPort);
      if (problem) r.error('invalid-value', [...path, 'targetPort'], `must be a port number or a container port name: ${problem}`);
    }
    if (typeof name !== 'string' || name === '') return;
    const first = firstIndex.get(name);
    if (first !== undefined) {
      r.error('duplicate-name', [...path, 'name'], `port name ${quote(name)} is already used by spec.ports[${first}]; port names must be unique in a Service`);
    } else {
      firstIndex.set(name, i);
    }
  });
}

function isQuantityLike(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}

function quantity(value: unknown): number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? parseQuantity(value) : undefined;
}
