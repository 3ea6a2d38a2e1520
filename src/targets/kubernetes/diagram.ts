import { KubeObject } from '../../conventions/kube-object';
import { mapSelectorMatches } from '../../conventions/label-selector';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized manifests are untyped JSON
type Json = Record<string, any>;

/**
 * A Mermaid flowchart of one stack's topology, read from its synthesized
 * objects (so it shows what will be deployed, not what was meant):
 * Ingress (or Gateway and HTTPRoute) → Service → Deployment; each Deployment's ConfigMap, Secret and
 * claims and mounted ConfigMaps; connections the NetworkPolicies allow
 * between workloads and to the internet; and the HPA, ServiceMonitor and
 * PrometheusRule.
 */
export function mermaidDiagram(objects: readonly KubeObject[]): string {
  const stack = new StackObjects(objects as readonly Json[]);
  const chart: Flowchart = { nodes: [], edges: [] };
  chart.nodes.push(`  users(["clients"])`, `  subgraph ns["namespace ${labelText(stack.namespace ?? 'default')}"]`);
  drawIngresses(stack, chart);
  drawGatewayRoutes(stack, chart);
  drawServices(stack, chart);
  const secrets = drawWorkloads(stack, chart);
  drawConfigMaps(stack, chart);
  drawSecrets(stack, secrets, chart);
  drawClaims(stack, chart);
  drawAutoscalers(stack, chart);
  drawMonitors(stack, chart);
  drawAlertRules(stack, chart);
  chart.nodes.push('  end');
  // The internet node sits outside the namespace's subgraph.
  if (drawAllowedConnections(stack, chart)) chart.nodes.push(`  internet(("LLM APIs<br/>(internet)"))`);
  return `${['flowchart LR', ...chart.nodes, ...chart.edges].join('\n')}\n`;
}

/** A flowchart being drawn: node declarations first, then the edges between them. */
interface Flowchart {
  readonly nodes: string[];
  readonly edges: string[];
}

/** One stack's objects, with the lookups every drawing step needs. */
class StackObjects {
  /** The pod-running workloads, the flowchart's central nodes. */
  readonly workloads: readonly Json[];
  /** The stack's namespace, from its Namespace or else any namespaced object. */
  readonly namespace: string | undefined;

  constructor(readonly all: readonly Json[]) {
    this.workloads = all.filter((x) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(x.kind));
    this.namespace = all.find((x) => x.kind === 'Namespace')?.metadata.name ?? all.find((x) => x.metadata?.namespace)?.metadata.namespace;
  }

  byKind(kind: string): Json[] {
    return this.all.filter((x) => x.kind === kind);
  }

  /** The workloads whose pods a label selector selects. */
  selectedWorkloads(selector: Json | undefined): Json[] {
    return this.workloads.filter((w) => selects(selector, podLabels(w)));
  }
}

function drawIngresses(stack: StackObjects, chart: Flowchart): void {
  for (const ingress of stack.byKind('Ingress')) {
    const paths = (ingress.spec?.rules ?? []).flatMap((r: Json) => (r.http?.paths ?? []).map((p: Json) => `${r.host ?? '*'}${p.path}`));
    const allow = ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/whitelist-source-range'];
    chart.nodes.push(`    ${id(ingress)}["${label(ingress, paths.join(' ') + (allow ? ` only from ${allow}` : ''))}"]`);
    chart.edges.push(`  users --> ${id(ingress)}`);
    for (const name of new Set((ingress.spec?.rules ?? []).flatMap((r: Json) => (r.http?.paths ?? []).map((p: Json) => p.backend?.service?.name)))) {
      const service = stack.byKind('Service').find((s) => s.metadata.name === name);
      if (service) chart.edges.push(`  ${id(ingress)} --> ${id(service)}`);
    }
  }
}

/**
 * Draws the stack's Gateways and HTTPRoutes: clients reach a route through its
 * Gateway when the stack has it, else directly (a platform-owned Gateway).
 * A rule with no backend and no filter is blocked; a SecurityPolicy's allowed
 * client ranges are shown on the route it guards.
 */
