import { App, Chart, Testing } from 'cdk8s';
import {
  IngressWithTls,
  IngressWithTlsProps,
  RedisStore,
  SaplingsApp,
  SaplingsAppProps,
  SaplingsServiceMonitor,
  SaplingsServiceMonitorProps,
  VectorDb,
} from '../../src';
import { cidrContains } from '../../src/conventions/cidr';
import { NamespaceIsolation } from '../../src/constructs/namespace-isolation';
import { KUBE_DNS, TrafficPolicy } from '../../src/constructs/traffic-policy';

// Synthesized manifests are plain JSON; `any` keeps the assertions short.
type Manifest = Record<string, any>;

function policies(manifests: Manifest[]): Manifest[] {
  return manifests.filter((m) => m.kind === 'NetworkPolicy');
}

function policyNames(manifests: Manifest[]): string[] {
  return policies(manifests)
    .map((m) => m.metadata.name)
    .sort();
}

/** The NetworkPolicy named `name`; fails the test if there is none. */
function policyNamed(manifests: Manifest[], name: string): Manifest {
  const found = policies(manifests).filter((m) => m.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const DNS_RULE = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};

const INTERNET_RULE = {
  to: [
    {
      ipBlock: {
        cidr: '0.0.0.0/0',
        except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'],
      },
    },
  ],
  ports: [{ port: 443, protocol: 'TCP' }],
};

interface Wiring {
  readonly app?: Partial<SaplingsAppProps>;
  readonly redis?: boolean;
  readonly vectorDb?: 'pgvector' | 'qdrant';
  readonly ingress?: Partial<IngressWithTlsProps>;
  readonly monitor?: Partial<SaplingsServiceMonitorProps>;
  readonly isolation?: boolean;
}

/** Synthesizes an app wired as described, in namespace team-a. */
function synthWired(w: Wiring = {}): Manifest[] {
  const chart = new Chart(Testing.app(), 'team-a', { namespace: 'team-a' });
  if (w.isolation) new NamespaceIsolation(chart, 'Isolation');
  const redis = w.redis ? new RedisStore(chart, 'Redis', { requirePassword: false }) : undefined;
  const vectorDb = w.vectorDb ? new VectorDb(chart, 'Vectors', { engine: w.vectorDb }) : undefined;
  // The node-local and cloud resolver rules are left out of these exact rule lists; test/deploy proves them over every example.
  const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', redis, vectorDb, dnsResolverCidrs: [], ...w.app });
  if (w.ingress) new IngressWithTls(chart, 'Web', { app, host: 'agents.example.com', ...w.ingress });
  if (w.monitor) new SaplingsServiceMonitor(chart, 'Monitor', { app, ...w.monitor });
  return Testing.synth(chart);
}

// ---------------------------------------------------------------------------
// A small NetworkPolicy evaluator, so the wiring tests can ask "may A connect to
// B on this port?" of the synthesized objects, the way a CNI plugin would.
// It understands exactly what the constructs emit (matchLabels, namespace names,
// IPv4 ipBlocks, numeric ports) and throws on anything else.

interface Endpoint {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly ip: string;
  /** An address outside the cluster: no pod, no policies apply to it. */
  readonly external?: boolean;
}

function matchLabels(selector: Manifest | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return true;
  if (Object.keys(selector).some((k) => k !== 'matchLabels')) throw new Error(`unsupported selector ${JSON.stringify(selector)}`);
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function inCidr(cidr: string, ip: string): boolean {
  return cidr === `${ip}/32` || cidrContains(cidr, `${ip}/32`);
}

function peerMatches(peer: Manifest, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    return inCidr(peer.ipBlock.cidr, other.ip) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(e, other.ip));
  }
  if (other.external) return false;
  const namespaceOk = peer.namespaceSelector
    ? matchLabels(peer.namespaceSelector, { 'kubernetes.io/metadata.name': other.namespace })
    : other.namespace === policyNamespace;
  return namespaceOk && matchLabels(peer.podSelector, other.labels);
}

function portMatches(ports: Manifest[] | undefined, port: number, protocol: string): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if (typeof p.port !== 'number') throw new Error(`unsupported port ${JSON.stringify(p)}`);
    return p.port === port && (p.protocol ?? 'TCP') === protocol;
  });
}

