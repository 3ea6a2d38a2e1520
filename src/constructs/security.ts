import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RunAsUser } from '../conventions/backing-services';
import { AppSecret } from './app-secret';
import { propsError } from './errors';

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
 * (`/var/run/postgresql` → `scratch-var-run-postgresql`), after `volumePrefix`
 * (a sidecar's name, so its volumes differ from the main container's); two
 * paths that map to one name are refused.
 */
export function mountScratch(scope: Construct, container: kplus.Container, paths: readonly string[], volumePrefix = ''): void {
  const seen = new Map<string, string>();
  for (const mountPath of paths) {
    // A volume name is a DNS label: lowercase, at most 63 characters, no trailing '-'.
    const name = `${volumePrefix}scratch${mountPath.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(0, 63).replace(/-+$/, '');
    const clash = seen.get(name);
    if (clash !== undefined) {
      throw propsError(
        scope,
        `scratch paths "${clash}" and "${mountPath}" both map to volume name "${name}"; use paths that differ in letters or digits`,
      );
    }
    seen.set(name, mountPath);
    container.mount(mountPath, kplus.Volume.fromEmptyDir(scope, name, name));
  }
}

/** A key of a Secret that holds a credential, by reference to the Secret. */
export interface SecretKeyReference {
  /** The Secret: an AppSecret (whose keys are then checked) or any cdk8s-plus `ISecret`. */
  readonly secret: AppSecret | kplus.ISecret;
  /** Key within the Secret. @default - the key the consumer reads by convention, e.g. `REDIS_PASSWORD` */
  readonly key?: string;
}

/** A {@link SecretKeyReference} with its key decided. */
export interface ResolvedSecretKey {
  /** The Secret, as given. */
  readonly secret: AppSecret | kplus.ISecret;
  /** Key within the Secret. */
  readonly key: string;
}

/** The cdk8s-plus Secret behind an AppSecret or an ISecret. */
export function secretOf(secret: AppSecret | kplus.ISecret): kplus.ISecret {
  return secret instanceof AppSecret ? secret.secret : secret;
}

/** An environment variable value read from a Secret key, never written into a manifest. */
export function envFromSecretKey(ref: ResolvedSecretKey): kplus.EnvValue {
  return kplus.EnvValue.fromSecretValue({ secret: secretOf(ref.secret), key: ref.key });
}

/**
 * Has `consumer` check, at validation, that an AppSecret it reads holds the
 * key. An ISecret's keys are unknown here, so it is taken on trust.
 */
export function requireSecretKey(consumer: Construct, prop: string, ref: ResolvedSecretKey): void {
  const appSecret = ref.secret;
  if (!(appSecret instanceof AppSecret)) return;
  consumer.node.addValidation({
    validate: () =>
      appSecret.keys.includes(ref.key)
        ? []
        : [
            `'${prop}' reads key ${ref.key} of Secret ${appSecret.name}, but its AppSecret (${appSecret.node.path}) ` +
              `lists only [${appSecret.keys.join(', ')}]; add ${ref.key} to the AppSecret's 'keys'`,
          ],
  });
}
