import { SaplingsStack, SaplingsValidationError } from '../../../src';
import { runChecks } from '../../../src/checks';
import { InputError, formatProblem } from '../../../src/config/errors';
import { parseConfigText } from '../../../src/config/load';
import { StackConfigInput } from '../../../src/config/schema';
import { mermaidDiagram } from '../../../src/targets/kubernetes/diagram';
import { emitYamlStream } from '../../../src/targets/yaml';
import { App } from 'cdk8s';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMain, tempDir } from '../../helpers/cli';
import { all, find, parseManifests, render } from '../../helpers/manifests';

/*
 * The four ways `ingress.api: gateway` is set up: a platform-owned Gateway or
 * one the stack creates, each with and without Envoy Gateway's policies.
 */

const HOST = 'agents.example.com';
const EXISTING = { name: 'public', namespace: 'gateway-system', sectionName: 'https' };
const CREATED = { create: true, className: 'eg' };

const SETUPS = {
  'an existing Gateway': { gateway: EXISTING },
  'an existing Gateway with envoy-gateway': { gateway: { ...EXISTING, implementation: 'envoy-gateway' } },
  'a created Gateway': { gateway: CREATED },
  'a created Gateway with envoy-gateway': { gateway: { ...CREATED, implementation: 'envoy-gateway' } },
} as const;

function renderSetup(setup: keyof typeof SETUPS, overrides: Partial<StackConfigInput> = {}) {
  return render({ ingress: { api: 'gateway', host: HOST, ...SETUPS[setup] } as StackConfigInput['ingress'], ...overrides });
}

// Rendered once per setup: every test below reads these.
const RENDERED = Object.fromEntries(Object.keys(SETUPS).map((setup) => [setup, renderSetup(setup as keyof typeof SETUPS)]));
const cases = Object.keys(SETUPS).map((setup) => [setup, RENDERED[setup]] as const);