function allowedFrom(all: Manifest[], self: Endpoint, direction: 'Ingress' | 'Egress', other: Endpoint, port: number, protocol: string) {
  if (self.external) return true;
  const selecting = all.filter(
    (p) =>
      (p.metadata.namespace ?? 'default') === self.namespace &&
      matchLabels(p.spec.podSelector, self.labels) &&
      (p.spec.policyTypes as string[]).includes(direction),
  );
  // A pod no policy isolates in this direction accepts (or sends) anything.
  if (selecting.length === 0) return true;
  const side = direction === 'Ingress' ? 'from' : 'to';
  return selecting.some((p) =>
    ((p.spec[direction.toLowerCase()] ?? []) as Manifest[]).some(
      (rule) =>
        (rule[side] === undefined || (rule[side] as Manifest[]).some((peer) => peerMatches(peer, p.metadata.namespace, other))) &&
        portMatches(rule.ports, port, protocol),
    ),
  );
}

/** Whether `from` may open a connection to `to` on `port` under the policies in `manifests`. */
function canConnect(manifests: Manifest[], from: Endpoint, to: Endpoint, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): boolean {
  const all = policies(manifests);
  return allowedFrom(all, from, 'Egress', to, port, protocol) && allowedFrom(all, to, 'Ingress', from, port, protocol);
}

const POD = {
  app: { namespace: 'team-a', labels: { app: 'saplings' }, ip: '10.244.0.10' },
  redis: { namespace: 'team-a', labels: { app: 'redis', 'app.kubernetes.io/component': 'redis' }, ip: '10.244.0.11' },
  qdrant: { namespace: 'team-a', labels: { app: 'qdrant', 'app.kubernetes.io/component': 'vector-db' }, ip: '10.244.0.12' },
  pgvector: { namespace: 'team-a', labels: { app: 'pgvector', 'app.kubernetes.io/component': 'vector-db' }, ip: '10.244.0.13' },
  stranger: { namespace: 'team-a', labels: { app: 'debug-shell' }, ip: '10.244.0.99' },
  nginx: { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ip: '10.244.1.2' },
  prometheus: { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, ip: '10.244.2.3' },
  otherTeamApp: { namespace: 'team-b', labels: { app: 'saplings' }, ip: '10.244.3.4' },
  kubeDns: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.96.0.10' },
  llmApi: { namespace: '', labels: {}, ip: '162.159.140.245', external: true },
  cloudMetadata: { namespace: '', labels: {}, ip: '169.254.169.254', external: true },
  nodeOnPrivateNetwork: { namespace: '', labels: {}, ip: '192.168.1.20', external: true },
} satisfies Record<string, Endpoint>;

