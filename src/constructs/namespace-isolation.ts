import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KUBE_DNS } from './traffic-policy';

/** Props for {@link NamespaceIsolation}. */
export interface NamespaceIsolationProps {
  /** Let every pod resolve names through kube-dns. @default true */
  readonly allowDns?: boolean;
}

/**
 * Default-deny for the chart's namespace: no pod accepts or opens a connection
 * unless a NetworkPolicy allows it. The constructs' own TrafficPolicies then
 * open exactly the paths their wiring needs.
 */
export class NamespaceIsolation extends Construct {
  /** Denies all ingress and egress for every pod. */
  public readonly defaultDeny: kplus.k8s.KubeNetworkPolicy;
  /** Allows DNS lookups for every pod, unless disabled. */
  public readonly allowDns?: kplus.k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: NamespaceIsolationProps = {}) {
    super(scope, id);
    this.defaultDeny = new kplus.k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    if (props.allowDns ?? true) {
      this.allowDns = new kplus.k8s.KubeNetworkPolicy(this, 'AllowDns', {
        metadata: { name: 'allow-dns' },
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': KUBE_DNS.peer.namespace! } },
                  podSelector: { matchLabels: KUBE_DNS.peer.podLabels! },
                },
              ],
              ports: KUBE_DNS.ports.map((p) => ({ port: kplus.k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })),
            },
          ],
        },
      });
    }
  }
}
