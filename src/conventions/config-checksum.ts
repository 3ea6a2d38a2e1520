import { createHash } from 'node:crypto';

/*
 * The pod template checksums that roll a Deployment when the configuration
 * its pods read changes, as a rule over rendered objects: the construct
 * (constructs/rollout.ts) applies it when its chart renders, and a fleet's
 * template renderer (targets/kubernetes/render.ts) applies it again after
 * filling in a stack's names, which the digests cover.
 */

/** Pod template annotation: a digest of the ConfigMaps of the chart that the pods read. */
export const CONFIG_CHECKSUM_ANNOTATION = 'checksum/config';

/** Pod template annotation: a digest of the Secrets written by the chart (inline values) that the pods read. */
export const SECRET_CHECKSUM_ANNOTATION = 'checksum/secret';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized manifests are untyped JSON
type Json = Record<string, any>;

/** The ConfigMaps and Secrets among rendered objects, by `Kind/name`. */
export type WrittenConfig = ReadonlyMap<string, Json>;

/** Indexes the ConfigMaps and Secrets among `objects` (rendered JSON) by `Kind/name`. */
export function writtenConfig(objects: Iterable<Json>): Map<string, Json> {
  const written = new Map<string, Json>();
  for (const object of objects) {
    if (object.kind === 'ConfigMap' || object.kind === 'Secret') written.set(`${object.kind}/${object.metadata?.name}`, object);
  }
  return written;
}

/** The names of the ConfigMaps and Secrets a pod spec reads, through env, envFrom and volumes. */
export function podReads(pod: Json): { configMaps: Set<string>; secrets: Set<string> } {
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

/**
 * The checksum annotations of a pod spec: a sha256 of the written ConfigMaps
 * it reads and one of the written Secrets it reads, each over names and
 * contents in name order; none for a kind it reads none of. A Secret's
 * values never appear, only the digest.
 */
export function checksumAnnotations(pod: Json, written: WrittenConfig): Record<string, string> {
  const reads = podReads(pod);
  const configMaps = [...reads.configMaps].sort().flatMap((name) => written.get(`ConfigMap/${name}`) ?? []);
  const secrets = [...reads.secrets].sort().flatMap((name) => written.get(`Secret/${name}`) ?? []);
  return {
    ...(configMaps.length > 0 ? { [CONFIG_CHECKSUM_ANNOTATION]: digest(configMaps) } : {}),
    ...(secrets.length > 0 ? { [SECRET_CHECKSUM_ANNOTATION]: digest(secrets) } : {}),
  };
}

/**
 * Recomputes, in place, the checksum annotations already on the pod
 * templates among `objects` (one chart's rendered objects), from the
 * ConfigMaps and Secrets among them. Templates without one stay untouched:
 * only workloads that asked to roll on config change carry them.
 */
export function refreshChecksums(objects: readonly Json[]): void {
  let written: WrittenConfig | undefined;
  for (const object of objects) {
    const template = object.spec?.template;
    const annotations = template?.metadata?.annotations;
    if (!annotations || !(CONFIG_CHECKSUM_ANNOTATION in annotations || SECRET_CHECKSUM_ANNOTATION in annotations)) continue;
    written ??= writtenConfig(objects);
    Object.assign(annotations, checksumAnnotations(template.spec ?? {}, written));
  }
}

function digest(objects: readonly Json[]): string {
  const hash = createHash('sha256');
  for (const { kind, metadata, data, binaryData, stringData } of objects) {
    hash.update(JSON.stringify([kind, metadata?.name, data ?? null, binaryData ?? null, stringData ?? null]));
  }
  return hash.digest('hex');
}
