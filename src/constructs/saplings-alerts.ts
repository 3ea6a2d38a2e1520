import { Construct } from 'constructs';
import {
  PrometheusRule,
  PrometheusRuleSpecGroupsRulesExpr,
} from '../../imports/monitoring.coreos.com/prometheusrules-monitoring.coreos.com';
import { SEED } from '../conventions/defaults';
import { APP_METRICS, KUBELET_METRICS, KUBE_STATE_METRICS, promqlString } from '../conventions/metrics';
import { appObjectNames } from '../conventions/names';
import { PROMETHEUS_DURATION_HELP, isPositivePrometheusDuration, isPrometheusDuration } from '../conventions/prometheus-duration';
import { appSeries } from './app-series';
import { Autoscaler } from './autoscaler';
import { propsError } from './errors';
import { escapeForHelm } from '../conventions/helm';
import { SaplingsApp } from './saplings-app';

/** When the 5xx alert fires. */
export interface ErrorRateAlertOptions {
  /** Percent of requests answered with a 5xx status, over 5 minutes, above which it fires. @default 5 */
  readonly percent?: number;
  /** How long the ratio must stay above it (a Prometheus duration). @default '5m' */
  readonly for?: string;
}

/** When the latency alert fires. */
export interface LatencyAlertOptions {
  /** 95th-percentile request duration, over 5 minutes, in seconds, above which it fires. @default 2 */
  readonly p95Seconds?: number;
  /** How long it must stay above it. @default '10m' */
  readonly for?: string;
}

/** When the restart alert fires. */
export interface RestartsAlertOptions {
  /** Restarts of one container within `window` above which it fires. @default 3 */
  readonly count?: number;
  /** The window restarts are counted over (a Prometheus duration). @default '15m' */
  readonly window?: string;
  /** How long the count must stay above it. @default '0s' */
  readonly for?: string;
}

/** When an alert with a fixed condition fires. */
export interface DurationAlertOptions {
  /** How long the condition must hold (a Prometheus duration). */
  readonly for?: string;
}

/** When the volume alert fires. */
export interface VolumeAlertOptions {
  /** Percent of a claim's capacity in use above which it fires. @default 85 */
  readonly percent?: number;
  /** How long it must stay above it. @default '5m' */
  readonly for?: string;
}

/** Props for {@link SaplingsAlerts}. */
export interface SaplingsAlertsProps {
  /** The app the alerts watch: its metrics, pods, claim and backing services. */
  readonly app: SaplingsApp;
  /** The app's autoscaler; adds the alert for the HPA held at maxReplicas. @default - no autoscaler alert */
  readonly autoscaler?: Autoscaler;
  /** The namespace the app runs in, which every expression is scoped to. @default - the chart's namespace */
  readonly namespace?: string;
  /** Where your runbook is: each alert's `runbook_url` is this, `#`, and the alert name in lowercase. @default - no `runbook_url`: a default would point at a page your team may not have */
  readonly runbookBaseUrl?: string;
  /** 5xx ratio alert. @default - above 5 % for 5m */
  readonly errorRate?: ErrorRateAlertOptions;
  /** p95 latency alert. @default - above 2 s for 10m */
  readonly latency?: LatencyAlertOptions;
  /** Container restart alert. @default - more than 3 restarts in 15m */
  readonly restarts?: RestartsAlertOptions;
  /** HPA at maxReplicas alert. @default - for 15m */
  readonly autoscalerAtMax?: DurationAlertOptions;
  /** Claim usage alert. @default - above 85 % for 5m */
  readonly volumeFull?: VolumeAlertOptions;
  /** No ready app pod alert. @default - for 5m */
  readonly noReadyPods?: DurationAlertOptions;
  /** Escape the annotations' Prometheus templates (`{{ $value }}`) for Helm, for `cdk8s synth --format helm`; Prometheus sees the same text once Helm renders the chart. @default false */
  readonly helmSafeTemplates?: boolean;
}

