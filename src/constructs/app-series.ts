import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { promqlAlternatives, promqlString } from '../conventions/metrics';
import { propsError } from './errors';
import { SaplingsApp } from './saplings-app';

/** PromQL label matchers (without braces) that pick one app's series and nothing of another stack's. */
export interface AppSeries {
  /** The namespace the matchers are scoped to. */
  readonly namespace: string;
  /** `namespace="…"`: kube-state-metrics and kubelet series of the namespace. */
  readonly namespaceMatcher: string;
  /** The app's own metrics, as prometheus-operator labels them when it scrapes the app's Service. */
  readonly service: string;
  /** The pods of the app's Deployment and of its backing services'. */
  readonly pods: string;
  /** The app's claim and its backing services' claims. */
  readonly claims: string;
  /** The app's Deployment, in kube-state-metrics' `deployment` label. */
  readonly deployment: string;
}

/**
 * The label matchers that scope an alert or a panel to `app`. `namespace` is
 * the namespace the app is applied to: the app's chart's unless given.
 */
export function appSeries(scope: Construct, app: SaplingsApp, namespace: string | undefined): AppSeries {
  const ns = namespace ?? Chart.of(app).namespace;
  if (ns === undefined) {
    throw propsError(
      scope,
      "the app's chart has no namespace, and every query is scoped to one; pass 'namespace' (the namespace the app is applied to) or give the chart a namespace",
    );
  }
  const namespaceMatcher = `namespace=${promqlString(ns)}`;
  const backends = [app.redis, app.vectorDb].filter((b) => b !== undefined);
  const deployments = [app.deployment, ...backends.map((b) => b.deployment)].map((d) => d.name);
  const claims = promqlAlternatives([app.dataClaim, ...backends.map((b) => b.dataClaim)].flatMap((c) => (c ? [c.name] : [])));
  // A pod's own claim (a generic ephemeral volume) is named <pod>-<volume>.
  const podClaims = app.dataClaim ? [] : [`${promqlAlternatives([app.deployment.name])}-[a-z0-9]+-[a-z0-9]+-${promqlAlternatives([app.dataVolume.name])}`];
  return {
    namespace: ns,
    namespaceMatcher,
    service: `${namespaceMatcher},service=${promqlString(app.service.name)}`,
    // A Deployment's pods are named <deployment>-<ReplicaSet hash>-<suffix>.
    pods: `${namespaceMatcher},pod=~${promqlString(`(${promqlAlternatives(deployments)})-[a-z0-9]+-[a-z0-9]+`)}`,
    claims: `${namespaceMatcher},persistentvolumeclaim=~${promqlString([...podClaims, claims].join('|'))}`,
    deployment: `${namespaceMatcher},deployment=${promqlString(app.deployment.name)}`,
  };
}
