/**
 * Properties of a rendered Kubernetes stack once the platform runs it, each
 * returning the violations it finds (an empty list when it holds). They read
 * only the rendered objects, the stack's config and the image facts, so a
 * test can mutate an object and watch the property catch it.
 */
import { StackConfig } from '../../src/config/schema';
import { SEED } from '../../src/conventions/defaults';
import { ClusterState, Endpoint, Flow, isFlowAllowed, networkPolicies } from './network-policy';
import { factsOf, WRITTEN_PATHS } from './image-facts';

/** A flow the stack needs (allowed) or must not have (denied), with what it is for. */
export interface ExpectedFlow extends Flow {
  readonly what: string;
  readonly allowed: boolean;
}

const KUBE_DNS: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.96.0.10' };
const NODE_LOCAL_DNS: Endpoint = { ip: '169.254.20.10' };
const METADATA_SERVER: Endpoint = { ip: '169.254.169.254' };
const LLM_API: Endpoint = { ip: '162.159.140.245' };
const NOT_NAMED_DATABASE: Endpoint = { ip: '10.99.0.5' };
const ACME_SOLVER_LABELS = { 'acme.cert-manager.io/http01-solver': 'true' };

function deployments(objects: readonly any[]): any[] {
  return objects.filter((o) => o.kind === 'Deployment');
}

function podOf(objects: readonly any[], name: string, namespace: string, ip: string): Endpoint {
  const deployment = deployments(objects).find((d) => d.metadata.name === name);
  if (!deployment) throw new Error(`no Deployment ${name}`);
  const namedPorts = Object.fromEntries(
    deployment.spec.template.spec.containers.flatMap((c: any) => (c.ports ?? []).filter((p: any) => p.name).map((p: any) => [p.name, p.containerPort])),
  );
  return { namespace, labels: deployment.spec.template.metadata.labels, ip, namedPorts };
}

/** The namespace of the pods that forward public traffic to the app: the ingress controller's or the Gateway proxies'. */
function edgeNamespace(config: StackConfig, namespace: string): string {
  const { ingress, network } = config;
  if (ingress.api === 'ingress') return network.ingressControllerNamespace;
  if (network.gatewayNamespace) return network.gatewayNamespace;
  if (ingress.gateway?.implementation === 'envoy-gateway') return SEED.gateway.envoyGatewayNamespace;
  return ingress.gateway?.create ? namespace : ingress.gateway!.namespace!;
}

/** The flows a stack needs and the ones it must not have, from its config. */
export function expectedFlows(config: StackConfig, objects: readonly any[]): ExpectedFlow[] {
  const namespace = config.namespace ?? config.name;
  const app = podOf(objects, `${config.name}-app`, namespace, '10.244.0.10');
  const appPort = config.app.port;
  const flows: ExpectedFlow[] = [
    { what: 'app → kube-dns (UDP 53)', from: app, to: KUBE_DNS, port: 53, protocol: 'UDP', allowed: true },
    { what: 'app → NodeLocal DNSCache (UDP 53)', from: app, to: NODE_LOCAL_DNS, port: 53, protocol: 'UDP', allowed: true },
    { what: 'app → the metadata server as a resolver (UDP 53)', from: app, to: METADATA_SERVER, port: 53, protocol: 'UDP', allowed: true },
    { what: 'app → the metadata API (TCP 80)', from: app, to: METADATA_SERVER, port: 80, allowed: false },
    { what: 'app → an LLM API (TCP 443)', from: app, to: LLM_API, port: 443, allowed: true },
    { what: 'another namespace → app', from: { namespace: 'other-team', labels: { app: 'x' }, ip: '10.244.9.9' }, to: app, port: appPort, allowed: false },
  ];
  if (config.redis.enabled) {
    const redis = podOf(objects, 'redis', namespace, '10.244.0.11');
    flows.push(
      { what: 'app → redis', from: app, to: redis, port: SEED.redis.port, allowed: true },
      { what: 'another namespace → redis', from: { namespace: 'other-team', labels: { app: 'saplings' }, ip: '10.244.9.9' }, to: redis, port: SEED.redis.port, allowed: false },
    );
  }
  if (config.vectorDb.enabled) {
    const db = podOf(objects, config.vectorDb.engine, namespace, '10.244.0.12');
    const port = config.vectorDb.engine === 'pgvector' ? 5432 : 6333;
    flows.push({ what: `app → ${config.vectorDb.engine}`, from: app, to: db, port, allowed: true });
  }
  if (config.network.database) {
    const [cidr] = config.network.database.cidrs;
    flows.push({ what: 'app → the external database', from: app, to: { ip: cidr.split('/')[0] }, port: config.network.database.port, allowed: true });
  }
  flows.push({ what: 'app → a database the config does not name (TCP 5432)', from: app, to: NOT_NAMED_DATABASE, port: 5432, allowed: false });
  if (config.ingress.enabled) {
    const edge: Endpoint = { namespace: edgeNamespace(config, namespace), labels: { 'app.kubernetes.io/name': 'edge-proxy' }, ip: '10.244.1.2' };
    flows.push({ what: 'ingress controller or Gateway proxy → app', from: edge, to: app, port: appPort, allowed: true });
    // A certificate the stack asks cert-manager for is solved in the stack's namespace.
    const certificateHere = config.ingress.tls && (config.ingress.api === 'ingress' || config.ingress.gateway?.create === true);
    if (certificateHere) {
      const solver: Endpoint = { namespace, labels: ACME_SOLVER_LABELS, ip: '10.244.0.50' };
      flows.push({ what: 'ingress controller or Gateway proxy → cert-manager HTTP-01 solver (8089)', from: edge, to: solver, port: 8089, allowed: true });
    }
  }
  if (config.monitoring.enabled && config.monitoring.serviceMonitor) {
    const prometheus: Endpoint = { namespace: config.network.prometheusNamespace, labels: { 'app.kubernetes.io/name': 'prometheus' }, ip: '10.244.2.3' };
    flows.push({ what: 'Prometheus → app /metrics', from: prometheus, to: app, port: appPort, allowed: true });
  }
  return flows;
}

