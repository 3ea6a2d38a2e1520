import { StackConfigInput } from '../../../src/config/schema';
import { mermaidDiagram } from '../../../src/targets/kubernetes/diagram';
import { render } from '../../helpers/manifests';

const diagram = (overrides: Partial<StackConfigInput> = {}) => mermaidDiagram(render(overrides));
const lines = (text: string) => text.split('\n').map((l) => l.trim());

/** Node ids a flowchart declares (`id[...]`, `id([...])`, `id{{...}}`, `id((...))`). */
function declaredNodes(text: string): Set<string> {
  return new Set(lines(text).flatMap((l) => /^([A-Za-z0-9_]+)[[({]/.exec(l)?.[1] ?? []));
}

/** The two ends of every edge. */
function edgeEnds(text: string): string[] {
  return lines(text).flatMap((l) => {
    const m = /^([A-Za-z0-9_]+) (?:-->|-\. \w+ \.->|-- \w+ -->|== "[^"]*" ==>) ([A-Za-z0-9_]+)$/.exec(l);
    return m ? [m[1], m[2]] : [];
  });
}

describe('mermaidDiagram of the default stack', () => {
  const text = diagram();
  const has = (line: string) => expect(lines(text)).toContain(line);

  test('matches the snapshot', () => {
    expect(text).toMatchSnapshot();
  });

  test('is a flowchart with the stack inside its namespace', () => {
    expect(text.startsWith('flowchart ')).toBe(true);
    has('subgraph ns["namespace saplings"]');
    expect(text.endsWith('\n')).toBe(true);
  });

  test('routes clients through the Ingress and the Service to the app Deployment', () => {
    has('users --> Ingress_saplings_ingress');
    has('Ingress_saplings_ingress --> Service_saplings_service');
    has('Service_saplings_service --> Deployment_saplings_app');
    has('Ingress_saplings_metrics_ingress["Ingress saplings-metrics-ingress<br/>api.your-domain.com/metrics only from 10.0.0.0/8"]');
  });

  // The app's claims are per pod (generic ephemeral volumes), so the diagram shows no shared claim for it.
  test('shows the app\'s ConfigMap and Secret', () => {
    has('Deployment_saplings_app -. env .-> ConfigMap_saplings_config');
    has('Deployment_saplings_app -. env .-> Secret_saplings_secrets');
    has('Secret_saplings_secrets[/"Secret saplings-secrets<br/>created out of band"/]');
  });

  test('shows the connections the NetworkPolicies allow: app to Redis on 6379 and to the internet on 443', () => {
    has('Deployment_saplings_app == ":6379" ==> Deployment_redis');
    has('Deployment_saplings_app == ":443" ==> internet');
    has('internet(("LLM APIs<br/>(internet)"))');
    // Redis may not reach out anywhere: its policy allows no egress.
    expect(lines(text).filter((l) => l.startsWith('Deployment_redis =='))).toStrictEqual([]);
  });

  test('the HPA scales the app and the ServiceMonitor scrapes its Service', () => {
    has('HorizontalPodAutoscaler_saplings_hpa -. scales .-> Deployment_saplings_app');
    has('ServiceMonitor_saplings_monitor -. scrapes .-> Service_saplings_service');
    has('HorizontalPodAutoscaler_saplings_hpa{{"HorizontalPodAutoscaler saplings-hpa<br/>3..20 replicas"}}');
  });

  test('every edge joins declared nodes', () => {
    const declared = declaredNodes(text);
    const ends = edgeEnds(text);
    expect(ends.length).toBeGreaterThan(20);
    expect(ends.filter((id) => !declared.has(id))).toStrictEqual([]);
  });
});

describe('mermaidDiagram follows the config', () => {
  test('with qdrant, the app reaches qdrant on 6333 and 6334', () => {
    const text = diagram({ vectorDb: { enabled: true, engine: 'qdrant' } });
    expect(lines(text)).toContain('Deployment_saplings_app == ":6333, 6334" ==> Deployment_qdrant');
    expect(lines(text)).toContain('Service_qdrant_service --> Deployment_qdrant');
    expect(edgeEnds(text).filter((id) => !declaredNodes(text).has(id))).toStrictEqual([]);
  });

  test('with pgvector, the app reaches postgres on 5432', () => {
    const text = diagram({ vectorDb: { enabled: true, engine: 'pgvector' }, secrets: { keys: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ENCRYPTION_KEY', 'POSTGRES_PASSWORD'] } });
    expect(lines(text).filter((l) => /^Deployment_saplings_app == ":5432" ==> Deployment_\w+$/.test(l))).toHaveLength(1);
  });

  test("with pgvector, the database mounts its init script's ConfigMap", () => {
    const text = diagram({ vectorDb: { enabled: true, engine: 'pgvector' } });
    expect(lines(text)).toContain('Deployment_pgvector -- mounts --> ConfigMap_pgvector_initdb');
    expect(lines(text)).toContain('ConfigMap_pgvector_initdb[/"ConfigMap pgvector-initdb"/]');
  });

  test('the PrometheusRule counts its alerts and points at the app; a dashboard ConfigMap says what it is', () => {
    const text = diagram({ monitoring: { dashboard: true } });
    expect(lines(text)).toContain('PrometheusRule_saplings_alerts{{"PrometheusRule saplings-alerts<br/>6 alerts"}}');
    expect(lines(text)).toContain('PrometheusRule_saplings_alerts -. alerts .-> Deployment_saplings_app');
    expect(lines(text)).toContain('ConfigMap_saplings_dashboard[/"ConfigMap saplings-dashboard<br/>Grafana dashboard"/]');
  });

  test('with external secrets, the Secret says where it comes from', () => {
    const text = diagram({ secrets: { source: 'external', external: { storeName: 'vault' } } });
    expect(lines(text)).toContain('Secret_saplings_secrets[/"Secret saplings-secrets<br/>from ExternalSecret"/]');
  });

  test('without an autoscaler, ingress or ServiceMonitor, their nodes and edges are gone', () => {
    const text = diagram({ autoscaling: { enabled: false }, ingress: { enabled: false }, monitoring: { serviceMonitor: false, alerts: { enabled: false } } });
    expect(text).not.toMatch(/HorizontalPodAutoscaler|Ingress_|ServiceMonitor|PrometheusRule|users -->/);
    expect(lines(text)).toContain('Service_saplings_service --> Deployment_saplings_app');
  });

  test('without redis, the app has no edge to it', () => {
    const text = diagram({ redis: { enabled: false } });
    expect(text).not.toContain('Deployment_redis');
    expect(lines(text)).toContain('Deployment_saplings_app == ":443" ==> internet');
  });
});

describe('mermaidDiagram of hostile names', () => {
  // Anyone's manifests can be drawn; a quote or line break in a name must not end its label.
  const hostile = 'web"]\nclick web href "javascript:alert(1)"\n%%';
  const objects = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: hostile, namespace: 'ns<b>' }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'img#"<x>' }] } } } },
  ] as never[];
  const diagram = mermaidDiagram(objects);

  test('keeps every label on its own line, so nothing in a name runs as Mermaid', () => {
    expect(diagram.split('\n').filter((line) => /^\s*click\b/.test(line) || /^\s*%%/.test(line))).toStrictEqual([]);
    expect(diagram).toContain('Deployment web#34;] click web href #34;javascript:alert(1)#34; %%<br/>img#35;#34;#60;x#62;');
    expect(diagram).toContain('subgraph ns["namespace ns#60;b#62;"]');
  });
});
