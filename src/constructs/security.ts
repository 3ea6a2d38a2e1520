import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RunAsUser } from '../conventions/backing-services';

export { RunAsUser };

/**
 * Pod-level settings for Pod Security Standards "restricted": a non-root
 * user and group matching the image, and volumes group-writable for it.
 *
 * `OnRootMismatch` skips the recursive chown on every start once a volume is
 * already owned by the group, which matters for large data volumes.
 */
export function restrictedPodContext(user: RunAsUser): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: user.uid,
    group: user.gid,
    fsGroup: user.gid,
    fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}

/**
 * Container settings for Pod Security Standards "restricted" (v1.28): no
 * privilege escalation, every capability dropped, the runtime's default
 * seccomp profile, and a read-only root filesystem (writable paths are
 * emptyDir or claim mounts).
 */
export function restrictedContainerContext(user: RunAsUser): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: user.uid,
    group: user.gid,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/**
 * Mounts an emptyDir at each path a process writes to, so the root
 * filesystem can stay read-only. Volume names derive from the paths
 * (`/var/run/postgresql` → `scratch-var-run-postgresql`); two paths that map to
 * one name are refused.
 */
export function mountScratch(scope: Construct, container: kplus.Container, paths: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const mountPath of paths) {
    // A volume name is a DNS label: lowercase, at most 63 characters, no trailing '-'.
    const name = `scratch${mountPath.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(0, 63).replace(/-+$/, '');
    const clash = seen.get(name);
    if (clash !== undefined) {
      throw new Error(`${scope.node.path}: scratch paths "${clash}" and "${mountPath}" both map to volume name "${name}"; use paths that differ in letters or digits`);
    }
    seen.set(name, mountPath);
    container.mount(mountPath, kplus.Volume.fromEmptyDir(scope, name, name));
  }
}

/** A key of a Secret that holds a credential. */
export interface SecretKeyRef {
  /** Name of the Secret, in the same namespace. */
  readonly secretName: string;
  /** Key within the Secret. */
  readonly key: string;
}

/** An environment variable value read from a Secret key, never written into a manifest. */
export function fromSecretKey(scope: Construct, ref: SecretKeyRef): kplus.EnvValue {
  const id = `Secret-${ref.secretName}`;
  const secret = (scope.node.tryFindChild(id) as kplus.ISecret | undefined) ?? kplus.Secret.fromSecretName(scope, id, ref.secretName);
  return kplus.EnvValue.fromSecretValue({ secret, key: ref.key });
}