/** Flows whose outcome under the stack's NetworkPolicies is not the expected one. */
export function flowViolations(config: StackConfig, objects: readonly any[]): string[] {
  const namespace = config.namespace ?? config.name;
  const state: ClusterState = { policies: networkPolicies(objects, namespace) };
  return expectedFlows(config, objects)
    .filter((f) => isFlowAllowed(state, f) !== f.allowed)
    .map((f) => `${f.what}: ${f.allowed ? 'denied, but the stack needs it' : 'allowed, but must be denied'}`);
}

function volumeSource(pod: any, name: string): any {
  return (pod.volumes ?? []).find((v: any) => v.name === name);
}

/** Whether `path` is writable by the container's user, per how the kubelet and the runtime set it up. */
function writable(pod: any, container: any, path: string): string | undefined {
  const securityContext = { ...pod.securityContext, ...container.securityContext };
  const uid: number = securityContext.runAsUser;
  const gid: number = securityContext.runAsGroup;
  const fsGroup: number | undefined = pod.securityContext?.fsGroup;
  const mount = (container.volumeMounts ?? [])
    .filter((m: any) => path === m.mountPath || path.startsWith(`${m.mountPath}/`))
    .sort((a: any, b: any) => b.mountPath.length - a.mountPath.length)[0];
  if (mount) {
    if (mount.readOnly) return `${path} is on read-only mount ${mount.name}`;
    const source = volumeSource(pod, mount.name);
    if (!source) return `${path}: mount ${mount.name} has no volume`;
    // emptyDir: created world-writable (0777), and group-owned by fsGroup when set.
    // https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
    if (source.emptyDir) return undefined;
    // A claim's volume is made group-writable for fsGroup by the kubelet; without fsGroup it keeps the provisioner's root ownership.
    // https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-the-security-context-for-a-pod
    if (source.persistentVolumeClaim || source.ephemeral) return fsGroup !== undefined ? undefined : `${path} is on claim volume ${mount.name}, root-owned without fsGroup`;
    return `${path} is on ${Object.keys(source).filter((k) => k !== 'name').join(',')} volume ${mount.name}, which is read-only`;
  }
  // The runtime mounts a writable tmpfs at /dev/shm in every container (64 MB unless a volume replaces it).
  if (path === '/dev/shm') return undefined;
  if (securityContext.readOnlyRootFilesystem) return `${path} is on the read-only root filesystem`;
  const facts = factsOf(container.image);
  const dir = facts.directories[path];
  if (!dir) return `${path} does not exist in ${container.image}`;
  const ok = (dir.uid === uid && dir.mode & 0o200) || (dir.gid === gid && dir.mode & 0o020) || dir.mode & 0o002;
  return ok ? undefined : `${path} is ${dir.uid}:${dir.gid} ${dir.mode.toString(8)} in ${container.image}, not writable by ${uid}:${gid}`;
}

function plainEnv(container: any, configMaps: Map<string, Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, configMaps.get(from.configMapRef.name) ?? {});
  }
  for (const e of container.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
  return env;
}

function configMapsOf(objects: readonly any[]): Map<string, Record<string, string>> {
  return new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]));
}

/** Paths a container's process writes that its user cannot write. */
export function writablePathViolations(objects: readonly any[]): string[] {
  const configMaps = configMapsOf(objects);
  return deployments(objects).flatMap((d) => {
    const pod = d.spec.template.spec;
    return pod.containers.flatMap((c: any) => {
      const written = WRITTEN_PATHS[c.name === SEED.app.containerName ? 'saplings' : c.name];
      if (!written) return [];
      return written(plainEnv(c, configMaps)).flatMap((path) => {
        const problem = writable(pod, c, path);
        return problem ? [`${d.metadata.name}/${c.name}: ${problem}`] : [];
      });
    });
  });
}

