/** Synthesized manifests are plain JSON; `any` keeps the assertions short. */
export type Manifest = Record<string, any>;

/** Every object of `kind`. */
export function objectsOfKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The only object of `kind`; fails the test if there are none or several. */
export function onlyOfKind(manifests: Manifest[], kind: string): Manifest {
  const found = objectsOfKind(manifests, kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/**
 * The kubelet's `verifyRunAsNonRoot`: with runAsNonRoot on, a container starts only
 * if runAsUser is a non-zero uid, or the image's own USER is a non-zero numeric uid.
 * A user name (`USER saplings`) cannot be verified, and an image without USER runs
 * as root: both are refused with CreateContainerConfigError.
 */
export function kubeletAdmitsRunAsNonRoot(podSpec: Manifest, container: Manifest, imageUser: string): boolean {
  const runAsNonRoot = container.securityContext?.runAsNonRoot ?? podSpec.securityContext?.runAsNonRoot;
  const runAsUser = container.securityContext?.runAsUser ?? podSpec.securityContext?.runAsUser;
  if (runAsNonRoot !== true) return true;
  if (runAsUser !== undefined) return runAsUser !== 0;
  return /^[1-9][0-9]*$/.test(imageUser);
}
