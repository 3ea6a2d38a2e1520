/**
 * The Kubernetes versions saplings-k8s checks manifests against and names in
 * the Pod Security labels, oldest first. Each has its own API model, taken at
 * build time from the cdk8s-plus package generated for that version (see
 * src/checks/k8s-validate/api-schema.ts).
 */
export const KUBE_VERSIONS = ['1.28', '1.34'] as const;

/** A Kubernetes version saplings-k8s knows (see {@link KUBE_VERSIONS}). */
export type KubeVersion = (typeof KUBE_VERSIONS)[number];

/**
 * The version used when none is named: the one cdk8s-plus-28, and so the
 * constructs, generate manifests for.
 */
export const KUBERNETES_VERSION: KubeVersion = '1.28';

/** Whether `value` names a version saplings-k8s knows. */
export function isKubeVersion(value: string): value is KubeVersion {
  return (KUBE_VERSIONS as readonly string[]).includes(value);
}
