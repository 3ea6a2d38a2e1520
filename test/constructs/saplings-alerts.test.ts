import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ALERT_GROUP_NAME, RedisStore, SaplingsAlerts, SaplingsApp, VectorDb } from '../../src';
import { StackConfigSchema } from '../../src/config/schema';
import { renderStack } from '../../src/targets/kubernetes/render';
import { emitYaml } from '../../src/targets/yaml';
import { find, render } from '../helpers/manifests';
import { onlyOfKind } from '../helpers/objects';
import { runs, stackInput } from '../helpers/stack-arbitraries';
import { testWithTool } from '../helpers/tools';

const ALERTS = ['SaplingsHighErrorRate', 'SaplingsHighLatency', 'SaplingsContainerRestarting', 'SaplingsAutoscalerAtMax', 'SaplingsVolumeFillingUp', 'SaplingsNoReadyPods'];

describe('SaplingsAlerts', () => {
  test('defaults', () => {
    const chart = new Chart(new App(), 'test', { namespace: 'agents' });
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    new SaplingsAlerts(chart, 'Alerts', { app });
    expect(Testing.synth(chart).filter((o) => o.kind === 'PrometheusRule')).toMatchSnapshot();
  });

  describe('GIVEN the default stack', () => {
    const objects = render();
    const rule = find(objects, 'PrometheusRule', 'saplings-alerts');
    const rules = rule.spec.groups[0].rules;

    test('THEN one PrometheusRule holds one group with the six alerts', () => {
      expect(rule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', metadata: { namespace: 'saplings', labels: { app: 'saplings' } } });
      expect(rule.spec.groups.map((g: { name: string }) => g.name)).toStrictEqual([ALERT_GROUP_NAME]);
      expect(rules.map((r: { alert: string }) => r.alert)).toStrictEqual(ALERTS);
    });

    // Issue 23, Why 6: the default runbook_url pointed at an npm page that does not exist.
    test('THEN no alert links a runbook, since no runbookBaseUrl says where one is', () => {
      for (const r of rules) expect(Object.keys(r.annotations).sort()).toStrictEqual(['description', 'summary']);
    });

    test("THEN every selector is scoped to the stack's namespace", () => {
      for (const r of rules) {
        const selectors = r.expr.match(/\{[^}]*\}/g) ?? [];
        expect(selectors.length).toBeGreaterThan(0);
        for (const selector of selectors) expect(selector).toContain('namespace="saplings"');
      }
    });

    test("THEN the app's metrics are read from its Service, pods and claims by name, and the HPA and Deployment by theirs", () => {
      const expr = Object.fromEntries(rules.map((r: { alert: string; expr: string }) => [r.alert, r.expr]));
      expect(expr.SaplingsHighErrorRate).toBe(
        'sum(rate(saplings_requests_total{namespace="saplings",service="saplings-service",status=~"5.."}[5m])) / sum(rate(saplings_requests_total{namespace="saplings",service="saplings-service"}[5m])) > 0.05',
      );
      expect(expr.SaplingsHighLatency).toBe(
        'histogram_quantile(0.95, sum by (le) (rate(saplings_request_duration_seconds_bucket{namespace="saplings",service="saplings-service"}[5m]))) > 2',
      );
      expect(expr.SaplingsContainerRestarting).toBe(
        'increase(kube_pod_container_status_restarts_total{namespace="saplings",pod=~"(saplings-app|redis)-[a-z0-9]+-[a-z0-9]+"}[15m]) > 3',
      );
      expect(expr.SaplingsAutoscalerAtMax).toBe(
        'kube_horizontalpodautoscaler_status_current_replicas{namespace="saplings",horizontalpodautoscaler="saplings-hpa"} >= kube_horizontalpodautoscaler_spec_max_replicas{namespace="saplings",horizontalpodautoscaler="saplings-hpa"}',
      );
      expect(expr.SaplingsVolumeFillingUp).toBe(
        'kubelet_volume_stats_used_bytes{namespace="saplings",persistentvolumeclaim=~"saplings-app-[a-z0-9]+-[a-z0-9]+-data-volume|redis-data-pvc"} / kubelet_volume_stats_capacity_bytes{namespace="saplings",persistentvolumeclaim=~"saplings-app-[a-z0-9]+-[a-z0-9]+-data-volume|redis-data-pvc"} > 0.85',
      );
      expect(expr.SaplingsNoReadyPods).toBe('kube_deployment_status_replicas_ready{namespace="saplings",deployment="saplings-app"} < 1');
    });

    test("THEN the runbook's Alerts section has a heading per alert, whose anchor is the runbook URL's", () => {
      const readme = readFileSync(join(__dirname, '../../docs/runbook.md'), 'utf8');
      // A team that copies the runbook's Alerts to its wiki points runbookBaseUrl there; it runs to the end of the file or the next section.
      const start = readme.indexOf('\n## Alerts\n');
      expect(start).toBeGreaterThan(0);
      const end = readme.indexOf('\n## ', start + 1);
      const runbook = readme.slice(start, end === -1 ? undefined : end);
      const headings = [...runbook.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
      expect(headings).toStrictEqual(rules.map((r: { alert: string }) => r.alert));
    });

    test('THEN the HPA alert waits 15 minutes', () => {
      expect(rules.find((r: { alert: string }) => r.alert === 'SaplingsAutoscalerAtMax').for).toBe('15m');
    });
  });

  describe('GIVEN thresholds, durations and a runbook of its own in monitoring.alerts', () => {
    const objects = render({
      name: 'agents',
      monitoring: {
        alerts: {
          runbookBaseUrl: 'https://wiki.example.com/saplings',
          errorRate: { percent: 2, for: '1m' },
          latency: { p95Seconds: 0.5, for: '2m' },
          restarts: { count: 1, window: '1h', for: '30s' },
          autoscalerAtMax: { for: '1h30m' },
          volumeFull: { percent: 90, for: '10m' },
          noReadyPods: { for: '1m' },
        },
      },
      autoscaling: { enabled: false },
      vectorDb: { enabled: true, engine: 'qdrant' },
    });
    const rules = find(objects, 'PrometheusRule').spec.groups[0].rules;
    const byName = Object.fromEntries(rules.map((r: { alert: string }) => [r.alert, r]));

    test('THEN the expressions and for: durations use them, and without an HPA there is no HPA alert', () => {
      expect(Object.keys(byName)).toStrictEqual(ALERTS.filter((a) => a !== 'SaplingsAutoscalerAtMax'));
      expect(byName.SaplingsHighErrorRate).toMatchObject({ for: '1m', expr: expect.stringMatching(/ > 0\.02$/) });
      expect(byName.SaplingsHighLatency).toMatchObject({ for: '2m', expr: expect.stringMatching(/ > 0\.5$/) });
      expect(byName.SaplingsContainerRestarting).toMatchObject({ for: '30s', expr: expect.stringMatching(/\[1h\]\) > 1$/) });
      expect(byName.SaplingsVolumeFillingUp).toMatchObject({ for: '10m', expr: expect.stringMatching(/ > 0\.9$/) });
      expect(byName.SaplingsNoReadyPods).toMatchObject({ for: '1m' });
      expect(byName.SaplingsHighErrorRate.annotations.runbook_url).toBe('https://wiki.example.com/saplings#saplingshigherrorrate');
    });

    test('THEN the backing services it watches are the stack\'s own', () => {
      expect(byName.SaplingsContainerRestarting.expr).toContain('pod=~"(agents-app|redis|qdrant)-[a-z0-9]+-[a-z0-9]+"');
      expect(byName.SaplingsVolumeFillingUp.expr).toContain('persistentvolumeclaim=~"agents-app-[a-z0-9]+-[a-z0-9]+-data-volume|redis-data-pvc|qdrant-data-pvc"');
    });
  });

  test.each([
    ['monitoring off', { monitoring: { enabled: false } }],
    ['alerts off', { monitoring: { alerts: { enabled: false } } }],
  ])('GIVEN %s THEN there is no PrometheusRule', (_what, overrides) => {
    expect(render(overrides).filter((o) => o.kind === 'PrometheusRule')).toStrictEqual([]);
  });

  test('GIVEN a library app with Redis and a vector DB THEN it watches their pods and claims too', () => {
    const chart = new Chart(new App(), 'c', { namespace: 'team' });
    const redis = new RedisStore(chart, 'Redis', { requirePassword: false });
    const vectorDb = new VectorDb(chart, 'Vectors', { engine: 'qdrant', requireApiKey: false });
    const app = new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0', redis, vectorDb });
    const alerts = new SaplingsAlerts(chart, 'Alerts', { app, namespace: 'elsewhere' });
    const restarts = alerts.rules.find((r) => r.alert === 'SaplingsContainerRestarting')!;
    expect(restarts.expr).toContain('namespace="elsewhere",pod=~"(saplings-app|redis|qdrant)-');
  });
});