function drawGatewayRoutes(stack: StackObjects, chart: Flowchart): void {
  const gateways = stack.byKind('Gateway');
  for (const gateway of gateways) {
    const listeners = (gateway.spec?.listeners ?? []).map((l: Json) => `${l.protocol} ${l.hostname ?? '*'}:${l.port}`);
    chart.nodes.push(`    ${id(gateway)}["${label(gateway, listeners.join(' '))}"]`);
    chart.edges.push(`  users --> ${id(gateway)}`);
  }
  for (const route of stack.byKind('HTTPRoute')) {
    const host = (route.spec?.hostnames ?? ['*']).join(',');
    const rules = (route.spec?.rules ?? []).map((rule: Json) => {
      const paths = (rule.matches ?? [{ path: { value: '/' } }]).map((m: Json) => `${host}${m.path?.value ?? '/'}`).join(' ');
      const redirect = (rule.filters ?? []).find((f: Json) => f.type === 'RequestRedirect')?.requestRedirect;
      if (redirect) return `${paths} redirects to ${redirect.scheme ?? 'the same scheme'}`;
      return (rule.backendRefs ?? []).length === 0 && (rule.filters ?? []).length === 0 ? `${paths} blocked` : paths;
    });
    const allowed = stack
      .byKind('SecurityPolicy')
      .filter((p) => (p.spec?.targetRefs ?? []).some((t: Json) => t.kind === 'HTTPRoute' && t.name === route.metadata.name))
      .flatMap((p) => (p.spec?.authorization?.rules ?? []).filter((r: Json) => r.action === 'Allow').flatMap((r: Json) => r.principal?.clientCIDRs ?? []));
    chart.nodes.push(`    ${id(route)}["${label(route, rules.join(' ') + (allowed.length ? ` only from ${allowed.join(',')}` : ''))}"]`);
    const parents = gateways.filter((g) =>
      (route.spec?.parentRefs ?? []).some((p: Json) => p.name === g.metadata.name && (p.namespace ?? route.metadata.namespace) === g.metadata.namespace),
    );
    if (parents.length === 0) {
      // A Gateway outside the stack (the platform's): name it on the edge.
      const via = (route.spec?.parentRefs ?? []).map((p: Json) => `${p.namespace ?? route.metadata.namespace}/${p.name}`).join(', ');
      chart.edges.push(via ? `  users -- "${labelText(via)}" --> ${id(route)}` : `  users --> ${id(route)}`);
    }
    for (const gateway of parents) chart.edges.push(`  ${id(gateway)} --> ${id(route)}`);
    const backends = new Set((route.spec?.rules ?? []).flatMap((r: Json) => (r.backendRefs ?? []).map((b: Json) => b.name)));
    for (const service of stack.byKind('Service').filter((s) => backends.has(s.metadata.name))) chart.edges.push(`  ${id(route)} --> ${id(service)}`);
  }
}

function drawServices(stack: StackObjects, chart: Flowchart): void {
  for (const service of stack.byKind('Service')) {
    const ports = (service.spec?.ports ?? []).map((p: Json) => p.port).join(', ');
    chart.nodes.push(`    ${id(service)}["${label(service, `:${ports}`)}"]`);
    for (const w of stack.selectedWorkloads(service.spec?.selector)) chart.edges.push(`  ${id(service)} --> ${id(w)}`);
  }
}

/** Draws each workload with its env sources and claims; returns the node ids of the Secrets they read, in order. */
function drawWorkloads(stack: StackObjects, chart: Flowchart): Set<string> {
  const secretIds = new Set<string>();
  for (const w of stack.workloads) {
    const pod = w.spec?.template?.spec ?? {};
    const images = (pod.containers ?? []).map((c: Json) => c.image).join(', ');
    chart.nodes.push(`    ${id(w)}[["${label(w, images)}"]]`);
    const { configMaps, secrets } = envSources(pod);
    for (const name of configMaps) chart.edges.push(`  ${id(w)} -. env .-> ConfigMap_${safe(name)}`);
    for (const name of secrets) {
      chart.edges.push(`  ${id(w)} -. env .-> Secret_${safe(name)}`);
      secretIds.add(safe(name));
    }
    for (const v of pod.volumes ?? []) {
      if (v.persistentVolumeClaim) chart.edges.push(`  ${id(w)} -- mounts --> PersistentVolumeClaim_${safe(v.persistentVolumeClaim.claimName)}`);
      if (v.configMap && stack.byKind('ConfigMap').some((cm) => cm.metadata.name === v.configMap.name)) {
        chart.edges.push(`  ${id(w)} -- mounts --> ConfigMap_${safe(v.configMap.name)}`);
      }
    }
  }
  return secretIds;
}

/** The ConfigMaps and Secrets a pod's containers take environment variables from. */
function envSources(pod: Json): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const c of pod.containers ?? []) {
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) configMaps.add(e.configMapRef.name);
      if (e.secretRef) secrets.add(e.secretRef.name);
    }
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) secrets.add(e.valueFrom.secretKeyRef.name);
  }
  return { configMaps, secrets };
}

function drawConfigMaps(stack: StackObjects, chart: Flowchart): void {
  for (const cm of stack.byKind('ConfigMap')) {
    // Grafana's dashboard sidecar loads ConfigMaps with this label.
    chart.nodes.push(`    ${id(cm)}[/"${label(cm, cm.metadata.labels?.grafana_dashboard === '1' ? 'Grafana dashboard' : undefined)}"/]`);
  }
}

/** Draws each Secret a workload reads, saying where its values come from; one the stack does not create is drawn too. */
function drawSecrets(stack: StackObjects, secretIds: ReadonlySet<string>, chart: Flowchart): void {
  for (const name of secretIds) {
    const source = stack.all.find((x) => (x.kind === 'ExternalSecret' || x.kind === 'Secret') && safe(x.metadata.name) === name);
    const how = source?.kind === 'ExternalSecret' ? 'from ExternalSecret' : source ? 'inline' : 'created out of band';
    chart.nodes.push(`    Secret_${name}[/"Secret ${labelText(source?.metadata.name ?? name.replace(/_/g, '-'))}<br/>${how}"/]`);
  }
}

