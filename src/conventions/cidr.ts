/** IPv4 ranges that are not the internet: RFC 1918, link-local (cloud metadata) and CGNAT. */
export const PRIVATE_IPV4_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

/** Whether IPv4 range `inner` lies strictly inside `outer`; false for IPv6 or malformed input. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = parseIpv4Cidr(outer);
  const b = parseIpv4Cidr(inner);
  if (!a || !b || b.bits <= a.bits) return false;
  const mask = a.bits === 0 ? 0 : (~0 << (32 - a.bits)) >>> 0;
  return ((a.address & mask) >>> 0) === ((b.address & mask) >>> 0);
}

function parseIpv4Cidr(cidr: string): { address: number; bits: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  return { address: octets.reduce((acc, o) => ((acc << 8) | o) >>> 0, 0), bits };
}

/**
 * DNS resolvers that are not pods, reached on port 53 only: NodeLocal
 * DNSCache's link-local address
 * (https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/) and the
 * metadata server's, which answers DNS on GKE with Cloud DNS
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/cloud-dns). Only
 * port 53 is opened, so the metadata API on port 80 stays closed.
 */
export const NODE_DNS_RESOLVER_CIDRS: readonly string[] = ['169.254.20.10/32', '169.254.169.254/32'];