describe('SaplingsStack with ingress.api: gateway', () => {
  test.each(cases)('%s: no Ingress is emitted, and the app route sends / to the Service with the 300 s timeout', (_setup, objects) => {
    expect(all(objects, 'Ingress')).toStrictEqual([]);
    const route = find(objects, 'HTTPRoute', 'saplings-route');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.hostnames).toStrictEqual([HOST]);
    expect(route.spec.rules[0]).toStrictEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ name: 'saplings-service', port: 80 }],
      timeouts: { request: '300s' },
    });
  });

  test.each(cases)('%s: in production, the API, CRD and leak checks find nothing, and the policy at most the missing limits', (setup, objects) => {
    const findings = runChecks(objects, { environment: 'production' }).map((f) => `${f.severity} ${f.rule} ${f.object}`);
    expect(findings).toStrictEqual(setup.endsWith('envoy-gateway') ? [] : ['warning practice-route-limits HTTPRoute/saplings-route']);
  });

  test.each(cases.filter(([setup]) => !setup.endsWith('envoy-gateway')))(
    '%s (staging): no warning, since only production asks for the limits',
    (setup) => {
      expect(runChecks(renderSetup(setup as keyof typeof SETUPS, { environment: 'staging' }), { environment: 'staging' })).toStrictEqual([]);
    },
  );

  test.each(cases)('%s: the output reads back as the same objects', (_setup, objects) => {
    expect(parseManifests(emitYamlStream(objects as never[]))).toStrictEqual(objects);
  });

  test.each(cases.filter(([setup]) => !setup.endsWith('envoy-gateway')))(
    '%s: /metrics never reaches the app: a rule with no backend takes it from /, and nothing else routes it',
    (_setup, objects) => {
      const routes = all(objects, 'HTTPRoute');
      const metricsRules = routes.flatMap((r) => r.spec.rules).filter((rule: any) => rule.matches?.some((m: any) => m.path?.value === '/metrics'));
      expect(metricsRules).toStrictEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/metrics' } }] }]);
      expect(all(objects, 'SecurityPolicy')).toStrictEqual([]);
      expect(all(objects, 'BackendTrafficPolicy')).toStrictEqual([]);
    },
  );

  test.each(cases.filter(([setup]) => setup.endsWith('envoy-gateway')))(
    '%s: /metrics has a route of its own, reachable only from 10.0.0.0/8 through a SecurityPolicy that denies the rest',
    (_setup, objects) => {
      const metrics = find(objects, 'HTTPRoute', 'saplings-metrics-route');
      expect(metrics.spec.rules).toStrictEqual([
        { matches: [{ path: { type: 'PathPrefix', value: '/metrics' } }], backendRefs: [{ name: 'saplings-service', port: 80 }] },
      ]);
      expect(find(objects, 'HTTPRoute', 'saplings-route').spec.rules).toHaveLength(1);
      expect(find(objects, 'SecurityPolicy', 'saplings-metrics-allow').spec).toStrictEqual({
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'saplings-metrics-route' }],
        authorization: {
          defaultAction: 'Deny',
          rules: [{ name: 'metrics-allow-cidrs', action: 'Allow', principal: { clientCIDRs: ['10.0.0.0/8'] } }],
        },
      });
      // The guard is applied before the route it guards, and that route before / (which would serve /metrics).
      const order = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(order.indexOf('SecurityPolicy/saplings-metrics-allow')).toBeLessThan(order.indexOf('HTTPRoute/saplings-metrics-route'));
      expect(order.indexOf('HTTPRoute/saplings-metrics-route')).toBeLessThan(order.indexOf('HTTPRoute/saplings-route'));
    },
  );

  test.each(cases.filter(([setup]) => setup.endsWith('envoy-gateway')))(
    '%s: a BackendTrafficPolicy sets a local rate limit per client IP and a 10 MiB request buffer on both routes',
    (_setup, objects) => {
      const limit = { limit: { requests: 100, unit: 'Second' } };
      expect(find(objects, 'BackendTrafficPolicy', 'saplings-limits').spec).toStrictEqual({
        targetRefs: ['saplings-route', 'saplings-metrics-route'].map((name) => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name })),
        rateLimit: {
          type: 'Local',
          local: {
            rules: [
              { clientSelectors: [{ sourceCIDR: { type: 'Distinct', value: '0.0.0.0/0' } }], ...limit },
              { clientSelectors: [{ sourceCIDR: { type: 'Distinct', value: '::/0' } }], ...limit },
            ],
          },
        },
        requestBuffer: { limit: '10Mi' },
      });
    },
  );

  test.each([
    ['an existing Gateway', 'gateway-system'],
    ['an existing Gateway with envoy-gateway', 'envoy-gateway-system'],
    ['a created Gateway', 'saplings'],
    ['a created Gateway with envoy-gateway', 'envoy-gateway-system'],
  ] as const)('%s: the app accepts traffic from the proxies in namespace %s, and not from ingress-nginx', (setup, namespace) => {
    const from = find(RENDERED[setup], 'NetworkPolicy', 'saplings-netpol-ingress').spec.ingress.map((rule: any) => rule.from[0].namespaceSelector.matchLabels);
    expect(from).toStrictEqual([{ 'kubernetes.io/metadata.name': namespace }, { 'kubernetes.io/metadata.name': 'monitoring' }]);
  });

  test('network.gatewayNamespace overrides where the proxies are taken to run', () => {
    const objects = renderSetup('a created Gateway with envoy-gateway', { network: { gatewayNamespace: 'edge' } });
    expect(find(objects, 'NetworkPolicy', 'saplings-netpol-ingress').spec.ingress[0].from).toStrictEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } },
    ]);
  });

  test.each(['an existing Gateway', 'an existing Gateway with envoy-gateway'] as const)(
    '%s: the routes attach to it by name, namespace and section, and no Gateway is created',
    (setup) => {
      const objects = RENDERED[setup];
      expect(all(objects, 'Gateway')).toStrictEqual([]);
      for (const route of all(objects, 'HTTPRoute')) expect(route.spec.parentRefs).toStrictEqual([EXISTING]);
    },
  );

  test.each(['a created Gateway', 'a created Gateway with envoy-gateway'] as const)(
    '%s: it is in the stack namespace, terminates TLS for the host with cert-manager, and HTTP redirects to HTTPS with a 301',
    (setup) => {
      const objects = RENDERED[setup];
      const gateway = find(objects, 'Gateway', 'saplings-gateway');
      expect(gateway.metadata).toStrictEqual({
        name: 'saplings-gateway',
        namespace: 'saplings',
        // The recommended labels: the Gateway belongs to the stack's ingress.
        labels: {
          app: 'saplings',
          'app.kubernetes.io/name': 'saplings',
          'app.kubernetes.io/instance': 'saplings',
          'app.kubernetes.io/component': 'ingress',
          'app.kubernetes.io/part-of': 'saplings',
          'app.kubernetes.io/managed-by': 'saplings-k8s',
        },
        annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' },
      });
      expect(gateway.spec).toStrictEqual({
        gatewayClassName: 'eg',
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80, hostname: HOST },
          { name: 'https', protocol: 'HTTPS', port: 443, hostname: HOST, tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'saplings-tls' }] } },
        ],
      });
      expect(find(objects, 'HTTPRoute', 'saplings-gateway-redirect').spec).toStrictEqual({
        parentRefs: [{ name: 'saplings-gateway', sectionName: 'http' }],
        hostnames: [HOST],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      });
      for (const route of all(objects, 'HTTPRoute').filter((r) => r.metadata.name !== 'saplings-gateway-redirect')) {
        expect(route.spec.parentRefs).toStrictEqual([{ name: 'saplings-gateway', sectionName: 'https' }]);
      }
    },
  );

  test('ingress settings flow into the policies: rate limit, body size, allow-list, certificate and timeouts', () => {
    const objects = render({
      ingress: {
        api: 'gateway',
        host: HOST,
        rateLimitRps: 25,
        maxBodySize: '512k',
        metricsAllowCidrs: ['10.1.0.0/16', 'fd00::/8'],
        tlsSecretName: 'agents-cert',
        clusterIssuer: 'letsencrypt-staging',
        readTimeoutSeconds: 120,
        sendTimeoutSeconds: 600,
        gateway: { create: true, name: 'edge', className: 'eg', implementation: 'envoy-gateway' },
      },
    });
    const limits = find(objects, 'BackendTrafficPolicy', 'saplings-limits').spec;
    expect(limits.rateLimit.local.rules.map((r: any) => r.limit)).toStrictEqual([
      { requests: 25, unit: 'Second' },
      { requests: 25, unit: 'Second' },
    ]);
    expect(limits.requestBuffer).toStrictEqual({ limit: '512Ki' });
    expect(find(objects, 'SecurityPolicy', 'saplings-metrics-allow').spec.authorization.rules[0].principal.clientCIDRs).toStrictEqual(['10.1.0.0/16', 'fd00::/8']);
    const gateway = find(objects, 'Gateway', 'edge');
    expect(gateway.metadata.annotations).toStrictEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-staging' });
    expect(gateway.spec.listeners[1].tls.certificateRefs).toStrictEqual([{ kind: 'Secret', name: 'agents-cert' }]);
    expect(find(objects, 'HTTPRoute', 'edge-redirect').spec.parentRefs).toStrictEqual([{ name: 'edge', sectionName: 'http' }]);
    // One timeout for the whole request: the longer of nginx's read and send timeouts.
    expect(find(objects, 'HTTPRoute', 'saplings-route').spec.rules[0].timeouts).toStrictEqual({ request: '600s' });
  });

  test('maxBodySize 0 (no limit in nginx) sets no request buffer; requestTimeout false sets no timeout', () => {
    const objects = render({
      ingress: { api: 'gateway', host: HOST, maxBodySize: '0', gateway: { ...EXISTING, implementation: 'envoy-gateway', requestTimeout: false } },
    });
    expect(find(objects, 'BackendTrafficPolicy', 'saplings-limits').spec).not.toHaveProperty('requestBuffer');
    expect(find(objects, 'HTTPRoute', 'saplings-route').spec.rules[0]).not.toHaveProperty('timeouts');
  });

  test('a created Gateway with tls: false has only the HTTP listener, no redirect and no certificate', () => {
    const objects = render({ environment: 'staging', ingress: { api: 'gateway', host: HOST, tls: false, gateway: CREATED } });
    const gateway = find(objects, 'Gateway', 'saplings-gateway');
    expect(gateway.metadata).not.toHaveProperty('annotations');
    expect(gateway.spec.listeners).toStrictEqual([{ name: 'http', protocol: 'HTTP', port: 80, hostname: HOST }]);
    expect(all(objects, 'HTTPRoute').map((r) => [r.metadata.name, r.spec.parentRefs])).toStrictEqual([
      ['saplings-route', [{ name: 'saplings-gateway', sectionName: 'http' }]],
    ]);
  });

  test('the diagram draws clients → Gateway → route → Service, and the guarded /metrics route', () => {
    const diagram = mermaidDiagram(RENDERED['a created Gateway with envoy-gateway']);
    expect(diagram).toContain('  users --> Gateway_saplings_gateway\n');
    expect(diagram).toContain('  Gateway_saplings_gateway --> HTTPRoute_saplings_route\n');
    expect(diagram).toContain('  HTTPRoute_saplings_route --> Service_saplings_service\n');
    expect(diagram).toContain('HTTPRoute saplings-metrics-route<br/>agents.example.com/metrics only from 10.0.0.0/8');
    expect(diagram).toContain('HTTPRoute saplings-gateway-redirect<br/>agents.example.com/ redirects to https');
  });

  test('the diagram names a platform Gateway on the edge and shows /metrics blocked', () => {
    const diagram = mermaidDiagram(RENDERED['an existing Gateway']);
    expect(diagram).toContain('  users -- "gateway-system/public" --> HTTPRoute_saplings_route\n');
    expect(diagram).toContain('HTTPRoute saplings-route<br/>agents.example.com/ agents.example.com/metrics blocked');
  });
});

