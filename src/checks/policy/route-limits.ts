import { Environment } from '../../conventions/defaults';
import { mapSelectorMatches } from '../../conventions/label-selector';
import { Json, asList, asObject, asString, isObject } from '../json';
import { PolicyReporter, Resource } from './objects';
import { Inventory } from './relations';

/*
 * Gateway API has no portable rate limit or request size limit: an HTTPRoute
 * alone forwards as much and as large as clients send. ingress-nginx set both
 * by annotation; behind a Gateway they come from the implementation's own
 * policies (Envoy Gateway's BackendTrafficPolicy). A warning, in production
 * only, because the implementation may enforce them where we cannot see
 * (a policy on a Gateway in another namespace).
 */

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * Reports, in production (and for manifests of unknown environment), each
 * HTTPRoute that forwards to a backend while no BackendTrafficPolicy of its
 * namespace targets it, by name or selector, or its Gateway.
 */
export function checkRouteLimits(inventory: Inventory, environment: Environment | undefined, sink: PolicyReporter): void {
  if (environment === 'development' || environment === 'staging') return;
  for (const route of inventory.resources.filter((r) => r.kind === 'HTTPRoute')) {
    const rules = asList(asObject(route.object.spec)?.rules);
    const forwarding = rules.findIndex((rule) => isObject(rule) && asList(rule.backendRefs).length > 0);
    if (forwarding < 0) continue;
    if (inventory.ofKind('BackendTrafficPolicy', route.namespace).some((policy) => targets(policy, route))) continue;
    sink.report(
      route,
      'warning',
      'practice-route-limits',
      ['spec', 'rules', forwarding],
      'forwards to a backend with no rate limit and no request size limit: Gateway API has no portable API for them, and no ' +
        'BackendTrafficPolicy targets this route or its Gateway; with Envoy Gateway set ingress.gateway.implementation: envoy-gateway ' +
        "(or add a BackendTrafficPolicy), otherwise enforce them with your Gateway implementation's own policies",
    );
  }
}

/** Whether an Envoy Gateway policy applies to `route`: it names the route or one of its Gateways, or selects the route by labels. */
function targets(policy: Resource, route: Resource): boolean {
  const spec = asObject(policy.object.spec) ?? {};
  const refs = [...asList(spec.targetRefs), ...(isObject(spec.targetRef) ? [spec.targetRef] : [])].filter(isObject);
  const parents = asList(asObject(route.object.spec)?.parentRefs)
    .filter(isObject)
    .filter((p) => (asString(p.namespace) ?? route.namespace) === route.namespace)
    .map((p) => asString(p.name));
  const named = refs.some(
    (ref) =>
      asString(ref.group) === GATEWAY_API_GROUP &&
      ((ref.kind === 'HTTPRoute' && ref.name === route.name) || (ref.kind === 'Gateway' && parents.includes(asString(ref.name)))),
  );
  const labels = (asObject(asObject(route.object.metadata)?.labels) ?? {}) as Json;
  const selected = asList(spec.targetSelectors)
    .filter(isObject)
    .some((s) => s.kind === 'HTTPRoute' && isObject(s.matchLabels) && mapSelectorMatches(s.matchLabels as Record<string, string>, labels as Record<string, string>));
  return named || selected;
}