/** One alerting rule, as Prometheus reads it. */
export interface AlertRule {
  /** The alert's name, also its runbook anchor in lowercase. */
  readonly alert: string;
  /** The PromQL expression; the alert fires for each series it returns. */
  readonly expr: string;
  /** How long the expression must return a series before the alert fires. */
  readonly for: string;
  /** Labels added to the alert. */
  readonly labels: Record<string, string>;
  /** `summary`, `description`, and `runbook_url` when a runbook base URL is given. */
  readonly annotations: Record<string, string>;
}

/** The name of the rule group in the PrometheusRule. */
export const ALERT_GROUP_NAME = 'saplings.rules';

/**
 * A prometheus-operator PrometheusRule with the alerts a Saplings app needs:
 * 5xx ratio and p95 latency from the app's own metrics, container restarts,
 * the HPA held at maxReplicas and no ready app pod from kube-state-metrics,
 * and claims filling up from the kubelet's volume statistics. Every
 * expression is scoped to the app's namespace and its objects' names, so two
 * stacks never alert on each other.
 */
export class SaplingsAlerts extends Construct {
  /** The PrometheusRule object. */
  public readonly prometheusRule: PrometheusRule;
  /** The alerting rules, in the order they appear in the rule group, as Prometheus reads them (after Helm renders, with `helmSafeTemplates`). */
  public readonly rules: readonly AlertRule[];
  /** Whether the PrometheusRule's annotations are escaped for Helm. */
  public readonly helmSafeTemplates: boolean;

