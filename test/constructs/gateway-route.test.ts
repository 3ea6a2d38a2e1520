import { Chart, Testing } from 'cdk8s';
import { GatewayRoute, GatewayRouteProps, GatewayWithTls, SaplingsApp, SaplingsAppProps, validateObjects } from '../../src';

// Synthesized manifests are plain JSON; `any` keeps the assertions short.
type Manifest = Record<string, any>;

const HOST = 'api.example.com';
const PLATFORM = { name: 'public', namespace: 'gateway-system' };

function ofKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The one object of `kind` named `name`; fails the test if there is none. */
function named(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = ofKind(manifests, kind).filter((m) => m.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Synthesizes a SaplingsApp behind a GatewayRoute; `gateway` builds the Gateway in the app's chart. */
function synthRoute(
  route: Partial<Omit<GatewayRouteProps, 'gateway'>> & { gateway?: (chart: Chart) => GatewayRouteProps['gateway'] } = {},
  app: Partial<SaplingsAppProps> = {},
): Manifest[] {
  const chart = Testing.chart();
  const sap = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', ...app });
  const { gateway = () => PLATFORM, ...rest } = route;
  new GatewayRoute(chart, 'Route', { host: HOST, ...rest, app: sap, gateway: gateway(chart) });
  return Testing.synth(chart);
}

const ownGateway = (chart: Chart) => new GatewayWithTls(chart, 'Gateway', { name: 'web', host: HOST, className: 'eg' });

describe('GatewayRoute', () => {
  test('defaults', () => {
    expect(synthRoute()).toMatchSnapshot();
  });

  test('defaults with its own GatewayWithTls and envoy-gateway', () => {
    expect(synthRoute({ host: undefined, gateway: ownGateway, implementation: 'envoy-gateway' })).toMatchSnapshot();
  });

  describe('GIVEN a platform Gateway and no implementation', () => {
    const manifests = synthRoute();

    test('THEN one HTTPRoute sends / to the Service and blocks /metrics, and no policy is made', () => {
      expect(ofKind(manifests, 'HTTPRoute').map((r) => r.metadata.name)).toStrictEqual(['saplings-route']);
      expect(named(manifests, 'HTTPRoute', 'saplings-route').spec).toStrictEqual({
        parentRefs: [PLATFORM],
        hostnames: [HOST],
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'saplings-service', port: 80 }], timeouts: { request: '300s' } },
          { matches: [{ path: { type: 'PathPrefix', value: '/metrics' } }] },
        ],
      });
      expect(ofKind(manifests, 'SecurityPolicy')).toStrictEqual([]);
      expect(ofKind(manifests, 'BackendTrafficPolicy')).toStrictEqual([]);
    });

    test("THEN the app accepts the proxies from the Gateway's namespace", () => {
      expect(named(manifests, 'NetworkPolicy', 'saplings-netpol-ingress').spec.ingress).toStrictEqual([
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }], ports: [{ port: 8000, protocol: 'TCP' }] },
      ]);
    });

    test('THEN every object passes the API and CRD checks', () => {
      expect(validateObjects(manifests)).toStrictEqual([]);
    });
  });

  describe('GIVEN its own GatewayWithTls and envoy-gateway', () => {
    const manifests = synthRoute({ host: undefined, gateway: ownGateway, implementation: 'envoy-gateway' });

    test("THEN the routes take the Gateway's host and attach to its https listener", () => {
      for (const name of ['saplings-route', 'saplings-metrics-route']) {
        expect(named(manifests, 'HTTPRoute', name).spec).toMatchObject({ parentRefs: [{ name: 'web', sectionName: 'https' }], hostnames: [HOST] });
      }
    });

    test('THEN the policies target the routes by reference', () => {
      expect(named(manifests, 'SecurityPolicy', 'saplings-metrics-allow').spec.targetRefs).toStrictEqual([
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'saplings-metrics-route' },
      ]);
      expect(named(manifests, 'BackendTrafficPolicy', 'saplings-limits').spec.targetRefs.map((t: Manifest) => t.name)).toStrictEqual([
        'saplings-route',
        'saplings-metrics-route',
      ]);
    });

    test('THEN the app accepts the proxies from envoy-gateway-system', () => {
      expect(named(manifests, 'NetworkPolicy', 'saplings-netpol-ingress').spec.ingress[0].from).toStrictEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } } },
      ]);
    });

    test('THEN every object, the Gateway and Envoy policies included, passes the API and CRD checks', () => {
      expect(validateObjects(manifests)).toStrictEqual([]);
    });
  });

  test.each([
    ['development', 1000],
    ['staging', 500],
    ['production', 100],
  ] as const)("GIVEN a %s app THEN the rate limit is the preset's %s per second", (environment, rps) => {
    const limits = named(synthRoute({ implementation: 'envoy-gateway' }, { environment }), 'BackendTrafficPolicy', 'saplings-limits');
    expect(limits.spec.rateLimit.local.rules.map((r: Manifest) => r.limit.requests)).toStrictEqual([rps, rps]);
  });

  test.each([
    ['10m', '10Mi'],
    ['512k', '512Ki'],
    ['2G', '2Gi'],
    ['4096', '4096'],
    ['010m', '10Mi'],
  ])('GIVEN maxBodySize %s THEN the request buffer limit is %s', (size, limit) => {
    const limits = named(synthRoute({ implementation: 'envoy-gateway', maxBodySize: size }), 'BackendTrafficPolicy', 'saplings-limits');
    expect(limits.spec.requestBuffer).toStrictEqual({ limit });
  });

  test('GIVEN proxyNamespace and requestTimeoutSeconds THEN the NetworkPolicy and the timeout follow them', () => {
    const manifests = synthRoute({ proxyNamespace: 'edge-proxies', requestTimeoutSeconds: 45 });
    expect(named(manifests, 'HTTPRoute', 'saplings-route').spec.rules[0].timeouts).toStrictEqual({ request: '45s' });
    expect(named(manifests, 'NetworkPolicy', 'saplings-netpol-ingress').spec.ingress[0].from).toStrictEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge-proxies' } } },
    ]);
  });

  test("GIVEN a GatewayReference without a namespace, in a chart without one, THEN any pod of the app's namespace may reach it", () => {
    const manifests = synthRoute({ gateway: () => ({ name: 'local' }) });
    expect(named(manifests, 'HTTPRoute', 'saplings-route').spec.parentRefs).toStrictEqual([{ name: 'local' }]);
    expect(named(manifests, 'NetworkPolicy', 'saplings-netpol-ingress').spec.ingress[0].from).toStrictEqual([
      { podSelector: {} },
    ]);
  });
});

describe('GatewayWithTls', () => {
  test('GIVEN tls false THEN it has only the HTTP listener, no certificate and no redirect, and routes attach to http', () => {
    const chart = Testing.chart();
    const gateway = new GatewayWithTls(chart, 'Gateway', { name: 'web', host: HOST, className: 'eg', tls: false });
    expect(gateway.routeListener).toBe('http');
    expect(gateway.redirectRoute).toBeUndefined();
    expect(Testing.synth(chart)).toStrictEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'web' },
        spec: { gatewayClassName: 'eg', listeners: [{ name: 'http', protocol: 'HTTP', port: 80, hostname: HOST }] },
      },
    ]);
  });

  test('GIVEN no tlsSecretName THEN the certificate Secret is <name>-tls', () => {
    const chart = Testing.chart();
    new GatewayWithTls(chart, 'Gateway', { name: 'web', host: HOST, className: 'eg' });
    const gateway = named(Testing.synth(chart), 'Gateway', 'web');
    expect(gateway.spec.listeners[1].tls).toStrictEqual({ mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'web-tls' }] });
  });
});