describe('synth with ingress.api: gateway', () => {
  test('GIVEN production without an implementation THEN synth writes the route and warns that no limit is enforced', async () => {
    const dir = tempDir();
    const config = `environment: production\nimage: saplings:1.0.0\ningress:\n  api: gateway\n  host: ${HOST}\n  gateway: { name: public, namespace: gateway-system }\n`;
    fs.writeFileSync(path.join(dir, 'saplings.yaml'), config);
    const run = await runMain(['synth', '--out', 'out'], dir);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^⚠ saplings\.k8s\.yaml: HTTPRoute\/saplings-route: spec\.rules\[0\]: warning: forwards to a backend with no rate limit and no request size limit: .* \[practice-route-limits\]$/m);
    const written = parseManifests(fs.readFileSync(path.join(dir, 'out', 'saplings.k8s.yaml'), 'utf8'));
    expect(all(written, 'Ingress')).toStrictEqual([]);
    expect(find(written, 'HTTPRoute', 'saplings-route').spec.parentRefs).toStrictEqual([{ name: 'public', namespace: 'gateway-system' }]);
  });
});

describe('config errors for ingress.api: gateway', () => {
  /** The problems `text` is refused with, formatted as the CLI prints them. */
  function problemsOf(text: string): string[] {
    try {
      parseConfigText(text, 'saplings.yaml');
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return err.problems.map(formatProblem);
    }
    throw new Error('expected the config to be refused');
  }
  const HEAD = 'environment: production\nimage: saplings:1.0.0\ningress:\n  api: gateway\n';

  test('an existing Gateway without name and namespace: both are reported at the mapping that lacks them', () => {
    expect(problemsOf(`${HEAD}  gateway:\n    sectionName: https\n`)).toStrictEqual([
      "saplings.yaml:6:5: ingress.gateway.name: is required to attach to an existing Gateway: its name; or set create: true and className to create one in the stack's namespace, got nothing",
      "saplings.yaml:6:5: ingress.gateway.namespace: is required to attach to an existing Gateway: its namespace; or set create: true and className to create one in the stack's namespace, got nothing",
    ]);
  });

  test('only the namespace missing: only it is reported', () => {
    expect(problemsOf(`${HEAD}  gateway:\n    name: public\n`)).toStrictEqual([
      "saplings.yaml:6:5: ingress.gateway.namespace: is required to attach to an existing Gateway: its namespace; or set create: true and className to create one in the stack's namespace, got nothing",
    ]);
  });

  test('api: gateway without a gateway key', () => {
    expect(problemsOf(HEAD)).toStrictEqual([
      "saplings.yaml:4:3: ingress.gateway: is required with api: gateway: name and namespace of an existing Gateway, or create: true and className to create one in the stack's namespace, got nothing",
    ]);
  });

  test('create: true needs className and refuses what only an existing Gateway has', () => {
    expect(problemsOf(`${HEAD}  gateway:\n    create: true\n    namespace: elsewhere\n    sectionName: https\n`)).toStrictEqual([
      'saplings.yaml:6:5: ingress.gateway.className: is required with create: true: the GatewayClass of the Gateway the stack creates (e.g. eg for Envoy Gateway), got nothing',
      "saplings.yaml:7:16: ingress.gateway.namespace: applies only to an existing Gateway (create: false); the created Gateway is in the stack's namespace, got \"elsewhere\"",
      "saplings.yaml:8:18: ingress.gateway.sectionName: applies only to an existing Gateway (create: false); routes attach to the created Gateway's https listener, got \"https\"",
    ]);
  });

  test('an unknown implementation names the one allowed', () => {
    expect(problemsOf(`${HEAD}  gateway:\n    name: public\n    namespace: gw\n    implementation: istio\n`)).toStrictEqual([
      'saplings.yaml:8:21: ingress.gateway.implementation: expected "envoy-gateway", got "istio"',
    ]);
  });

  test('gateway settings with api: ingress, and gatewayNamespace without the gateway api, are refused', () => {
    const text = 'environment: production\nimage: saplings:1.0.0\ningress:\n  gateway:\n    name: public\n    namespace: gw\nnetwork:\n  gatewayNamespace: edge\n';
    expect(problemsOf(text)).toStrictEqual([
      'saplings.yaml:5:5: ingress.gateway: applies only to api: gateway, but api is ingress, got {"name":"public","namespace":"gw"}',
      "saplings.yaml:8:21: network.gatewayNamespace: applies only to ingress.api: gateway, but api is ingress; ingress-nginx's namespace is network.ingressControllerNamespace, got \"edge\"",
    ]);
  });
});

