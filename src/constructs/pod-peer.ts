import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { propsError } from './errors';
import { TrafficPeer } from './traffic-policy';

/**
 * The {@link TrafficPeer} of a cdk8s-plus pod selector: a workload
 * (Deployment, CronJob, Job, StatefulSet, ...), a Pod, or `Pods.select()`.
 *
 * A workload selects its pods by the `cdk8s.io/metadata.addr` label cdk8s-plus
 * puts on its pod template, and names its namespace when its chart has one
 * (cdk8s-plus AbstractPod.toPodSelectorConfig), so a peer in another namespace
 * is matched there: a NetworkPolicy `from` entry with both a namespaceSelector
 * and a podSelector selects those pods in those namespaces only
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors).
 */
export function trafficPeerOf(scope: IConstruct, method: string, selector: kplus.IPodSelector): TrafficPeer {
  const config = selector.toPodSelectorConfig();
  // LabelSelector keeps its labels private; _toKube() is how cdk8s-plus' own NetworkPolicy reads them.
  const { matchLabels, matchExpressions } = config.labelSelector._toKube();
  const refuse = (what: string) =>
    propsError(scope, `${method}(${selector.node.path}) selects ${what}, which a TrafficPolicy rule cannot express; select the pods by labels in one namespace`);
  if ((matchExpressions ?? []).length > 0) throw refuse('pods by label expressions');
  if (!matchLabels || Object.keys(matchLabels).length === 0) throw refuse('every pod');
  const names = config.namespaces?.names ?? [];
  if (config.namespaces?.labelSelector && !config.namespaces.labelSelector.isEmpty()) throw refuse('namespaces by labels');
  if (names.length > 1) throw refuse(`pods in ${names.length} namespaces`);
  return { podLabels: { ...matchLabels }, ...(names.length === 1 ? { namespace: names[0] } : {}) };
}
