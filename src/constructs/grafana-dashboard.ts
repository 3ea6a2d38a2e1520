import { createHash } from 'node:crypto';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { APP_METRICS, KUBELET_METRICS, KUBE_STATE_METRICS, promqlString } from '../conventions/metrics';
import { appObjectNames } from '../conventions/names';
import { escapeForHelm } from '../conventions/helm';
import { appSeries } from './app-series';
import { Autoscaler } from './autoscaler';
import { SaplingsApp } from './saplings-app';

/** The label Grafana's dashboard sidecar (kube-prometheus-stack's default) loads ConfigMaps by. */
export const GRAFANA_DASHBOARD_LABEL: Readonly<Record<string, string>> = { grafana_dashboard: '1' };

/** Props for {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps {
  /** The app whose metrics the dashboard shows. */
  readonly app: SaplingsApp;
  /** The app's autoscaler; adds its current and maximum replicas to the replicas panel. @default - ready replicas only */
  readonly autoscaler?: Autoscaler;
  /** The namespace the app runs in, which every query is scoped to. @default - the chart's namespace */
  readonly namespace?: string;
  /** The dashboard's title. @default - 'Saplings <name> (<namespace>)' */
  readonly title?: string;
  /** Escape the ConfigMap's dashboard text (legend templates such as `{{pod}}`) for Helm, for `cdk8s synth --format helm`; Grafana sees the same JSON once Helm renders the chart. @default false */
  readonly helmSafeTemplates?: boolean;
}

/** One panel of the dashboard: a time series of one or more queries. */
interface PanelSpec {
  readonly title: string;
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[];
}

/**
 * A Grafana dashboard of a Saplings app, as a ConfigMap that Grafana's
 * dashboard sidecar loads (label `grafana_dashboard: "1"`): requests, 5xx
 * ratio and latency from the app's metrics, connections and agent memory,
 * restarts and replicas from kube-state-metrics, and volume usage from the
 * kubelet. The same series the alerts of {@link SaplingsAlerts} watch.
 */
export class GrafanaDashboard extends Construct {
  /** The ConfigMap holding the dashboard's JSON. */
  public readonly configMap: kplus.ConfigMap;
  /** The dashboard model, as written into the ConfigMap (as Grafana reads it, after Helm renders, with `helmSafeTemplates`). */
  public readonly dashboard: Readonly<Record<string, unknown>>;
  /** Whether the ConfigMap's dashboard text is escaped for Helm. */
  public readonly helmSafeTemplates: boolean;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const { app, autoscaler } = props;
    const s = appSeries(this, app, props.namespace);
    const hpa = autoscaler ? `${s.namespaceMatcher},horizontalpodautoscaler=${promqlString(autoscaler.hpa.name)}` : undefined;
    const quantile = (q: number) => ({
      expr: `histogram_quantile(${q}, sum by (le) (rate(${APP_METRICS.requestDuration}_bucket{${s.service}}[5m])))`,
      legendFormat: `p${Math.round(q * 100)}`,
    });
    const panels: PanelSpec[] = [
      { title: 'Requests per second by status', unit: 'reqps', targets: [{ expr: `sum by (status) (rate(${APP_METRICS.requests}{${s.service}}[5m]))`, legendFormat: '{{status}}' }] },
      {
        title: '5xx ratio',
        unit: 'percentunit',
        targets: [{ expr: `sum(rate(${APP_METRICS.requests}{${s.service},status=~"5.."}[5m])) / sum(rate(${APP_METRICS.requests}{${s.service}}[5m]))`, legendFormat: '5xx' }],
      },
      { title: 'Request duration', unit: 's', targets: [quantile(0.5), quantile(0.95), quantile(0.99)] },
      { title: 'Active connections', unit: 'short', targets: [{ expr: `sum by (pod) (${APP_METRICS.activeConnections}{${s.service}})`, legendFormat: '{{pod}}' }] },
      { title: 'Agent memory', unit: 'bytes', targets: [{ expr: `sum by (pod) (${APP_METRICS.agentMemory}{${s.service}})`, legendFormat: '{{pod}}' }] },
      {
        title: 'Container restarts (15m)',
        unit: 'short',
        targets: [{ expr: `sum by (pod, container) (increase(${KUBE_STATE_METRICS.containerRestarts}{${s.pods}}[15m]))`, legendFormat: '{{pod}}/{{container}}' }],
      },
      {
        title: 'Replicas',
        unit: 'short',
        targets: [
          { expr: `${KUBE_STATE_METRICS.deploymentReadyReplicas}{${s.deployment}}`, legendFormat: 'ready' },
          ...(hpa
            ? [
                { expr: `${KUBE_STATE_METRICS.hpaCurrentReplicas}{${hpa}}`, legendFormat: 'current' },
                { expr: `${KUBE_STATE_METRICS.hpaMaxReplicas}{${hpa}}`, legendFormat: 'max' },
              ]
            : []),
        ],
      },
      {
        title: 'Volume usage',
        unit: 'percentunit',
        targets: [{ expr: `${KUBELET_METRICS.volumeUsedBytes}{${s.claims}} / ${KUBELET_METRICS.volumeCapacityBytes}{${s.claims}}`, legendFormat: '{{persistentvolumeclaim}}' }],
      },
    ];
    this.dashboard = {
      title: props.title ?? `Saplings ${app.name} (${s.namespace})`,
      // Stable across renders and unique per stack, within Grafana's 40 characters.
      uid: `saplings-${createHash('sha256').update(`${s.namespace}/${app.name}`).digest('hex').slice(0, 16)}`,
      tags: ['saplings'],
      editable: true,
      schemaVersion: 39,
      version: 1,
      refresh: '30s',
      time: { from: 'now-6h', to: 'now' },
      templating: { list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus' }] },
      panels: panels.map((p, i) => ({
        id: i + 1,
        type: 'timeseries',
        title: p.title,
        gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
        datasource: { type: 'prometheus', uid: '${datasource}' },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), expr: t.expr, legendFormat: t.legendFormat })),
      })),
    };
    this.helmSafeTemplates = props.helmSafeTemplates ?? false;
    const name = appObjectNames(app.name).dashboard;
    const text = `${JSON.stringify(this.dashboard, null, 2)}\n`;
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: { name, labels: { ...app.selectorLabels, ...GRAFANA_DASHBOARD_LABEL } },
      data: { [`${name}.json`]: this.helmSafeTemplates ? escapeForHelm(text) : text },
    });
  }
}