describe('TrafficPolicy', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    const policy = new TrafficPolicy(chart, 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
    policy.allowFrom({ podLabels: { app: 'client' } }, [{ port: 8080 }]);
    policy.allowTo(KUBE_DNS.peer, KUBE_DNS.ports);
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('GIVEN a TrafficPolicy on its own', () => {
    test('WHEN no rule is added THEN no NetworkPolicy exists', () => {
      const chart = Testing.chart();
      const policy = new TrafficPolicy(chart, 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
      expect(Testing.synth(chart)).toStrictEqual([]);
      expect(policy.ingressPolicy).toBeUndefined();
      expect(policy.egressPolicy).toBeUndefined();
    });

    test('WHEN only allowFrom is called THEN only <name>-netpol-ingress exists, isolating ingress only', () => {
      const chart = Testing.chart();
      const policy = new TrafficPolicy(chart, 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
      policy.allowFrom({ podLabels: { app: 'client' } }, [{ port: 8080 }]);
      const manifests: Manifest[] = Testing.synth(chart);
      expect(manifests).toStrictEqual([
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'worker-netpol-ingress', labels: { app: 'worker' } },
          spec: {
            podSelector: { matchLabels: { app: 'worker' } },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
          },
        },
      ]);
      expect(policy.ingressPolicy?.toJson()).toStrictEqual(manifests[0]);
      expect(policy.egressPolicy).toBeUndefined();
    });

    test('WHEN only allowTo is called THEN only <name>-netpol-egress exists, isolating egress only', () => {
      const chart = Testing.chart();
      const policy = new TrafficPolicy(chart, 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
      policy.allowTo({ cidr: '203.0.113.0/24' }, [{ port: 443 }]);
      expect(policyNames(Testing.synth(chart))).toStrictEqual(['worker-netpol-egress']);
      expect(policy.ingressPolicy).toBeUndefined();
    });

    test('WHEN several rules are added THEN one policy per direction holds them all, in order', () => {
      const chart = Testing.chart();
      const policy = new TrafficPolicy(chart, 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
      policy.allowFrom({ podLabels: { app: 'a' } }, [{ port: 1 }]);
      policy.allowFrom({ podLabels: { app: 'b' } }, [{ port: 2 }]);
      const manifests: Manifest[] = Testing.synth(chart);
      expect(policyNames(manifests)).toStrictEqual(['worker-netpol-ingress']);
      expect(manifests[0].spec.ingress.map((r: Manifest) => r.from[0].podSelector.matchLabels.app)).toStrictEqual(['a', 'b']);
    });

    test.each([
      ['pods in its own namespace', { podLabels: { app: 'client' } }, { podSelector: { matchLabels: { app: 'client' } } }],
      [
        'every pod of a namespace',
        { namespace: 'ingress-nginx' },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      ],
      [
        'pods of another namespace',
        { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ['every pod of its own namespace', {}, { podSelector: {} }],
      ['an IP range', { cidr: '203.0.113.0/24' }, { ipBlock: { cidr: '203.0.113.0/24' } }],
      [
        'an IP range with exceptions',
        { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] },
        { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } },
      ],
      ['an IP range with an empty except', { cidr: '0.0.0.0/0', except: [] }, { ipBlock: { cidr: '0.0.0.0/0' } }],
    ])('GIVEN a peer that is %s THEN the NetworkPolicy peer is exactly that', (_what, peer, expected) => {
      const chart = Testing.chart();
      new TrafficPolicy(chart, 'Traffic', { name: 'worker', podLabels: { app: 'worker' } }).allowTo(peer, [{ port: 443 }]);
      expect(Testing.synth(chart)[0].spec.egress[0].to).toStrictEqual([expected]);
    });

    test('GIVEN ports without a protocol THEN they are TCP, and UDP stays UDP', () => {
      const chart = Testing.chart();
      new TrafficPolicy(chart, 'Traffic', { name: 'worker', podLabels: { app: 'worker' } }).allowTo({}, [
        { port: 80 },
        { port: 53, protocol: 'UDP' },
      ]);
      expect(Testing.synth(chart)[0].spec.egress[0].ports).toStrictEqual([
        { port: 80, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ]);
    });
  });

  describe('GIVEN an app wired to Redis', () => {
    const manifests = synthWired({ redis: true });
    const appEgress = policyNamed(manifests, 'saplings-netpol-egress');
    const redisIngress = policyNamed(manifests, 'redis-netpol-ingress');

    test('THEN the only policies are the app\'s egress and Redis\' ingress', () => {
      expect(policyNames(manifests)).toStrictEqual(['redis-netpol-ingress', 'saplings-netpol-egress']);
    });

    test('THEN the app\'s egress policy allows TCP 6379 to pods app: redis', () => {
      expect(appEgress.spec.egress).toContainEqual({
        to: [{ podSelector: { matchLabels: { app: 'redis' } } }],
        ports: [{ port: 6379, protocol: 'TCP' }],
      });
    });

    test('THEN Redis\' ingress policy allows 6379 from pods app: saplings, and nothing else', () => {
      expect(redisIngress.spec).toStrictEqual({
        podSelector: { matchLabels: { app: 'redis' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'saplings' } } }], ports: [{ port: 6379, protocol: 'TCP' }] }],
      });
    });

    test('THEN Redis gets no policy that lets it connect to the app', () => {
      const redisEgress = policies(manifests).filter(
        (p) => matchLabels(p.spec.podSelector, POD.redis.labels) && p.spec.policyTypes.includes('Egress'),
      );
      expect(redisEgress).toStrictEqual([]);
      // Nothing is wired to reach the app, so it has no ingress policy at all (default-deny covers it).
      expect(policies(manifests).map((p) => p.metadata.name)).not.toContain('saplings-netpol-ingress');
    });
  });

  describe('GIVEN an app wired to Redis and exposed by an Ingress and a ServiceMonitor', () => {
    const manifests = synthWired({ redis: true, ingress: {}, monitor: {} });
    const appIngress = policyNamed(manifests, 'saplings-netpol-ingress');

    test('THEN the app\'s ingress policy has no rule from app: redis, nor from every pod of the namespace', () => {
      const peers: Manifest[] = appIngress.spec.ingress.flatMap((r: Manifest) => r.from);
      expect(peers.length).toBeGreaterThan(0);
      for (const peer of peers) {
        // A peer without namespaceSelector is a pod of team-a; none may match Redis or be `podSelector: {}`.
        expect(peer.namespaceSelector === undefined && matchLabels(peer.podSelector, POD.redis.labels)).toBe(false);
      }
      expect(JSON.stringify(appIngress)).not.toContain('"redis"');
    });

    test('THEN the ingress controller and Prometheus may reach port 8000, in that order', () => {
      expect(appIngress.spec).toStrictEqual({
        podSelector: { matchLabels: { app: 'saplings' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
            ports: [{ port: 8000, protocol: 'TCP' }],
          },
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
            ports: [{ port: 8000, protocol: 'TCP' }],
          },
        ],
      });
    });
  });

  describe('GIVEN an app wired to pgvector', () => {
    const manifests = synthWired({ vectorDb: 'pgvector' });

    test('THEN the app may open TCP 5432 to app: pgvector, and pgvector accepts 5432 from app: saplings', () => {
      expect(policyNamed(manifests, 'saplings-netpol-egress').spec.egress).toContainEqual({
        to: [{ podSelector: { matchLabels: { app: 'pgvector' } } }],
        ports: [{ port: 5432, protocol: 'TCP' }],
      });
      expect(policyNamed(manifests, 'pgvector-netpol-ingress').spec.ingress).toStrictEqual([
        { from: [{ podSelector: { matchLabels: { app: 'saplings' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
      ]);
    });
  });

  describe('GIVEN an app wired to qdrant', () => {
    const manifests = synthWired({ vectorDb: 'qdrant' });

    test('THEN the app may open TCP 6333 and 6334 to app: qdrant, and qdrant accepts both from app: saplings', () => {
      const ports = [
        { port: 6333, protocol: 'TCP' },
        { port: 6334, protocol: 'TCP' },
      ];
      expect(policyNamed(manifests, 'saplings-netpol-egress').spec.egress).toContainEqual({
        to: [{ podSelector: { matchLabels: { app: 'qdrant' } } }],
        ports,
      });
      expect(policyNamed(manifests, 'qdrant-netpol-ingress').spec.ingress).toStrictEqual([
        { from: [{ podSelector: { matchLabels: { app: 'saplings' } } }], ports },
      ]);
    });
  });

  test('GIVEN a custom app name and Redis name THEN the policies and selectors follow them', () => {
    const chart = Testing.chart();
    const redis = new RedisStore(chart, 'Redis', { name: 'cache', requirePassword: false });
    new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', name: 'agents', redis });
    const manifests: Manifest[] = Testing.synth(chart);
    expect(policyNames(manifests)).toStrictEqual(['agents-netpol-egress', 'cache-netpol-ingress']);
    expect(policyNamed(manifests, 'cache-netpol-ingress').spec.ingress[0].from).toStrictEqual([
      { podSelector: { matchLabels: { app: 'agents' } } },
    ]);
    expect(policyNamed(manifests, 'agents-netpol-egress').spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { app: 'cache' } } }],
      ports: [{ port: 6379, protocol: 'TCP' }],
    });
  });

  describe('GIVEN an app with nothing wired', () => {
    const manifests = synthWired();

    test('THEN its egress is exactly kube-dns on 53 UDP and TCP, then TCP 443 to public IPv4 addresses', () => {
      expect(policyNamed(manifests, 'saplings-netpol-egress').spec).toStrictEqual({
        podSelector: { matchLabels: { app: 'saplings' } },
        policyTypes: ['Egress'],
        egress: [DNS_RULE, INTERNET_RULE],
      });
    });

    test('THEN it has no ingress policy', () => {
      expect(policyNames(manifests)).toStrictEqual(['saplings-netpol-egress']);
    });
  });

  test('GIVEN Redis and a vector DB THEN the kube-dns and internet rules are still there, around the backend rules', () => {
    const egress: Manifest[] = policyNamed(synthWired({ redis: true, vectorDb: 'qdrant' }), 'saplings-netpol-egress').spec.egress;
    expect(egress).toHaveLength(4);
    expect(egress[0]).toStrictEqual(DNS_RULE);
    expect(egress[3]).toStrictEqual(INTERNET_RULE);
  });

  describe('GIVEN internetEgress', () => {
    function internetRules(internetEgress: SaplingsAppProps['internetEgress']): Manifest[] {
      const egress: Manifest[] = policyNamed(synthWired({ app: { internetEgress } }), 'saplings-netpol-egress').spec.egress;
      expect(egress[0]).toStrictEqual(DNS_RULE);
      return egress.slice(1);
    }

    test('WHEN ports are given THEN the default range is opened on those ports', () => {
      expect(internetRules({ ports: [443, 8443] })).toStrictEqual([
        {
          to: INTERNET_RULE.to,
          ports: [
            { port: 443, protocol: 'TCP' },
            { port: 8443, protocol: 'TCP' },
          ],
        },
      ]);
    });

    test('WHEN cidrs are given THEN there is one rule per range, keeping only the except ranges inside it', () => {
      expect(internetRules({ cidrs: ['203.0.113.0/24', '172.16.0.0/12'] })).toStrictEqual([
        // No private range lies inside 203.0.113.0/24, so it has no except list at all.
        { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] },
        // 172.16.0.0/12 itself is not strictly inside it, so it is not carved out either.
        { to: [{ ipBlock: { cidr: '172.16.0.0/12' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      ]);
    });

    test('WHEN exceptCidrs are given THEN they replace the defaults, still only where they fall inside the range', () => {
      expect(internetRules({ cidrs: ['10.0.0.0/8'], exceptCidrs: ['10.96.0.0/12', '192.168.0.0/16', '10.0.0.0/8'] })).toStrictEqual([
        { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } }], ports: [{ port: 443, protocol: 'TCP' }] },
      ]);
    });

    test('WHEN cidrs is empty THEN only DNS is allowed out', () => {
      expect(internetRules({ cidrs: [] })).toStrictEqual([]);
    });

    // A NetworkPolicy rule with no ports matches every port, so an empty list is refused
    // rather than emitted (the config schema also requires at least one port).
    test('WHEN ports is empty THEN the props are refused', () => {
      expect(() => internetRules({ ports: [] })).toThrow(/allowTo\(\) got no ports, which a NetworkPolicy reads as every port; list the ports to allow$/);
    });
  });

  describe('GIVEN an IngressWithTls', () => {
    test('WHEN the controller namespace is the default THEN ingress-nginx may reach the app port', () => {
      expect(policyNamed(synthWired({ ingress: {} }), 'saplings-netpol-ingress').spec.ingress).toStrictEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
          ports: [{ port: 8000, protocol: 'TCP' }],
        },
      ]);
    });

    test('WHEN controllerNamespace and the app port are set THEN the rule uses them', () => {
      const manifests = synthWired({ app: { port: 9000 }, ingress: { controllerNamespace: 'traefik' } });
      expect(policyNamed(manifests, 'saplings-netpol-ingress').spec.ingress).toStrictEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
          ports: [{ port: 9000, protocol: 'TCP' }],
        },
      ]);
    });
  });

  describe('GIVEN a SaplingsServiceMonitor', () => {
    test('WHEN the Prometheus namespace is the default THEN monitoring may reach the app port', () => {
      expect(policyNamed(synthWired({ monitor: {} }), 'saplings-netpol-ingress').spec.ingress).toStrictEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ port: 8000, protocol: 'TCP' }],
        },
      ]);
    });

    test('WHEN prometheusNamespace is set THEN the rule uses it', () => {
      expect(policyNamed(synthWired({ monitor: { prometheusNamespace: 'observability' } }), 'saplings-netpol-ingress').spec.ingress).toStrictEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
          ports: [{ port: 8000, protocol: 'TCP' }],
        },
      ]);
    });
  });

  describe('GIVEN a whole namespace: default deny, app, Redis, qdrant, Ingress and ServiceMonitor', () => {
    const manifests = synthWired({ isolation: true, redis: true, vectorDb: 'qdrant', ingress: {}, monitor: {} });

    test('THEN the evaluator sees every object in team-a', () => {
      expect(policyNames(manifests)).toStrictEqual([
        'allow-acme-http01-solver',
        'allow-dns',
        'default-deny',
        'qdrant-netpol-ingress',
        'redis-netpol-ingress',
        'saplings-netpol-egress',
        'saplings-netpol-ingress',
      ]);
      expect(policies(manifests).every((p) => p.metadata.namespace === 'team-a')).toBe(true);
    });

    test.each([
      ['app', 'redis', 6379],
      ['app', 'qdrant', 6333],
      ['app', 'qdrant', 6334],
      ['nginx', 'app', 8000],
      ['prometheus', 'app', 8000],
      ['app', 'llmApi', 443],
    ] as const)('THEN %s may connect to %s on %i', (from, to, port) => {
      expect(canConnect(manifests, POD[from], POD[to], port)).toBe(true);
    });

    test.each([
      // Backends never call the app or each other.
      ['redis', 'app', 8000],
      ['qdrant', 'app', 8000],
      ['redis', 'qdrant', 6333],
      ['qdrant', 'redis', 6379],
      // Other pods of the namespace, and the same app label in another namespace, reach nothing.
      ['stranger', 'redis', 6379],
      ['stranger', 'app', 8000],
      ['otherTeamApp', 'redis', 6379],
      // The ingress controller and Prometheus reach only the app's port.
      ['nginx', 'app', 9090],
      ['nginx', 'redis', 6379],
      ['prometheus', 'qdrant', 6333],
      // The app reaches backends only on their ports, and the internet only on 443.
      ['app', 'redis', 6380],
      ['app', 'llmApi', 80],
      ['app', 'cloudMetadata', 443],
      ['app', 'nodeOnPrivateNetwork', 443],
      ['app', 'stranger', 443],
      // Backends have no internet access.
      ['redis', 'llmApi', 443],
      ['qdrant', 'llmApi', 443],
    ] as const)('THEN %s may not connect to %s on %i', (from, to, port) => {
      expect(canConnect(manifests, POD[from], POD[to], port)).toBe(false);
    });

    test.each(['app', 'redis', 'qdrant', 'stranger'] as const)('THEN %s may resolve names through kube-dns', (pod) => {
      expect(canConnect(manifests, POD[pod], POD.kubeDns, 53, 'UDP')).toBe(true);
      expect(canConnect(manifests, POD[pod], POD.kubeDns, 53, 'TCP')).toBe(true);
    });
  });

  test('GIVEN no NamespaceIsolation and nothing wired to reach the app THEN any pod reaches it: default deny is what closes it', () => {
    // The app has no ingress policy here, so the evaluator must report it open; the denials
    // above therefore come from the policies, not from an evaluator that always says no.
    const manifests = synthWired({ redis: true });
    expect(canConnect(manifests, POD.stranger, POD.app, 8000)).toBe(true);
    expect(canConnect(manifests, POD.stranger, POD.redis, 6379)).toBe(false);
  });
});