function drawClaims(stack: StackObjects, chart: Flowchart): void {
  for (const pvc of stack.byKind('PersistentVolumeClaim')) {
    const size = pvc.spec?.resources?.requests?.storage;
    chart.nodes.push(`    ${id(pvc)}[("${label(pvc, `${size} ${(pvc.spec?.accessModes ?? []).join(',')}`)}")]`);
  }
}

function drawAutoscalers(stack: StackObjects, chart: Flowchart): void {
  for (const hpa of stack.byKind('HorizontalPodAutoscaler')) {
    chart.nodes.push(`    ${id(hpa)}{{"${label(hpa, `${hpa.spec?.minReplicas}..${hpa.spec?.maxReplicas} replicas`)}"}}`);
    const target = stack.workloads.find((w) => w.metadata.name === hpa.spec?.scaleTargetRef?.name);
    if (target) chart.edges.push(`  ${id(hpa)} -. scales .-> ${id(target)}`);
  }
}

function drawMonitors(stack: StackObjects, chart: Flowchart): void {
  for (const monitor of stack.byKind('ServiceMonitor')) {
    chart.nodes.push(`    ${id(monitor)}{{"${label(monitor, (monitor.spec?.endpoints ?? []).map((e: Json) => e.path).join(', '))}"}}`);
    for (const service of stack.byKind('Service').filter((s) => selects(monitor.spec?.selector?.matchLabels, s.metadata.labels ?? {}))) {
      chart.edges.push(`  ${id(monitor)} -. scrapes .-> ${id(service)}`);
    }
  }
}

/** Draws each PrometheusRule with its alert count, and the workloads its labels name (the app it was made for). */
function drawAlertRules(stack: StackObjects, chart: Flowchart): void {
  for (const rule of stack.byKind('PrometheusRule')) {
    const alerts = (rule.spec?.groups ?? []).flatMap((g: Json) => (g.rules ?? []).filter((r: Json) => r.alert));
    chart.nodes.push(`    ${id(rule)}{{"${label(rule, `${alerts.length} alerts`)}"}}`);
    const app = rule.metadata.labels?.app;
    for (const w of stack.workloads.filter((w) => app !== undefined && podLabels(w).app === app)) chart.edges.push(`  ${id(rule)} -. alerts .-> ${id(w)}`);
  }
}

/**
 * Draws the egress the NetworkPolicies allow: between workloads, and to the
 * internet (an ipBlock). Peers chosen by namespace lie outside the stack and
 * are left out. Returns whether any workload may reach the internet.
 */
function drawAllowedConnections(stack: StackObjects, chart: Flowchart): boolean {
  let internet = false;
  for (const policy of stack.byKind('NetworkPolicy')) {
    const from = stack.selectedWorkloads(policy.spec?.podSelector?.matchLabels);
    if (!(policy.spec?.policyTypes ?? []).includes('Egress') || from.length === 0 || !policy.spec?.podSelector?.matchLabels) continue;
    for (const rule of policy.spec?.egress ?? []) {
      const ports = (rule.ports ?? []).map((p: Json) => p.port).join(', ');
      for (const peer of rule.to ?? []) {
        if (peer.ipBlock) {
          internet = true;
          for (const w of from) chart.edges.push(`  ${id(w)} == ":${labelText(ports)}" ==> internet`);
          continue;
        }
        if (peer.namespaceSelector) continue;
        for (const target of stack.selectedWorkloads(peer.podSelector?.matchLabels)) {
          for (const w of from) chart.edges.push(`  ${id(w)} == ":${labelText(ports)}" ==> ${id(target)}`);
        }
      }
    }
  }
  return internet;
}

/** A node id Mermaid accepts, unique per kind and name. */
function id(x: Json): string {
  return `${x.kind}_${x.metadata.name}`.replace(/[^A-Za-z0-9_]/g, '_');
}

/** A node's text: kind and name, and a second line when there is more to say. */
function label(x: Json, extra?: string): string {
  return `${labelText(`${x.kind} ${x.metadata.name}`)}${extra ? `<br/>${labelText(extra)}` : ''}`;
}

/**
 * Text for inside a quoted Mermaid label. Names and images come from configs
 * and manifests: a quote or a line break would end the label and let the
 * rest run as Mermaid (`click … href "javascript:…"`), so quotes and markup
 * become Mermaid's entity codes and control characters become spaces.
 */
function labelText(value: unknown): string {
  return String(value)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}

function podLabels(w: Json): Json {
  return w.spec?.template?.metadata?.labels ?? {};
}

/** Whether an equality selector selects `labels`; no selector selects nothing. */
function selects(selector: Json | undefined, labels: Json): boolean {
  return selector !== undefined && mapSelectorMatches(selector, labels);
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}