function flagValue(command: readonly string[], flag: string): string | undefined {
  const i = command.indexOf(flag);
  return i >= 0 ? command[i + 1] : undefined;
}

/**
 * The command line a container runs: `command` replaces the image's
 * ENTRYPOINT and `args` its CMD; with `command` alone the image's CMD is
 * ignored. The guide's image has no ENTRYPOINT.
 * https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes
 */
function processOf(container: any): readonly string[] {
  const facts = factsOf(container.image);
  if (container.command) return [...container.command, ...(container.args ?? [])];
  return [...(facts.entrypoint ?? []), ...(container.args ?? facts.cmd ?? [])];
}

/** Runtime settings of the app that do not reach its process, and binaries the manifests call that the image lacks. */
export function runtimeSettingViolations(config: StackConfig, objects: readonly any[]): string[] {
  const problems: string[] = [];
  const configMaps = configMapsOf(objects);
  for (const d of deployments(objects)) {
    const pod = d.spec.template.spec;
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const facts = factsOf(c.image);
      const called = [processOf(c)[0], c.lifecycle?.preStop?.exec?.command?.[0], c.livenessProbe?.exec?.command?.[0], c.readinessProbe?.exec?.command?.[0]];
      for (const binary of called) {
        if (binary !== undefined && !facts.binaries.includes(binary)) problems.push(`${d.metadata.name}/${c.name}: calls ${binary}, which ${c.image} lacks`);
      }
    }
  }
  if (config.app.command) return problems;
  const app = deployments(objects).find((d) => d.metadata.name === `${config.name}-app`);
  const pod = app.spec.template.spec;
  const container = pod.containers.find((c: any) => c.name === SEED.app.containerName);
  const command = processOf(container);
  const env = plainEnv(container, configMaps);
  const port = container.ports?.[0]?.containerPort;
  if (flagValue(command, '--bind') !== `0.0.0.0:${port}`) problems.push(`gunicorn binds ${flagValue(command, '--bind')}, but the container port, probes and Service target ${port}`);
  if (flagValue(command, '--workers') !== env.MAX_WORKERS) problems.push(`gunicorn runs ${flagValue(command, '--workers')} workers, but MAX_WORKERS is ${env.MAX_WORKERS}`);
  if (flagValue(command, '--timeout') !== env.TIMEOUT) problems.push(`gunicorn's timeout is ${flagValue(command, '--timeout')}, but TIMEOUT is ${env.TIMEOUT}`);
  // The kubelet runs preStop, then sends SIGTERM; gunicorn then waits --graceful-timeout; all within the grace period.
  // https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
  const preStop = container.lifecycle?.preStop?.exec?.command;
  const drain = preStop?.[0] === 'sleep' ? Number(preStop[1]) : 0;
  if (drain === 0) problems.push('the app has no preStop drain: endpoints still route to it as it stops');
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const longest = Number(flagValue(command, '--graceful-timeout') ?? 30);
  if (grace < drain + Number(env.TIMEOUT)) problems.push(`terminationGracePeriodSeconds ${grace} is shorter than the drain (${drain} s) and the longest request (${env.TIMEOUT} s)`);
  if (longest < Number(env.TIMEOUT)) problems.push(`gunicorn's graceful timeout ${longest} s cuts requests of up to ${env.TIMEOUT} s`);
  return problems;
}

/**
 * Claims a single node or pod mounts (ReadWriteOnce, ReadWriteOncePod) that
 * more than one pod may use at once: several replicas, an autoscaler, or a
 * RollingUpdate that starts the new pod before the old one stops.
 * https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
 */
export function singleWriterViolations(objects: readonly any[]): string[] {
  const claims = new Map(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((c) => [c.metadata.name, c]));
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const problems: string[] = [];
  for (const d of deployments(objects)) {
    const pod = d.spec.template.spec;
    for (const volume of pod.volumes ?? []) {
      const claim = volume.persistentVolumeClaim && claims.get(volume.persistentVolumeClaim.claimName);
      if (!claim) continue;
      const modes: string[] = claim.spec.accessModes ?? [];
      if (!modes.every((m) => m === 'ReadWriteOnce' || m === 'ReadWriteOncePod')) continue;
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata.name);
      const pods = hpa ? hpa.spec.maxReplicas : (d.spec.replicas ?? 1);
      if (pods > 1) problems.push(`${claim.metadata.name} (${modes.join(',')}) is mounted by up to ${pods} pods of ${d.metadata.name}`);
      if ((d.spec.strategy?.type ?? 'RollingUpdate') !== 'Recreate') problems.push(`${claim.metadata.name} (${modes.join(',')}) gets a second writer while ${d.metadata.name} rolls out (RollingUpdate)`);
    }
  }
  return problems;
}
