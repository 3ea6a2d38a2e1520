import { checkPolicy } from '../../../src/checks/policy';

const route = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'web', labels },
  spec: { parentRefs: [{ name: 'edge' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
});
const policy = (spec: Record<string, unknown>) => ({
  apiVersion: 'gateway.envoyproxy.io/v1alpha1',
  kind: 'BackendTrafficPolicy',
  metadata: { name: 'limits', namespace: 'web' },
  spec,
});
const ref = (kind: string, name: string) => ({ group: 'gateway.networking.k8s.io', kind, name });

/** The practice-route-limits findings, as `object path`. */
function limitFindings(objects: unknown[], environment?: 'staging' | 'production'): string[] {
  return checkPolicy(objects, { environment })
    .filter((f) => f.rule === 'practice-route-limits')
    .map((f) => `${f.severity} ${f.object} ${f.path}`);
}

describe('practice-route-limits', () => {
  test('GIVEN a forwarding HTTPRoute and no BackendTrafficPolicy THEN production (and unknown environments) warn, staging does not', () => {
    expect(limitFindings([route('web')], 'production')).toStrictEqual(['warning HTTPRoute/web spec.rules[0]']);
    expect(limitFindings([route('web')])).toStrictEqual(['warning HTTPRoute/web spec.rules[0]']);
    expect(limitFindings([route('web')], 'staging')).toStrictEqual([]);
  });

  test.each([
    ['the route by name', policy({ targetRefs: [ref('HTTPRoute', 'web')] })],
    ['the route by targetRef', policy({ targetRef: ref('HTTPRoute', 'web') })],
    ["the route's Gateway", policy({ targetRefs: [ref('Gateway', 'edge')] })],
    ['the route by labels', policy({ targetSelectors: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', matchLabels: { tier: 'public' } }] })],
  ])('GIVEN a BackendTrafficPolicy that targets %s THEN there is no warning', (_how, limits) => {
    expect(limitFindings([route('web', { tier: 'public' }), limits])).toStrictEqual([]);
  });

  test('GIVEN a BackendTrafficPolicy for another route, or in another namespace THEN the route still gets the warning', () => {
    const elsewhere = { ...policy({ targetRefs: [ref('HTTPRoute', 'web')] }), metadata: { name: 'limits', namespace: 'other' } };
    expect(limitFindings([route('web'), policy({ targetRefs: [ref('HTTPRoute', 'api')] }), elsewhere])).toStrictEqual([
      'warning HTTPRoute/web spec.rules[0]',
    ]);
  });

  test('GIVEN a route that only redirects or blocks THEN there is nothing to limit', () => {
    const redirect = { ...route('redirect'), spec: { rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] }] } };
    expect(limitFindings([redirect])).toStrictEqual([]);
  });
});
