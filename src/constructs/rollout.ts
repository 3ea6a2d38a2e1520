import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checksumAnnotations, podReads, writtenConfig } from '../conventions/config-checksum';

export { CONFIG_CHECKSUM_ANNOTATION, SECRET_CHECKSUM_ANNOTATION } from '../conventions/config-checksum';

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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized manifests are untyped JSON
type Json = Record<string, any>;

function annotate(json: Json, chart: Chart, state: RolloutState): void {
  const template = json.spec?.template;
  if (!template) return;
  const written = writtenConfig(
    chart.node
      .findAll()
      .filter((child): child is ApiObject => child instanceof ApiObject && (child.kind === 'ConfigMap' || child.kind === 'Secret'))
      .map((child) => child.toJson()),
  );
  const podAnnotations = checksumAnnotations(template.spec ?? {}, written);
  if (Object.keys(podAnnotations).length > 0) {
    template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...podAnnotations } };
  }
  const unwritten = [...podReads(template.spec ?? {}).secrets].filter((name) => !written.has(`Secret/${name}`)).sort();
  if (state.reloadSecrets && unwritten.length > 0) {
    json.metadata = { ...json.metadata, annotations: { ...json.metadata?.annotations, [RELOADER_SECRET_ANNOTATION]: unwritten.join(',') } };
  }
}
