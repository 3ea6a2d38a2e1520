import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { trafficPolicyNames } from '../conventions/names';
import { NODE_DNS_RESOLVER_CIDRS } from '../conventions/cidr';
import { cidrError, ipBlockExceptError } from '../conventions/field-rules';
import { propsError, addFieldRulesValidation } from './errors';

/** Who is on the other end of an allowed connection. */
export interface TrafficPeer {
  /** Pods with these labels; with `namespace` unset, in the policy's own namespace. @default - any pod */
  readonly podLabels?: Record<string, string>;
  /** Pods in this namespace, matched by its `kubernetes.io/metadata.name` label. @default - the policy's namespace */
  readonly namespace?: string;
  /** An IPv4 or IPv6 range instead of pods (e.g. `10.0.0.0/8`). Excludes `podLabels` and `namespace`. @default - pods, not an IP range */
  readonly cidr?: string;
  /** Ranges carved out of `cidr`, each strictly inside it. Only with `cidr`. @default - none */
  readonly except?: string[];
}

/** A port an allowed connection uses. */
export interface TrafficPort {
  /** Port number on the receiving pod. */
  readonly port: number;
  /** Transport protocol. @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Props for {@link TrafficPolicy}. */
export interface TrafficPolicyProps {
  /** Name prefix: the policies are `<name>-netpol-ingress` and `<name>-netpol-egress`. */
  readonly name: string;
  /** Labels of the pods the policies apply to. */
  readonly podLabels: Record<string, string>;
}

/** One allow rule: a peer and the ports it may use. */
export interface TrafficRule {
  /** The other end of the connection. */
  readonly peer: TrafficPeer;
  /** The ports allowed. */
  readonly ports: readonly TrafficPort[];
}

/**
 * A read-only view of one of a TrafficPolicy's NetworkPolicy objects. The
 * object itself stays private: rules are added through `allowFrom`/`allowTo`,
 * so every rule follows from a reference between constructs.
 */
export interface NetworkPolicyView {
  /** Object name, e.g. `saplings-netpol-ingress`. */
  readonly name: string;
  /** The one direction the policy governs. */
  readonly policyType: 'Ingress' | 'Egress';
  /** Labels of the pods it applies to. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The allow rules so far, in the order they were added. */
  readonly rules: readonly TrafficRule[];
  /** The object as it will be synthesized. */
  toJson(): unknown;
}

/**
 * The NetworkPolicies of one workload, built from the connections made to it.
 *
 * Constructs call {@link allowFrom} and {@link allowTo} as they are wired
 * together, so every allow rule follows from a reference between constructs
 * rather than from a hand-written list. A policy object appears with its first
 * rule; once it exists, the pods accept (or send) only the listed traffic.
 */
export class TrafficPolicy extends Construct {
  private readonly name: string;
  private readonly podLabels: Record<string, string>;
  private readonly ingressRules: TrafficRule[] = [];
  private readonly egressRules: TrafficRule[] = [];
  private ingressObject?: kplus.k8s.KubeNetworkPolicy;
  private egressObject?: kplus.k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: TrafficPolicyProps) {
    super(scope, id);
    this.name = props.name;
    this.podLabels = props.podLabels;
  }

  /** The ingress policy, once an ingress rule exists. */
  public get ingressPolicy(): NetworkPolicyView | undefined {
    return this.ingressObject && this.view('Ingress', this.ingressObject, this.ingressRules);
  }

  /** The egress policy, once an egress rule exists. */
  public get egressPolicy(): NetworkPolicyView | undefined {
    return this.egressObject && this.view('Egress', this.egressObject, this.egressRules);
  }

  /** Lets `peer` open connections to these pods on `ports`. */
  public allowFrom(peer: TrafficPeer, ports: TrafficPort[]): void {
    this.requirePorts('allowFrom', ports);
    this.requireValidPeer('allowFrom', peer);
    this.ingressObject ??= this.policy('Ingress', this.ingressRules);
    this.ingressRules.push({ peer, ports: [...ports] });
  }

  /** Lets these pods open connections to `peer` on `ports`. */
  public allowTo(peer: TrafficPeer, ports: TrafficPort[]): void {
    this.requirePorts('allowTo', ports);
    this.requireValidPeer('allowTo', peer);
    this.egressObject ??= this.policy('Egress', this.egressRules);
    this.egressRules.push({ peer, ports: [...ports] });
  }

