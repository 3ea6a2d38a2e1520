import { Testing } from 'cdk8s';
import { IngressWithTls, IngressWithTlsProps, SaplingsApp, SaplingsAppProps } from '../../src';

// Synthesized manifests are plain JSON; `any` keeps the assertions short.
type Manifest = Record<string, any>;

function objectsOfKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The Ingress named `name`; fails the test if there is none. */
function ingressNamed(manifests: Manifest[], name: string): Manifest {
  const found = objectsOfKind(manifests, 'Ingress').filter((m) => m.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const HOST = 'api.example.com';

/** Synthesizes a SaplingsApp exposed by an IngressWithTls. */
function synthIngress(ingress: Partial<IngressWithTlsProps> = {}, app: Partial<SaplingsAppProps> = {}): Manifest[] {
  const chart = Testing.chart();
  const sap = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', ...app });
  new IngressWithTls(chart, 'Web', { app: sap, host: HOST, ...ingress });
  return Testing.synth(chart);
}

describe('IngressWithTls', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    new IngressWithTls(chart, 'Web', { app, host: HOST });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('GIVEN a production app and only a host', () => {
    const manifests = synthIngress();
    const ingress = ingressNamed(manifests, 'saplings-ingress');
    const metrics = ingressNamed(manifests, 'saplings-metrics-ingress');

    test('THEN it creates exactly the public and the metrics Ingress', () => {
      expect(objectsOfKind(manifests, 'Ingress').map((m) => m.metadata.name)).toStrictEqual([
        'saplings-ingress',
        'saplings-metrics-ingress',
      ]);
    });

    test('THEN the class is set with spec.ingressClassName, not the deprecated annotation', () => {
      expect(ingress.spec.ingressClassName).toBe('nginx');
      expect(Object.keys(ingress.metadata.annotations)).not.toContain('kubernetes.io/ingress.class');
    });

    test('THEN the annotations ask cert-manager for a certificate and set ingress-nginx limits', () => {
      expect(ingress.metadata.annotations).toStrictEqual({
        'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
        'nginx.ingress.kubernetes.io/limit-rps': '100',
        'nginx.ingress.kubernetes.io/proxy-body-size': '10m',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '300',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '300',
      });
    });

    test('THEN it does not use the guide\'s rate-limit annotation, which ingress-nginx ignores', () => {
      expect(Object.keys(ingress.metadata.annotations)).not.toContain('nginx.ingress.kubernetes.io/rate-limit');
    });

    test('THEN TLS covers the host with the saplings-tls Secret', () => {
      expect(ingress.spec.tls).toStrictEqual([{ hosts: [HOST], secretName: 'saplings-tls' }]);
    });

    test('THEN / (Prefix) goes to saplings-service:80', () => {
      expect(ingress.spec.rules).toStrictEqual([
        {
          host: HOST,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'saplings-service', port: { number: 80 } } } },
            ],
          },
        },
      ]);
    });

    test('THEN /metrics (Exact) gets its own Ingress, open to 10.0.0.0/8 only', () => {
      expect(metrics.spec.rules).toStrictEqual([
        {
          host: HOST,
          http: {
            paths: [
              {
                path: '/metrics',
                pathType: 'Exact',
                backend: { service: { name: 'saplings-service', port: { number: 80 } } },
              },
            ],
          },
        },
      ]);
      expect(metrics.metadata.annotations['nginx.ingress.kubernetes.io/whitelist-source-range']).toBe('10.0.0.0/8');
    });

    test('THEN the metrics Ingress reuses the host\'s TLS without asking cert-manager again', () => {
      expect(metrics.metadata.annotations).not.toHaveProperty(['cert-manager.io/cluster-issuer']);
      expect(metrics.spec.ingressClassName).toBe('nginx');
      expect(metrics.spec.tls).toStrictEqual([{ hosts: [HOST], secretName: 'saplings-tls' }]);
    });
  });

  test.each([
    ['development', '1000'],
    ['staging', '500'],
    ['production', '100'],
  ] as const)('GIVEN a %s app THEN limit-rps is %s', (environment, rps) => {
    const ingress = ingressNamed(synthIngress({}, { environment }), 'saplings-ingress');
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/limit-rps']).toBe(rps);
  });

  test('GIVEN every option THEN the Ingresses use them', () => {
    const manifests = synthIngress({
      className: 'internal-nginx',
      clusterIssuer: 'letsencrypt-staging',
      tlsSecretName: 'wildcard-tls',
      rateLimitRps: 25,
      maxBodySize: '50m',
      readTimeoutSeconds: 600,
      sendTimeoutSeconds: 120,
      metricsAllowCidrs: ['10.0.0.0/8', '192.168.0.0/16'],
    });
    const ingress = ingressNamed(manifests, 'saplings-ingress');
    const metrics = ingressNamed(manifests, 'saplings-metrics-ingress');
    expect(ingress.spec.ingressClassName).toBe('internal-nginx');
    expect(ingress.metadata.annotations).toStrictEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-staging',
      'nginx.ingress.kubernetes.io/limit-rps': '25',
      'nginx.ingress.kubernetes.io/proxy-body-size': '50m',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '120',
    });
    expect(ingress.spec.tls).toStrictEqual([{ hosts: [HOST], secretName: 'wildcard-tls' }]);
    expect(metrics.spec.ingressClassName).toBe('internal-nginx');
    expect(metrics.spec.tls).toStrictEqual([{ hosts: [HOST], secretName: 'wildcard-tls' }]);
    expect(metrics.metadata.annotations).toStrictEqual({
      'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8,192.168.0.0/16',
    });
  });

  test('GIVEN tls false THEN neither Ingress has TLS or asks cert-manager for a certificate', () => {
    const manifests = synthIngress({ tls: false });
    const ingress = ingressNamed(manifests, 'saplings-ingress');
    const metrics = ingressNamed(manifests, 'saplings-metrics-ingress');
    expect(ingress.spec).not.toHaveProperty('tls');
    expect(metrics.spec).not.toHaveProperty('tls');
    expect(ingress.metadata.annotations).not.toHaveProperty(['cert-manager.io/cluster-issuer']);
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/limit-rps']).toBe('100');
    expect(ingress.spec.rules[0].http.paths[0]).toMatchObject({ path: '/', pathType: 'Prefix' });
  });

  test('GIVEN an app with a custom name THEN names, TLS Secret and backend follow it', () => {
    const manifests = synthIngress({}, { name: 'agents' });
    const ingress = ingressNamed(manifests, 'agents-ingress');
    const metrics = ingressNamed(manifests, 'agents-metrics-ingress');
    expect(ingress.spec.tls).toStrictEqual([{ hosts: [HOST], secretName: 'agents-tls' }]);
    expect(ingress.spec.rules[0].http.paths[0].backend).toStrictEqual({
      service: { name: 'agents-service', port: { number: 80 } },
    });
    expect(metrics.spec.rules[0].http.paths[0].backend).toStrictEqual({
      service: { name: 'agents-service', port: { number: 80 } },
    });
  });
});
