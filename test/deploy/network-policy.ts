/**
 * A model of Kubernetes NetworkPolicy evaluation, answering "is this flow
 * allowed?" the way a conforming CNI plugin does, per
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/ :
 *
 * - A pod is isolated for a direction when some policy in its namespace
 *   selects it and lists that direction in `policyTypes` (absent: Ingress, plus
 *   Egress when the policy has an `egress` section). A pod isolated for
 *   nothing allows everything in that direction.
 * - Policies are additive: a flow is allowed when any selecting policy has a
 *   rule whose peers and ports match. A connection needs the source's egress
 *   and the destination's ingress to allow it.
 * - A peer is `ipBlock` (cidr minus `except`), or `namespaceSelector` and/or
 *   `podSelector` (podSelector alone: the policy's namespace; namespaceSelector
 *   alone: every pod in matching namespaces; both: pods matching both). A rule
 *   without `from`/`to` matches every peer; without `ports`, every port.
 * - Ports match by number (with `endPort` a range) or by the destination
 *   container's port name, and by protocol (default TCP).
 * - ipBlock is meant for addresses outside the cluster; pod IPs are matched
 *   by it too on most plugins, so this model matches any address against it.
 *
 * Selectors support `matchLabels` and `matchExpressions` (In, NotIn,
 * Exists, DoesNotExist), as
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
 * describes.
 */

/** One end of a flow: a pod, or an address outside the cluster (no namespace). */
export interface Endpoint {
  /** The pod's namespace; unset for an address outside the cluster, where no policy applies. */
  readonly namespace?: string;
  /** The pod's labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Its IPv4 address. */
  readonly ip: string;
  /** Container port names to numbers, for policies that name a port. */
  readonly namedPorts?: Readonly<Record<string, number>>;
}

/** A flow from one endpoint to another. */
export interface Flow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** What the evaluator needs of the cluster: every NetworkPolicy, and namespaces' labels beyond `kubernetes.io/metadata.name`. */
export interface ClusterState {
  readonly policies: readonly any[];
  readonly namespaceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The NetworkPolicies among rendered objects; those without a namespace are put in `defaultNamespace`. */
export function networkPolicies(objects: readonly any[], defaultNamespace = 'default'): any[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? defaultNamespace } }));
}

/** Whether a label selector matches `labels`; an empty selector matches everything. */
export function selectorMatches(selector: any, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const key of Object.keys(selector)) {
    if (key !== 'matchLabels' && key !== 'matchExpressions') throw new Error(`unknown selector field ${key}`);
  }
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && e.values.includes(labels[e.key]);
      case 'NotIn':
        return !has || !e.values.includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        throw new Error(`unknown operator ${e.operator}`);
    }
  });
  return byLabel && byExpression;
}

function ipv4(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** Whether IPv4 `ip` lies in `cidr`. IPv6 ranges match no IPv4 address. */
export function inCidr(cidr: string, ip: string): boolean {
  if (cidr.includes(':')) return false;
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4(base) & mask) === (ipv4(ip) & mask);
}

function namespaceLabels(state: ClusterState, namespace: string): Record<string, string> {
  // The API server sets kubernetes.io/metadata.name on every namespace (v1.21+).
  return { ...state.namespaceLabels?.[namespace], 'kubernetes.io/metadata.name': namespace };
}

function peerMatches(state: ClusterState, peer: any, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    return inCidr(peer.ipBlock.cidr, other.ip) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(e, other.ip));
  }
  if (other.namespace === undefined) return false;
  const namespaceOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, namespaceLabels(state, other.namespace))
    : other.namespace === policyNamespace;
  return namespaceOk && selectorMatches(peer.podSelector, other.labels ?? {});
}

function portMatches(ports: any[] | undefined, flow: Flow): boolean {
  if (!ports || ports.length === 0) return true;
  const protocol = flow.protocol ?? 'TCP';
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : flow.to.namedPorts?.[p.port];
    if (number === undefined) return false;
    return p.endPort !== undefined ? flow.port >= number && flow.port <= p.endPort : flow.port === number;
  });
}

function policyTypes(policy: any): string[] {
  return policy.spec.policyTypes ?? ['Ingress', ...(policy.spec.egress ? ['Egress'] : [])];
}

function sideAllows(state: ClusterState, self: Endpoint, other: Endpoint, direction: 'Ingress' | 'Egress', flow: Flow): boolean {
  if (self.namespace === undefined) return true;
  const selecting = state.policies.filter(
    (p) => p.metadata.namespace === self.namespace && selectorMatches(p.spec.podSelector, self.labels ?? {}) && policyTypes(p).includes(direction),
  );
  if (selecting.length === 0) return true;
  const rulesKey = direction === 'Ingress' ? 'ingress' : 'egress';
  const peersKey = direction === 'Ingress' ? 'from' : 'to';
  return selecting.some((p) =>
    (p.spec[rulesKey] ?? []).some(
      (rule: any) => (rule[peersKey] === undefined || rule[peersKey].some((peer: any) => peerMatches(state, peer, p.metadata.namespace, other))) && portMatches(rule.ports, flow),
    ),
  );
}

/** Whether the policies allow `flow`: the source's egress and the destination's ingress. */
export function isFlowAllowed(state: ClusterState, flow: Flow): boolean {
  return sideAllows(state, flow.from, flow.to, 'Egress', flow) && sideAllows(state, flow.to, flow.from, 'Ingress', flow);
}
