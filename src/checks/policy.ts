import { Environment } from '../conventions/defaults';
import { Finding } from './findings';
import { checkBackingServiceAuth } from './policy/backing-auth';
import { PolicyRule, collectResources, podTemplateOf, PodTemplate } from './policy/objects';
import { Reporter } from './report';
import { checkPodSecurity } from './policy/pod-security';
import { checkConfigMap, checkContainerPractices } from './policy/practices';
import { Inventory, checkRelations, checkServiceAccountToken } from './policy/relations';
import { checkRouteLimits } from './policy/route-limits';

export { findCredentials, isSecretLikeName } from './policy/credentials';
export type { PolicyRule } from './policy/objects';

/** Options for {@link checkPolicy}. */
export interface PolicyOptions {
  /**
   * The file the objects came from, copied onto every finding.
   * @default - findings carry no file
   */
  readonly file?: string;
  /**
   * The environment the objects are for. Outside development, Redis, Qdrant
   * and Postgres must require auth (`practice-backing-service-auth`).
   * @default - unknown (manifests read from files): treated as production
   */
  readonly environment?: Environment;
}

/**
 * Checks a set of Kubernetes objects, ours or anyone's, for security and
 * reliability problems and returns the findings sorted by object, then path.
 *
 * - `pss-*` (all `error`): the Pod Security Standards, baseline and
 *   restricted, as Kubernetes v1.28 defines them, on every pod template of a
 *   Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 *   ReplicationController, Job and CronJob.
 * - `practice-*`: resources, probes, pinned images, pull policy, read-only
 *   root filesystem, ServiceAccount tokens, PodDisruptionBudgets,
 *   NetworkPolicies, Service selectors, HPA targets, plain-text secrets, and
 *   (outside development) Redis, Qdrant and Postgres that require no auth,
 *   and (in production) HTTPRoutes with no rate or request size limit.
 *
 * Objects relate to each other only within a namespace; an object without
 * `metadata.namespace` is in `default`. Entries that are not objects with a
 * `kind`, and fields of the wrong type, are skipped: the function never throws
 * on malformed input (shape errors are the validator's job).
 */
export function checkPolicy(objects: readonly unknown[], options?: PolicyOptions): Finding[] {
  const sink = new Reporter<PolicyRule>({ file: typeof options?.file === 'string' ? options.file : undefined, oncePerPlace: true });
  const resources = collectResources(Array.isArray(objects) ? objects : []);
  const templates: PodTemplate[] = [];
  for (const r of resources) {
    const template = podTemplateOf(r);
    if (template !== undefined) templates.push(template);
  }
  const inventory = new Inventory(resources, templates);
  for (const template of templates) {
    checkPodSecurity(template, sink);
    checkContainerPractices(template, sink);
    checkServiceAccountToken(template, inventory, sink);
    checkBackingServiceAuth(template, options?.environment, sink);
  }
  for (const r of resources) {
    if (r.kind === 'ConfigMap') checkConfigMap(r, sink);
  }
  checkRelations(inventory, sink);
  checkRouteLimits(inventory, options?.environment, sink);
  return sink.sorted();
}
