import { createHash } from 'node:crypto';
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/** Pod template annotation: a digest of the ConfigMaps of the chart that the pods read. */
export const CONFIG_CHECKSUM_ANNOTATION = 'checksum/config';

/** Pod template annotation: a digest of the Secrets written by the chart (inline values) that the pods read. */
export const SECRET_CHECKSUM_ANNOTATION = 'checksum/secret';

/**
 * Workload annotation that stakater Reloader watches: it rolls the workload
 * when one of the named Secrets changes.
 */
export const RELOADER_SECRET_ANNOTATION = 'secret.reloader.stakater.com/reload';

/** Options for {@link rollOnConfigChange}. */
export interface RollOnConfigChangeOptions {
  /** Annotate the workload for stakater Reloader with the Secrets its pods read that the chart does not write (created out of band, or by an ExternalSecret). @default false */
  readonly reloadSecrets?: boolean;
}

interface RolloutState {
  reloadSecrets: boolean;
}

const states = new WeakMap<ApiObject, RolloutState>();

/**
 * Makes a Deployment roll its pods when the configuration they read changes.
 *
 * Environment variables from a ConfigMap or Secret are read only when a
 * container starts, so a changed value reaches the app only with new pods.
 * The pod template carries a sha256 of each ConfigMap ({@link CONFIG_CHECKSUM_ANNOTATION})
 * and each Secret with inline values ({@link SECRET_CHECKSUM_ANNOTATION}) of the
 * same chart that the rendered pod spec names (envFrom, env, volumes): a change
 * to one changes the template, and the Deployment rolls. The digests are taken
 * when the chart is synthesized, so `add*()` calls made later count, and the
 * same content always gives the same annotation. A Secret's values never
 * appear, only the digest.
 *
 * Secrets the chart does not write cannot be hashed here; with
 * `reloadSecrets`, stakater Reloader (installed by the operator) rolls the
 * Deployment when one of them changes.
 *
 * Calling it again on the same Deployment only updates the options.
 */
export function rollOnConfigChange(deployment: kplus.Deployment, options: RollOnConfigChangeOptions = {}): void {
  const apiObject = ApiObject.of(deployment);
  const existing = states.get(apiObject);
  if (existing) {
    existing.reloadSecrets = options.reloadSecrets ?? existing.reloadSecrets;
    return;
  }
  const state: RolloutState = { reloadSecrets: options.reloadSecrets ?? false };
  states.set(apiObject, state);
  const render = apiObject.toJson;
  apiObject.toJson = function toJson(this: ApiObject) {
    const json = render.call(this);
    annotate(json, Chart.of(deployment), state);
    return json;
  };
}

type Json = Record<string, any>;

function annotate(json: Json, chart: Chart, state: RolloutState): void {
  const template = json.spec?.template;
  if (!template) return;
  const reads = podReads(template.spec ?? {});
  const written = new Map<string, ApiObject>();
  for (const child of chart.node.findAll()) {
    if (child instanceof ApiObject && (child.kind === 'ConfigMap' || child.kind === 'Secret')) written.set(`${child.kind}/${child.name}`, child);
  }
  const configMaps = [...reads.configMaps].sort().flatMap((name) => written.get(`ConfigMap/${name}`) ?? []);
  const secrets = [...reads.secrets].sort().flatMap((name) => written.get(`Secret/${name}`) ?? []);
  const podAnnotations: Record<string, string> = {};
  if (configMaps.length > 0) podAnnotations[CONFIG_CHECKSUM_ANNOTATION] = digest(configMaps);
  if (secrets.length > 0) podAnnotations[SECRET_CHECKSUM_ANNOTATION] = digest(secrets);
  if (Object.keys(podAnnotations).length > 0) {
    template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...podAnnotations } };
  }
  const unwritten = [...reads.secrets].filter((name) => !written.has(`Secret/${name}`)).sort();
  if (state.reloadSecrets && unwritten.length > 0) {
    json.metadata = { ...json.metadata, annotations: { ...json.metadata?.annotations, [RELOADER_SECRET_ANNOTATION]: unwritten.join(',') } };
  }
}

/** The names of the ConfigMaps and Secrets a pod spec reads, through env, envFrom and volumes. */
function podReads(pod: Json): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef?.name) configMaps.add(e.configMapRef.name);
      if (e.secretRef?.name) secrets.add(e.secretRef.name);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
  }
  for (const v of pod.volumes ?? []) {
    if (v.configMap?.name) configMaps.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
    for (const source of v.projected?.sources ?? []) {
      if (source.configMap?.name) configMaps.add(source.configMap.name);
      if (source.secret?.name) secrets.add(source.secret.name);
    }
  }
  return { configMaps, secrets };
}

/** sha256 over the names and contents of the objects, in the order given. */
function digest(objects: readonly ApiObject[]): string {
  const hash = createHash('sha256');
  for (const object of objects) {
    const { data, binaryData, stringData } = object.toJson();
    hash.update(JSON.stringify([object.kind, object.name, data ?? null, binaryData ?? null, stringData ?? null]));
  }
  return hash.digest('hex');
}