describe('TrafficPolicy views', () => {
  test('GIVEN rules in both directions THEN each view names its object, direction, pods and rules, read-only', () => {
    const chart = new Chart(new App(), 'test');
    const policy = new TrafficPolicy(chart, 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
    policy.allowFrom({ podLabels: { app: 'client' } }, [{ port: 8080 }]);
    policy.allowTo({ cidr: '203.0.113.0/24' }, [{ port: 443 }]);
    const ingress = policy.ingressPolicy!;
    expect({ name: ingress.name, policyType: ingress.policyType, podLabels: ingress.podLabels, rules: ingress.rules }).toStrictEqual({
      name: 'worker-netpol-ingress',
      policyType: 'Ingress',
      podLabels: { app: 'worker' },
      rules: [{ peer: { podLabels: { app: 'client' } }, ports: [{ port: 8080 }] }],
    });
    expect(policy.egressPolicy?.rules).toStrictEqual([{ peer: { cidr: '203.0.113.0/24' }, ports: [{ port: 443 }] }]);
    expect(Object.isFrozen(ingress)).toBe(true);
    expect(Object.isFrozen(ingress.rules)).toBe(true);
    expect(Object.isFrozen(ingress.podLabels)).toBe(true);
  });

  test('GIVEN a rule added after a view was taken THEN a new view shows it and the manifest holds it', () => {
    const chart = new Chart(new App(), 'test');
    const policy = new TrafficPolicy(chart, 'Traffic', { name: 'worker', podLabels: { app: 'worker' } });
    policy.allowFrom({ podLabels: { app: 'a' } }, [{ port: 1 }]);
    const before = policy.ingressPolicy!;
    policy.allowFrom({ podLabels: { app: 'b' } }, [{ port: 2 }]);
    expect(before.rules).toHaveLength(1);
    expect(policy.ingressPolicy?.rules).toHaveLength(2);
    expect(policy.ingressPolicy?.toJson()).toStrictEqual(Testing.synth(chart)[0]);
  });
});
