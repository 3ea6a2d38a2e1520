import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SEED } from '../conventions/defaults';
import { pullPolicyFor } from './pods';
import { toContainerResources } from './resources';
import { RunAsUser, restrictedContainerContext } from './security';

/** Name of the init container that waits for the app's backing services. */
export const WAIT_FOR_BACKENDS_CONTAINER = 'wait-for-backends';

/**
 * Connects to each `host:port` argument in turn, retrying every 2 s, and
 * exits 1 once the first argument's seconds have passed without success. It
 * needs only Python's standard library, which the app image has, writes no
 * file, and runs as the app's user.
 */
export const WAIT_FOR_BACKENDS_SCRIPT = `import socket, sys, time
limit = float(sys.argv[1])
deadline = time.monotonic() + limit
for target in sys.argv[2:]:
    host, port = target.rsplit(":", 1)
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=5).close()
            print("reachable: " + target, flush=True)
            break
        except OSError as error:
            if time.monotonic() >= deadline:
                sys.exit("gave up on %s after %g s: %s" % (target, limit, error))
            time.sleep(2)
`;

/** What {@link addWaitForBackends} needs. */
export interface WaitForBackendsOptions {
  /** The image whose `python` runs the wait loop: the app's own. */
  readonly image: string;
  /** `host:port` of each backing service, in the order to wait for them. */
  readonly targets: readonly string[];
  /** How long to wait in total before the pod's start fails (and the kubelet retries it with back-off). */
  readonly timeout: Duration;
  /** The user the container runs as: the app's. */
  readonly runAsUser: RunAsUser;
}

/**
 * Adds an init container to `deployment` that holds the app back until every
 * backing service accepts TCP connections, within a bound, without root and
 * under the same restricted security context as the app.
 */
export function addWaitForBackends(scope: Construct, deployment: kplus.Deployment, o: WaitForBackendsOptions): kplus.Container {
  return deployment.addInitContainer({
    name: WAIT_FOR_BACKENDS_CONTAINER,
    image: o.image,
    imagePullPolicy: pullPolicyFor(o.image),
    command: ['python', '-c', WAIT_FOR_BACKENDS_SCRIPT, String(o.timeout.toSeconds()), ...o.targets],
    securityContext: restrictedContainerContext(o.runAsUser),
    // Spelled as cdk8s-plus writes them (millicores, Mi), so no patch is needed to keep them as written.
    resources: toContainerResources(scope, SEED.app.waitForBackendsResources, 'waitForBackends.resources'),
  });
}