  private requirePorts(method: string, ports: TrafficPort[]): void {
    // A NetworkPolicy rule without ports allows every port, the opposite of what an empty list suggests.
    if (ports.length === 0) {
      throw propsError(this, `${method}() got no ports, which a NetworkPolicy reads as every port; list the ports to allow`);
    }
  }

  // A NetworkPolicy peer is an IP range or a set of pods, never both: the
  // policy would silently keep only the range.
  private requireValidPeer(method: string, peer: TrafficPeer): void {
    const fail = (message: string) => {
      throw propsError(this, `${method}() ${message}`);
    };
    const { cidr, except } = peer;
    if (cidr === undefined) {
      if (except?.length) fail(`got except ${JSON.stringify(except)} without cidr; except only carves ranges out of a cidr peer`);
      return;
    }
    for (const prop of ['namespace', 'podLabels'] as const) {
      if (peer[prop] !== undefined) {
        fail(
          `got both cidr ${JSON.stringify(cidr)} and ${prop} ${JSON.stringify(peer[prop])}, but a peer is either an IP range or pods: ` +
            `call ${method}() once with cidr and once with ${prop}`,
        );
      }
    }
    const cidrProblem = cidrError(cidr);
    if (cidrProblem) fail(`got cidr ${JSON.stringify(cidr)}, which the API server refuses (${cidrProblem}); use an IPv4 or IPv6 range such as "10.0.0.0/8"`);
    for (const range of except ?? []) {
      const exceptProblem = ipBlockExceptError(cidr, range);
      if (exceptProblem) fail(`got except ${JSON.stringify(range)}, which the API server refuses (${exceptProblem}); each except range must lie strictly inside cidr ${JSON.stringify(cidr)}`);
    }
  }

  private view(policyType: 'Ingress' | 'Egress', object: kplus.k8s.KubeNetworkPolicy, rules: readonly TrafficRule[]): NetworkPolicyView {
    return Object.freeze({
      name: object.name,
      policyType,
      podLabels: Object.freeze({ ...this.podLabels }),
      rules: Object.freeze([...rules]),
      toJson: () => object.toJson(),
    });
  }

  private policy(direction: 'Ingress' | 'Egress', rules: TrafficRule[]): kplus.k8s.KubeNetworkPolicy {
    const side = direction === 'Ingress' ? 'from' : 'to';
    const policy = new kplus.k8s.KubeNetworkPolicy(this, direction, {
      metadata: { name: trafficPolicyNames(this.name)[direction === 'Ingress' ? 'ingressPolicy' : 'egressPolicy'], labels: this.podLabels },
      spec: {
        podSelector: { matchLabels: this.podLabels },
        policyTypes: [direction],
        [direction.toLowerCase()]: Lazy.any({
          produce: () => rules.map((r) => ({ [side]: [toPeer(r.peer)], ports: r.ports.map(toPort) })),
        }),
      },
    });
    // Rules arrive after construction, with labels (namespace and podLabels) checked only once synthesized.
    addFieldRulesValidation(policy);
    return policy;
  }
}

/** Every pod in the namespace may resolve names through the cluster DNS. */
export const KUBE_DNS: { peer: TrafficPeer; ports: TrafficPort[] } = {
  peer: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};


/** The allow rules that reach DNS: kube-dns pods, and each resolver range on port 53. */
export function dnsRules(resolverCidrs: readonly string[] = NODE_DNS_RESOLVER_CIDRS): TrafficRule[] {
  return [KUBE_DNS, ...resolverCidrs.map((cidr) => ({ peer: { cidr }, ports: KUBE_DNS.ports }))];
}

/** A NetworkPolicy peer for a {@link TrafficPeer}. */
export function toPeer(peer: TrafficPeer): kplus.k8s.NetworkPolicyPeer {
  if (peer.cidr) return { ipBlock: { cidr: peer.cidr, except: peer.except?.length ? peer.except : undefined } };
  return {
    namespaceSelector: peer.namespace ? { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } } : undefined,
    podSelector: peer.podLabels ? { matchLabels: peer.podLabels } : peer.namespace ? undefined : {},
  };
}

/** A NetworkPolicy port for a {@link TrafficPort}. */
export function toPort(p: TrafficPort): kplus.k8s.NetworkPolicyPort {
  return { port: kplus.k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' };
}
