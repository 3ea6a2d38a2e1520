import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { OWN_LABEL_KEYS } from '../conventions/labels';
import { propsError } from './errors';
import type { SaplingsApp, SaplingsAppProps } from './saplings-app';

/**
 * The Helm-values-style pod settings of a {@link SaplingsApp}: pod labels and
 * annotations, scheduling (nodeSelector, tolerations, affinity, topology
 * spread, priority), the pull policy of every container of the pod, extra
 * env, volumes and mounts. Each is written as the pod spec takes it:
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
 * Unset settings leave the pod as the app builds it.
 */
export function applyPodSettings(app: SaplingsApp, props: SaplingsAppProps): void {
  const deployment = app.deployment;
  const patch = (path: string, value: unknown) => ApiObject.of(deployment).addJsonPatch(JsonPatch.add(`/spec/template/spec/${path}`, value));

  for (const [key, value] of Object.entries(props.podLabels ?? {})) {
    // The selector's own label, and the recommended ones, keep their values: a pod label never selects.
    if (OWN_LABEL_KEYS.includes(key)) throw propsError(app, `'podLabels.${key}' is a label the app sets itself; choose another key`);
    deployment.podMetadata.addLabel(key, value);
  }
  for (const [key, value] of Object.entries(props.podAnnotations ?? {})) deployment.podMetadata.addAnnotation(key, value);

  if (props.nodeSelector && Object.keys(props.nodeSelector).length > 0) patch('nodeSelector', props.nodeSelector);
  if (props.tolerations && props.tolerations.length > 0) patch('tolerations', props.tolerations.map((t) => kplus.k8s.toJson_Toleration(t)));
  if (props.affinity) patch('affinity', kplus.k8s.toJson_Affinity(props.affinity));
  if (props.priorityClassName !== undefined) patch('priorityClassName', props.priorityClassName);
  if (props.topologySpreadConstraints) {
    patch(
      'topologySpreadConstraints',
      props.topologySpreadConstraints.map((c) => kplus.k8s.toJson_TopologySpreadConstraint({ ...c, labelSelector: c.labelSelector ?? { matchLabels: app.selectorLabels } })),
    );
  }

  if (props.imagePullPolicy !== undefined) {
    // The app container is first and the sidecars follow it; wait-for-backends is the only init container.
    const containers = [app.container, ...app.sidecars].map((_, i) => `containers/${i}`);
    const init = app.waitForBackendsContainer ? ['initContainers/0'] : [];
    for (const path of [...containers, ...init]) {
      ApiObject.of(deployment).addJsonPatch(JsonPatch.replace(`/spec/template/spec/${path}/imagePullPolicy`, props.imagePullPolicy));
    }
  }

  const extraEnv = Object.entries(props.extraEnv ?? {});
  const taken = new Set([...Object.keys(app.container.env.variables), ...Object.keys(app.configMap.data)]);
  for (const [name, valueFrom] of extraEnv) {
    if (taken.has(name)) {
      throw propsError(app, `'extraEnv.${name}' would replace the ${name} the app already sets (in its env or ConfigMap); remove it from 'extraEnv'`);
    }
    patch('containers/0/env/-', { name, valueFrom: kplus.k8s.toJson_EnvVarSource(valueFrom) });
  }

  // cdk8s-plus adds a mounted volume to the pod at synth; the mounts name them now.
  const volumeNames = new Set([...deployment.volumes, ...deployment.containers.flatMap((c) => c.mounts.map((m) => m.volume))].map((v) => v.name));
  for (const volume of props.extraVolumes ?? []) {
    if (volumeNames.has(volume.name)) {
      throw propsError(app, `'extraVolumes' names ${volume.name}, a volume the pod has already (${[...volumeNames].join(', ')}); give it a name of its own`);
    }
    volumeNames.add(volume.name);
    patch('volumes/-', kplus.k8s.toJson_Volume(volume));
  }
  const ownPaths = app.container.mounts.map((m) => m.path);
  for (const mount of props.extraVolumeMounts ?? []) {
    if (!(props.extraVolumes ?? []).some((v) => v.name === mount.name)) {
      throw propsError(app, `'extraVolumeMounts' mounts ${mount.name}, which is no volume of 'extraVolumes'; add it there`);
    }
    const covered = ownPaths.find((own) => overlaps(own, mount.mountPath));
    if (covered !== undefined) {
      throw propsError(
        app,
        `'extraVolumeMounts' mounts ${mount.name} at ${mount.mountPath}, which would cover or hide the app's own mount at ${covered}; the app mounts ${ownPaths.join(', ')}: choose a path outside them`,
      );
    }
    patch('containers/0/volumeMounts/-', kplus.k8s.toJson_VolumeMount(mount));
  }
}

/** Whether two mount paths are the same or one lies inside the other. */
function overlaps(a: string, b: string): boolean {
  const norm = (p: string) => (p.endsWith('/') && p.length > 1 ? p.slice(0, -1) : p);
  const [x, y] = [norm(a), norm(b)];
  const inside = (inner: string, outer: string) => inner === outer || inner.startsWith(outer === '/' ? '/' : `${outer}/`);
  return inside(x, y) || inside(y, x);
}