describe('promtool check rules', () => {
  const withPromtool = testWithTool('promtool', ['--version'], 'check the generated alerting rules');

  /** `promtool check rules` on each group in a file of its own, as each stack's PrometheusRule is loaded on its own (group names repeat across stacks). */
  function checkRules(groups: readonly { name: string; rules: unknown[] }[]) {
    const dir = mkdtempSync(join(tmpdir(), 'saplings-rules-'));
    try {
      const files = groups.map((group, i) => {
        const file = join(dir, `rules-${i}.yaml`);
        writeFileSync(file, emitYaml({ groups: [group] } as never));
        return file;
      });
      return spawnSync('promtool', ['check', 'rules', ...files], { encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  withPromtool('accepts the generated groups of the default stack and of a stack with every option set', () => {
    const groups = [
      render(),
      render({ name: 'tuned', vectorDb: { enabled: true }, monitoring: { alerts: { restarts: { window: '1h', for: '0s' }, latency: { p95Seconds: 0.25 } } } }),
    ].flatMap((objects) => onlyOfKind(objects as never, 'PrometheusRule').spec.groups);
    const run = checkRules(groups);
    expect(`${run.stdout}${run.stderr}`).not.toContain('FAILED');
    expect(run.status).toBe(0);
  });

  withPromtool('accepts the groups of random configs the schema accepts (thresholds, durations, windows, backing services)', () => {
    const stacks = fc
      .sample(stackInput, { numRuns: runs(60), seed: 14 })
      .map((input) => StackConfigSchema.safeParse(input))
      .flatMap((result) => (result.success ? [result.data] : []));
    const groups = stacks.flatMap((stack) => renderStack(stack).objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o: any) => o.spec.groups));
    // Enough of them really have rules, or this proves little.
    expect(groups.length).toBeGreaterThan(runs(60) / 4);
    const run = checkRules(groups);
    expect(`${run.stdout}${run.stderr}`).not.toContain('FAILED');
    expect(run.stdout.match(/SUCCESS: \d+ rules found/g)).toHaveLength(groups.length);
    expect(run.status).toBe(0);
  });
});
