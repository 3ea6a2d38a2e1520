import { KubeObject } from '../../conventions/kube-object';
import { mapSelectorMatches } from '../../conventions/label-selector';

type Json = Record<string, any>;

/**
 * A Mermaid flowchart of one stack's topology, read from its synthesized
 * objects (so it shows what will be deployed, not what was meant):
 * Ingress → Service → Deployment; each Deployment's ConfigMap, Secret and
 * claims; connections the NetworkPolicies allow between workloads and to the
 * internet; and the HPA and ServiceMonitor.
 */
export function mermaidDiagram(objects: readonly KubeObject[]): string {
  const o = objects as readonly Json[];
  const lines: string[] = ['flowchart LR'];
  const edges: string[] = [];
  const byKind = (kind: string) => o.filter((x) => x.kind === kind);
  const id = (x: Json) => `${x.kind}_${x.metadata.name}`.replace(/[^A-Za-z0-9_]/g, '_');
  const label = (x: Json, extra?: string) => `${x.kind} ${x.metadata.name}${extra ? `<br/>${extra}` : ''}`;
  const workloads = o.filter((x) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(x.kind));
  const podLabels = (w: Json): Json => w.spec?.template?.metadata?.labels ?? {};
  const selects = (selector: Json | undefined, labels: Json) => selector !== undefined && mapSelectorMatches(selector, labels);

  const namespace = o.find((x) => x.kind === 'Namespace')?.metadata.name ?? o.find((x) => x.metadata?.namespace)?.metadata.namespace;
  lines.push(`  users(["clients"])`);
  lines.push(`  subgraph ns["namespace ${namespace ?? 'default'}"]`);

  for (const ingress of byKind('Ingress')) {
    const paths = (ingress.spec?.rules ?? []).flatMap((r: Json) => (r.http?.paths ?? []).map((p: Json) => `${r.host ?? '*'}${p.path}`));
    const allow = ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/whitelist-source-range'];
    lines.push(`    ${id(ingress)}["${label(ingress, paths.join(' ') + (allow ? ` only from ${allow}` : ''))}"]`);
    edges.push(`  users --> ${id(ingress)}`);
    for (const name of new Set((ingress.spec?.rules ?? []).flatMap((r: Json) => (r.http?.paths ?? []).map((p: Json) => p.backend?.service?.name)))) {
      const service = byKind('Service').find((s) => s.metadata.name === name);
      if (service) edges.push(`  ${id(ingress)} --> ${id(service)}`);
    }
  }
  for (const service of byKind('Service')) {
    const ports = (service.spec?.ports ?? []).map((p: Json) => p.port).join(', ');
    lines.push(`    ${id(service)}["${label(service, `:${ports}`)}"]`);
    for (const w of workloads.filter((w) => selects(service.spec?.selector, podLabels(w)))) edges.push(`  ${id(service)} --> ${id(w)}`);
  }
  for (const w of workloads) {
    const pod = w.spec?.template?.spec ?? {};
    const images = (pod.containers ?? []).map((c: Json) => c.image).join(', ');
    lines.push(`    ${id(w)}[["${label(w, images)}"]]`);
    const configMaps = new Set<string>();
    const secrets = new Set<string>();
    for (const c of pod.containers ?? []) {
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef) configMaps.add(e.configMapRef.name);
        if (e.secretRef) secrets.add(e.secretRef.name);
      }
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) secrets.add(e.valueFrom.secretKeyRef.name);
    }
    for (const name of configMaps) edges.push(`  ${id(w)} -. env .-> ConfigMap_${safe(name)}`);
    for (const name of secrets) edges.push(`  ${id(w)} -. env .-> Secret_${safe(name)}`);
    for (const v of pod.volumes ?? []) {
      if (v.persistentVolumeClaim) edges.push(`  ${id(w)} -- mounts --> PersistentVolumeClaim_${safe(v.persistentVolumeClaim.claimName)}`);
    }
  }
  for (const cm of byKind('ConfigMap')) lines.push(`    ${id(cm)}[/"${label(cm)}"/]`);
  const secretNames = new Set(
    edges.filter((e) => e.includes('-. env .-> Secret_')).map((e) => e.split('Secret_')[1]),
  );
  for (const name of secretNames) {
    const source = o.find((x) => (x.kind === 'ExternalSecret' || x.kind === 'Secret') && safe(x.metadata.name) === name);
    const how = source?.kind === 'ExternalSecret' ? 'from ExternalSecret' : source ? 'inline' : 'created out of band';
    lines.push(`    Secret_${name}[/"Secret ${source?.metadata.name ?? name.replace(/_/g, '-')}<br/>${how}"/]`);
  }
  for (const pvc of byKind('PersistentVolumeClaim')) {
    const size = pvc.spec?.resources?.requests?.storage;
    lines.push(`    ${id(pvc)}[("${label(pvc, `${size} ${(pvc.spec?.accessModes ?? []).join(',')}`)}")]`);
  }
  for (const hpa of byKind('HorizontalPodAutoscaler')) {
    lines.push(`    ${id(hpa)}{{"${label(hpa, `${hpa.spec?.minReplicas}..${hpa.spec?.maxReplicas} replicas`)}"}}`);
    const target = workloads.find((w) => w.metadata.name === hpa.spec?.scaleTargetRef?.name);
    if (target) edges.push(`  ${id(hpa)} -. scales .-> ${id(target)}`);
  }
  for (const monitor of byKind('ServiceMonitor')) {
    lines.push(`    ${id(monitor)}{{"${label(monitor, (monitor.spec?.endpoints ?? []).map((e: Json) => e.path).join(', '))}"}}`);
    for (const service of byKind('Service').filter((s) => selects(monitor.spec?.selector?.matchLabels, s.metadata.labels ?? {}))) {
      edges.push(`  ${id(monitor)} -. scrapes .-> ${id(service)}`);
    }
  }
  lines.push('  end');

  let internet = false;
  for (const policy of byKind('NetworkPolicy')) {
    const from = workloads.filter((w) => selects(policy.spec?.podSelector?.matchLabels, podLabels(w)));
    if (!(policy.spec?.policyTypes ?? []).includes('Egress') || from.length === 0 || !policy.spec?.podSelector?.matchLabels) continue;
    for (const rule of policy.spec?.egress ?? []) {
      const ports = (rule.ports ?? []).map((p: Json) => p.port).join(', ');
      for (const peer of rule.to ?? []) {
        if (peer.ipBlock) {
          internet = true;
          for (const w of from) edges.push(`  ${id(w)} == ":${ports}" ==> internet`);
          continue;
        }
        if (peer.namespaceSelector) continue;
        for (const target of workloads.filter((t) => selects(peer.podSelector?.matchLabels, podLabels(t)))) {
          for (const w of from) edges.push(`  ${id(w)} == ":${ports}" ==> ${id(target)}`);
        }
      }
    }
  }
  if (internet) lines.push(`  internet(("LLM APIs<br/>(internet)"))`);
  return `${[...lines, ...edges].join('\n')}\n`;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}