  constructor(scope: Construct, id: string, props: SaplingsAlertsProps) {
    super(scope, id);
    const { app } = props;
    const series = appSeries(this, app, props.namespace);
    const { namespace } = series;
    const { runbookBaseUrl } = props;
    if (runbookBaseUrl !== undefined && !/^https?:\/\/[^\s#]+$/.test(runbookBaseUrl)) {
      throw propsError(this, `'runbookBaseUrl' is ${JSON.stringify(runbookBaseUrl)}; give an http(s) URL without a '#' fragment (each alert adds its own anchor)`);
    }
    const d = SEED.monitoring.alerts;
    const o = {
      errorRate: { ...d.errorRate, ...props.errorRate },
      latency: { ...d.latency, ...props.latency },
      restarts: { ...d.restarts, ...props.restarts },
      autoscalerAtMax: { ...d.autoscalerAtMax, ...props.autoscalerAtMax },
      volumeFull: { ...d.volumeFull, ...props.volumeFull },
      noReadyPods: { ...d.noReadyPods, ...props.noReadyPods },
    };
    for (const [prop, value] of Object.entries(o).map(([name, alert]) => [`${name}.for`, alert.for] as const)) {
      if (!isPrometheusDuration(value)) throw propsError(this, `'${prop}' is ${JSON.stringify(value)}; use ${PROMETHEUS_DURATION_HELP}`);
    }
    if (!isPositivePrometheusDuration(o.restarts.window)) {
      throw propsError(this, `'restarts.window' is ${JSON.stringify(o.restarts.window)}; use ${PROMETHEUS_DURATION_HELP}, longer than zero`);
    }
    for (const [prop, value] of [['errorRate.percent', o.errorRate.percent], ['volumeFull.percent', o.volumeFull.percent]] as const) {
      if (!(value > 0 && value <= 100)) throw propsError(this, `'${prop}' is ${value}; give a percentage above 0 and at most 100`);
    }
    if (!(o.latency.p95Seconds > 0)) throw propsError(this, `'latency.p95Seconds' is ${o.latency.p95Seconds}; give a positive number of seconds`);
    if (!(Number.isInteger(o.restarts.count) && o.restarts.count >= 0)) {
      throw propsError(this, `'restarts.count' is ${o.restarts.count}; give a whole number of restarts, 0 or more`);
    }

    const { namespaceMatcher: ns, service, pods, claims: claimSelector } = series;
    // runbook_url only where a runbook is known to exist: Alertmanager and Grafana show it as a link to follow.
    const runbook = (alert: string): Record<string, string> => (runbookBaseUrl === undefined ? {} : { runbook_url: `${runbookBaseUrl}#${alert.toLowerCase()}` });
    const rule = (alert: string, severity: 'warning' | 'critical', expr: string, forDuration: string, summary: string, description: string): AlertRule => ({
      alert,
      expr,
      for: forDuration,
      labels: { severity, namespace },
      annotations: { summary, description, ...runbook(alert) },
    });

    const rules: AlertRule[] = [
      rule(
        'SaplingsHighErrorRate',
        'critical',
        `sum(rate(${APP_METRICS.requests}{${service},status=~"5.."}[5m])) / sum(rate(${APP_METRICS.requests}{${service}}[5m])) > ${o.errorRate.percent / 100}`,
        o.errorRate.for,
        `More than ${o.errorRate.percent}% of ${app.name}'s requests fail with 5xx`,
        `{{ $value | humanizePercentage }} of requests to ${app.service.name} in ${namespace} were answered with a 5xx status over the last 5 minutes.`,
      ),
      rule(
        'SaplingsHighLatency',
        'warning',
        `histogram_quantile(0.95, sum by (le) (rate(${APP_METRICS.requestDuration}_bucket{${service}}[5m]))) > ${o.latency.p95Seconds}`,
        o.latency.for,
        `${app.name}'s p95 latency is above ${o.latency.p95Seconds}s`,
        `The 95th percentile of request durations at ${app.service.name} in ${namespace} is {{ $value | humanizeDuration }}.`,
      ),
      rule(
        'SaplingsContainerRestarting',
        'warning',
        `increase(${KUBE_STATE_METRICS.containerRestarts}{${pods}}[${o.restarts.window}]) > ${o.restarts.count}`,
        o.restarts.for,
        `A container of ${app.name} keeps restarting`,
        `Container {{ $labels.container }} of pod {{ $labels.pod }} in ${namespace} restarted {{ $value | humanize }} times in ${o.restarts.window}.`,
      ),
      ...(props.autoscaler
        ? [
            rule(
              'SaplingsAutoscalerAtMax',
              'warning',
              `${KUBE_STATE_METRICS.hpaCurrentReplicas}{${ns},horizontalpodautoscaler=${promqlString(props.autoscaler.hpa.name)}} >= ${KUBE_STATE_METRICS.hpaMaxReplicas}{${ns},horizontalpodautoscaler=${promqlString(props.autoscaler.hpa.name)}}`,
              o.autoscalerAtMax.for,
              `${app.name} runs at its autoscaler's maxReplicas`,
              `HPA ${props.autoscaler.hpa.name} in ${namespace} has run at maxReplicas (${props.autoscaler.maxReplicas}) for ${o.autoscalerAtMax.for}; load may exceed what the app can serve.`,
            ),
          ]
        : []),
      rule(
        'SaplingsVolumeFillingUp',
        'warning',
        `${KUBELET_METRICS.volumeUsedBytes}{${claimSelector}} / ${KUBELET_METRICS.volumeCapacityBytes}{${claimSelector}} > ${o.volumeFull.percent / 100}`,
        o.volumeFull.for,
        `A volume of ${app.name} is more than ${o.volumeFull.percent}% full`,
        `PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in ${namespace} is {{ $value | humanizePercentage }} full.`,
      ),
      rule(
        'SaplingsNoReadyPods',
        'critical',
        `${KUBE_STATE_METRICS.deploymentReadyReplicas}{${series.deployment}} < 1`,
        o.noReadyPods.for,
        `${app.name} has no ready pod`,
        `Deployment ${app.deployment.name} in ${namespace} has had no ready replica for ${o.noReadyPods.for}; the app serves no request.`,
      ),
    ];
    this.rules = rules;
    this.helmSafeTemplates = props.helmSafeTemplates ?? false;
    const helmSafe = (annotations: Record<string, string>) =>
      this.helmSafeTemplates ? Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, escapeForHelm(v)])) : annotations;

    this.prometheusRule = new PrometheusRule(this, 'Resource', {
      metadata: { name: appObjectNames(app.name).alerts, labels: app.selectorLabels },
      spec: {
        groups: [
          {
            name: ALERT_GROUP_NAME,
            rules: rules.map((r) => ({ ...r, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), annotations: helmSafe(r.annotations) })),
          },
        ],
      },
    });
  }
}
