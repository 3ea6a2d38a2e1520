import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { dnsRules, toPeer, toPort } from './traffic-policy';

/** Props for {@link NamespaceIsolation}. */
export interface NamespaceIsolationProps {
  /** Let every pod resolve names through kube-dns and the node's resolvers. @default true */
  readonly allowDns?: boolean;
  /** Resolvers that are not pods, reached on port 53 only. @default - NodeLocal DNSCache (169.254.20.10) and GKE's metadata server (169.254.169.254) */
  readonly dnsResolverCidrs?: string[];
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
          // NodeLocal DNSCache and cloud resolvers are not pods: a pod selector alone never matches them (issue 21).
          egress: dnsRules(props.dnsResolverCidrs).map((rule) => ({ to: [toPeer(rule.peer)], ports: rule.ports.map(toPort) })),
        },
      });
    }
  }
}
