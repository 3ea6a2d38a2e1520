import { App, Chart, Testing } from 'cdk8s';
import { GrafanaDashboard, SaplingsApp } from '../../src';
import { find, render } from '../helpers/manifests';

/**
 * What the dashboard may query: the guide's app metrics, and the
 * kube-state-metrics and kubelet series that the README lists as prerequisites.
 */
const EXPORTED = new Set([
  'saplings_requests_total',
  'saplings_request_duration_seconds_bucket',
  'saplings_active_connections',
  'saplings_agent_memory_bytes',
  'kube_pod_container_status_restarts_total',
  'kube_horizontalpodautoscaler_status_current_replicas',
  'kube_horizontalpodautoscaler_spec_max_replicas',
  'kube_deployment_status_replicas_ready',
  'kubelet_volume_stats_used_bytes',
  'kubelet_volume_stats_capacity_bytes',
]);

/** The metric names of a PromQL expression's selectors. */
function metricsOf(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]);
}

interface Panel {
  title: string;
  targets: { expr: string }[];
}

describe('GrafanaDashboard', () => {
  test('defaults', () => {
    const chart = new Chart(new App(), 'test', { namespace: 'agents' });
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    new GrafanaDashboard(chart, 'Dashboard', { app });
    expect(Testing.synth(chart).filter((o) => o.metadata.name === 'saplings-dashboard')).toMatchSnapshot();
  });

  test('GIVEN no monitoring.dashboard THEN the stack has none', () => {
    expect(render().filter((o) => o.metadata.name === 'saplings-dashboard')).toStrictEqual([]);
  });

  describe('GIVEN monitoring.dashboard: true', () => {
    const configMap = find(render({ monitoring: { dashboard: true } }), 'ConfigMap', 'saplings-dashboard');
    const json: string = configMap.data['saplings-dashboard.json'];
    const dashboard = JSON.parse(json) as { uid: string; title: string; panels: Panel[] };

    test("THEN it is a ConfigMap with the Grafana sidecar's label, holding the dashboard's JSON", () => {
      expect(configMap.metadata.labels).toStrictEqual({
        app: 'saplings',
        grafana_dashboard: '1',
        'app.kubernetes.io/name': 'saplings',
        'app.kubernetes.io/instance': 'saplings',
        'app.kubernetes.io/component': 'monitoring',
        'app.kubernetes.io/part-of': 'saplings',
        'app.kubernetes.io/managed-by': 'saplings-k8s',
      });
      expect(Object.keys(configMap.data)).toStrictEqual(['saplings-dashboard.json']);
      expect(dashboard.title).toBe('Saplings saplings (saplings)');
      expect(dashboard.uid.length).toBeLessThanOrEqual(40);
    });

    test('THEN every panel queries only metrics the app, kube-state-metrics or the kubelet export', () => {
      expect(dashboard.panels.length).toBeGreaterThan(0);
      for (const panel of dashboard.panels) {
        const metrics = panel.targets.flatMap((t) => metricsOf(t.expr));
        expect({ panel: panel.title, count: metrics.length > 0 }).toStrictEqual({ panel: panel.title, count: true });
        expect({ panel: panel.title, unknown: metrics.filter((m) => !EXPORTED.has(m)) }).toStrictEqual({ panel: panel.title, unknown: [] });
      }
    });

    test("THEN it shows each of the app's four metrics and each series an alert watches", () => {
      const shown = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsOf(t.expr))));
      expect([...EXPORTED].filter((m) => !shown.has(m))).toStrictEqual([]);
    });

    test("THEN every query is scoped to the stack's namespace", () => {
      for (const expr of dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))) {
        for (const selector of expr.match(/\{[^}]*\}/g) ?? []) expect(selector).toContain('namespace="saplings"');
      }
    });
  });
});
