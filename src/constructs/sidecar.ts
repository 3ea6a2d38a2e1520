import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { pullPolicyFor } from './pods';
import { ComputeResources, keepResourceSpelling, toContainerResources } from './resources';
import { RunAsUser, mountScratch, restrictedContainerContext } from './security';

/** An extra container in the app's pods: a log shipper, a proxy, an agent. */
export interface SidecarOptions {
  /** Container name, unique in the pod. */
  readonly name: string;
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /** Its CPU and memory requests and limits. */
  readonly resources: ComputeResources;
  /** Entrypoint. @default - the image's own */
  readonly command?: string[];
  /** Arguments to the entrypoint. @default - the image's own */
  readonly args?: string[];
  /** Ports it listens on. @default - none */
  readonly ports?: { readonly name: string; readonly number: number }[];
  /** Environment variables: a string is a plain value, an EnvValue may read a Secret key. @default - none */
  readonly env?: Record<string, string | kplus.EnvValue>;
  /** Liveness probe. @default - none */
  readonly liveness?: kplus.Probe;
  /** Readiness probe. @default - none */
  readonly readiness?: kplus.Probe;
  /** Startup probe. @default - none */
  readonly startup?: kplus.Probe;
  /** Directories it writes to, each an emptyDir, since its root filesystem is read-only. @default - none */
  readonly scratchPaths?: string[];
}

/** Environment values as cdk8s-plus takes them: a string is a plain value. */
export function toEnvValues(env: Record<string, string | kplus.EnvValue>): Record<string, kplus.EnvValue> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, typeof value === 'string' ? kplus.EnvValue.fromValue(value) : value]));
}

/**
 * Adds a sidecar to `deployment` as its container number `index` (sidecar
 * `index - 1`, as errors name it), with the
 * same restricted security context and user as the main container, so the pod
 * still meets Pod Security "restricted".
 */
export function addSidecar(scope: Construct, deployment: kplus.Deployment, index: number, sidecar: SidecarOptions, user: RunAsUser): kplus.Container {
  const container = deployment.addContainer({
    name: sidecar.name,
    image: sidecar.image,
    imagePullPolicy: pullPolicyFor(sidecar.image),
    command: sidecar.command,
    args: sidecar.args,
    ports: sidecar.ports?.map((p) => ({ name: p.name, number: p.number })),
    envVariables: sidecar.env ? toEnvValues(sidecar.env) : undefined,
    liveness: sidecar.liveness,
    readiness: sidecar.readiness,
    startup: sidecar.startup,
    securityContext: restrictedContainerContext(user),
    resources: toContainerResources(scope, sidecar.resources, `sidecars[${index - 1}].resources`),
  });
  keepResourceSpelling(deployment, index, container, sidecar.resources);
  mountScratch(scope, container, sidecar.scratchPaths ?? [], `${sidecar.name}-`);
  return container;
}