describe('SaplingsStack gateway props', () => {
  test('GIVEN both ingress and gateway THEN it throws: the app is exposed one way', () => {
    const create = () =>
      new SaplingsStack(new App(), 'both', {
        app: { image: 'saplings:1.0.0' },
        ingress: { host: HOST },
        gateway: { host: HOST, gateway: { name: 'public', namespace: 'gw' } },
      });
    expect(create).toThrow(SaplingsValidationError);
    expect(create).toThrow(
      new Error('[both] got both ingress and gateway, but the app is exposed one way: pass ingress (an Ingress) or gateway (a Gateway API route), not both'),
    );
  });

  test('GIVEN create without a host THEN it throws, naming gateway.host', () => {
    expect(() => new SaplingsStack(new App(), 'nohost', { app: { image: 'saplings:1.0.0' }, gateway: { gateway: { create: true, className: 'eg' } } })).toThrow(
      new Error('[nohost] gateway.host is required to create a Gateway: the host its listeners serve, such as "api.example.com"'),
    );
  });

  test('GIVEN create THEN the stack exposes the Gateway it made and the route, the certificate being <stack>-tls', () => {
    const stack = new SaplingsStack(new App(), 'team', {
      name: 'team',
      app: { image: 'saplings:1.0.0' },
      gateway: { host: HOST, gateway: { create: true, className: 'eg' } },
    });
    expect(stack.gateway?.name).toBe('team-gateway');
    expect(stack.route?.host).toBe(HOST);
    expect(stack.ingress).toBeUndefined();
    expect(stack.gateway?.gateway.toJson().spec.listeners[1].tls.certificateRefs).toStrictEqual([{ kind: 'Secret', name: 'team-tls' }]);
  });
});
