import { Environment } from '../conventions/defaults';
import { KubeObject } from '../conventions/kube-object';
import { Finding } from './findings';
import { KubeVersion, validateObjects } from './k8s-validate';
import { findLeaks } from './leak-guard';
import { checkPolicy } from './policy';

/** What {@link runChecks} needs to know about the objects it checks. */
export interface CheckContext {
  /**
   * The file the objects are written to or were read from, for findings.
   * @default - findings name no file, unless `files` is given
   */
  readonly file?: string;
  /**
   * The file each object was read from, by its position in `objects`. The API
   * check and the leak guard then look at one file's objects at a time, and
   * every finding names its own object's file.
   * @default - every object is in `file`
   */
  readonly files?: readonly string[];
  /**
   * Which of `files` the policy looks at together, by a key of each file (its
   * directory, say): the policy relates objects (Service selectors, HPA
   * targets, PDB and NetworkPolicy coverage) that a file-per-resource layout
   * spreads over the files of one stack.
   * @default - all of them at once
   */
  readonly policyGroup?: (file: string) => string;
  /**
   * The environment the objects are for. Development skips the policy and the
   * leak guard; staging downgrades the rules production refuses to warnings.
   * @default - unknown (manifests read from files): every check, production severities
   */
  readonly environment?: Environment;
  /**
   * Whether the objects are Kubernetes-shaped, so the API/CRD validator and
   * the policy apply. Every target goes through the leak guard.
   * @default true
   */
  readonly kubernetes?: boolean;
  /**
   * The Kubernetes version whose API the objects are checked against: one of
   * KUBE_VERSIONS, e.g. '1.34' for fields newer than 1.28.
   * @default '1.28'
   */
  readonly kubeVersion?: KubeVersion;
}

/**
 * The one check pipeline, shared by `synth` (before anything is written) and
 * `validate`: the Kubernetes API (of `kubeVersion`) and CRD validator, the security policy,
 * and the credential leak guard. Findings come check by check in that order,
 * and within a check file by file.
 */
export function runChecks(objects: readonly KubeObject[], context: CheckContext = {}): Finding[] {
  const { environment, kubernetes = true, kubeVersion } = context;
  const sources = sourcesOf(objects, context);
  const findings = kubernetes ? sources.flatMap((s) => validateObjects(s.objects, { file: s.file, kubeVersion })) : [];
  if (environment !== 'development') {
    if (kubernetes) findings.push(...policyFindings(objects, context));
    // A document of a manifest file may be anything; the API check has reported what is not an object.
    findings.push(...sources.flatMap((s) => findLeaks(s.objects.filter((o) => o !== null && typeof o === 'object'), s.file)));
  }
  // Staging warns where production refuses (the config gates); the policy agrees.
  return environment === 'staging'
    ? findings.map((f) => (STAGING_WARNINGS.has(f.rule) && f.severity === 'error' ? { ...f, severity: 'warning' } : f))
    : findings;
}

/** Policy rules that are errors in production but warnings in staging, like the config gates they mirror. */
const STAGING_WARNINGS: ReadonlySet<string> = new Set(['practice-image-pinned']);

// The objects of one file, checked on their own by the API check and the leak guard.
interface Source {
  readonly file: string | undefined;
  readonly objects: KubeObject[];
}

// An object and the file it was read from.
interface Sourced {
  readonly object: KubeObject;
  readonly file: string;
}

function sourcesOf(objects: readonly KubeObject[], { file, files }: CheckContext): Source[] {
  if (files === undefined) return [{ file, objects: [...objects] }];
  return [...groupBy(sourced(objects, files), (s) => s.file)].map(([source, group]) => ({
    file: source,
    objects: group.map((s) => s.object),
  }));
}

function policyFindings(objects: readonly KubeObject[], { file, files, policyGroup, environment }: CheckContext): Finding[] {
  if (files === undefined) return checkPolicy(objects, { file, environment });
  const groups = groupBy(sourced(objects, files), (s) => (policyGroup ? policyGroup(s.file) : ''));
  return [...groups.values()].flatMap((group) => {
    // The policy names objects `Kind/name`; the first object of that name in the group gives the file.
    const fileOf = new Map<string, string>();
    for (const { object, file: source } of group) {
      const key = `${object?.kind}/${object?.metadata?.name}`;
      if (!fileOf.has(key)) fileOf.set(key, source);
    }
    return checkPolicy(group.map((s) => s.object), { environment }).map((f) => ({ ...f, file: f.file ?? fileOf.get(f.object) }));
  });
}

function sourced(objects: readonly KubeObject[], files: readonly string[]): Sourced[] {
  return objects.map((object, i) => ({ object, file: files[i] }));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

export { Finding, FindingsError, Severity, formatFinding } from './findings';
export { KUBERNETES_VERSION, KUBE_VERSIONS, isKubeVersion, validateObjects } from './k8s-validate';
export type { KubeVersion } from './k8s-validate';
export { checkPolicy, findCredentials } from './policy';
export { findLeaks } from './leak-guard';
