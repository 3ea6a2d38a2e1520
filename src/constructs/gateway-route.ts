import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { HttpRouteProps } from '../../imports/gateway.networking.k8s.io/httproutes-gateway.networking.k8s.io';
import { SEED } from '../conventions/defaults';
import { hostnameError } from '../conventions/field-rules';
import { ENVIRONMENT_PRESETS } from '../conventions/presets';
import { propsError, addFieldRulesValidation } from './errors';
import { GATEWAY_API_VERSION, GatewayWithTls } from './gateway-with-tls';
import { SaplingsApp } from './saplings-app';

/** Envoy Gateway's policy API group and version. */
const ENVOY_GATEWAY_API_VERSION = 'gateway.envoyproxy.io/v1alpha1';

/** Implementations whose own policies set what Gateway API has no portable API for. */
export type GatewayImplementation = 'envoy-gateway';

/** A Gateway another team owns (the platform's), attached to by name. */
export interface GatewayReference {
  /** Name of the Gateway. */
  readonly name: string;
  /** Namespace of the Gateway; its listener must allow routes from the route's namespace. @default - the route's namespace */
  readonly namespace?: string;
  /** The listener to attach to. @default - every listener whose hostname matches */
  readonly sectionName?: string;
}

/** Props for {@link GatewayRoute}. */
export interface GatewayRouteProps {
  /** The app to expose. */
  readonly app: SaplingsApp;
  /** The Gateway to attach to: your own GatewayWithTls, or a platform-owned Gateway by reference. */
  readonly gateway: GatewayWithTls | GatewayReference;
  /** Public host name, the routes' hostname. @default - the GatewayWithTls' host; required with a GatewayReference */
  readonly host?: string;
  /** The implementation whose policies set the rate limit, the body size limit and the `/metrics` allow-list. @default - none: none of them is enforced, and `/metrics` is not reachable through the Gateway */
  readonly implementation?: GatewayImplementation;
  /** `timeouts.request` of the app's route, in seconds (Extended support), or `false` to leave it to the implementation. @default 300 */
  readonly requestTimeoutSeconds?: number | false;
  /** Requests per second per client IP, per proxy replica. Only with `implementation`. @default - the app environment's preset (100 in production) */
  readonly rateLimitRps?: number;
  /** Largest request body, as an nginx size (`10m`; `0` for no limit). Only with `implementation`. @default '10m' */
  readonly maxBodySize?: string;
  /** Source ranges allowed to reach `/metrics` through the Gateway. Only with `implementation`. @default ['10.0.0.0/8'] */
  readonly metricsAllowCidrs?: string[];
  /** Namespace the Gateway's proxies run in; its pods may reach the app. @default - 'envoy-gateway-system' with envoy-gateway, else the Gateway's namespace */
  readonly proxyNamespace?: string;
}

/**
 * Exposes a SaplingsApp through a Gateway API Gateway: an HTTPRoute
 * (`gateway.networking.k8s.io/v1`) for the host, `/` to the app's Service,
 * with the guide's 300 s timeout as `timeouts.request`.
 *
 * Gateway API has no portable rate limit, body size limit or source-range
 * allow-list. Without an `implementation`, the route therefore blocks
 * `/metrics` (a rule with no backend), since `/` would otherwise serve it to
 * anyone; Prometheus scrapes it inside the cluster. With
 * `implementation: 'envoy-gateway'` it adds a BackendTrafficPolicy (a local
 * rate limit per client IP and a request buffer the size of the largest body)
 * and serves `/metrics` on a route of its own, reachable only through a
 * SecurityPolicy that allows `metricsAllowCidrs` and denies everything else.
 */
export class GatewayRoute extends Construct {
  /** Public host name. */
  public readonly host: string;
  /** Namespace of the Gateway's proxies, whose pods may reach the app; unset for the app's own namespace (a Gateway beside it in a chart without a namespace). */
  public readonly proxyNamespace?: string;
  /** The HTTPRoute for `/` (and, without an implementation, the rule that blocks `/metrics`). */
  public readonly route: ApiObject;
  /** The HTTPRoute for `/metrics`, guarded by {@link metricsPolicy}; only with an implementation. */
  public readonly metricsRoute?: ApiObject;
  /** Envoy Gateway's SecurityPolicy that opens {@link metricsRoute} to the allowed ranges only. */
  public readonly metricsPolicy?: ApiObject;
  /** Envoy Gateway's BackendTrafficPolicy with the rate limit and the request size limit. */
  public readonly backendTrafficPolicy?: ApiObject;

  constructor(scope: Construct, id: string, props: GatewayRouteProps) {
    super(scope, id);
    const { app, gateway, implementation } = props;
    const created = gateway instanceof GatewayWithTls;
    const host = props.host ?? (created ? gateway.host : undefined);
    if (host === undefined) {
      throw propsError(this, `host is required with a GatewayReference (gateway ${JSON.stringify(gateway.name)}); pass the public host name, such as "api.example.com"`);
    }
    const hostProblem = hostnameError(host);
    if (hostProblem) {
      throw propsError(
        this,
        `host ${JSON.stringify(host)} is not a host name an HTTPRoute accepts (${hostProblem}); use a DNS name such as "api.example.com", optionally with one leading "*."`,
      );
    }
    if (!implementation) {
      const policyOnly = (['rateLimitRps', 'maxBodySize', 'metricsAllowCidrs'] as const).filter((p) => props[p] !== undefined);
      if (policyOnly.length > 0) {
        throw propsError(
          this,
          `${policyOnly.join(', ')} need an implementation's policies (Gateway API has no portable API for them), but implementation is unset; ` +
            `set implementation: 'envoy-gateway', or leave ${policyOnly.length > 1 ? 'them' : 'it'} out`,
        );
      }
    }
    const maxBodySize = props.maxBodySize ?? SEED.ingress.maxBodySize;
    if (!NGINX_SIZE.test(maxBodySize)) {
      throw propsError(this, `maxBodySize ${JSON.stringify(maxBodySize)} is not a size; use a number of bytes, optionally with k, m or g (KiB, MiB, GiB), such as "10m"`);
    }
    this.host = host;
    const routeNamespace = Chart.of(this).namespace;
    this.proxyNamespace =
      props.proxyNamespace ??
      (implementation === 'envoy-gateway' ? SEED.gateway.envoyGatewayNamespace : (gateway.namespace ?? routeNamespace));

    const parentRefs = created
      ? [{ name: gateway.name, sectionName: gateway.routeListener }]
      : [{ name: gateway.name, namespace: gateway.namespace, sectionName: gateway.sectionName }];
    const backendRefs = [{ name: app.service.name, port: app.service.port }];
    const metricsMatch = { path: { type: 'PathPrefix', value: SEED.app.metricsPath } };
    const names = gatewayRouteNames(app.name);

    if (implementation === 'envoy-gateway') {
      // The guard exists before the route it guards, and the /metrics route before the / route
      // that would otherwise serve /metrics: apply order, then sync waves, keep /metrics closed.
      this.metricsPolicy = this.envoyPolicy('MetricsPolicy', 'SecurityPolicy', names.metricsPolicy, app, [names.metricsRoute], {
        authorization: {
          defaultAction: 'Deny',
          rules: [{ name: 'metrics-allow-cidrs', action: 'Allow', principal: { clientCIDRs: props.metricsAllowCidrs ?? [...SEED.ingress.metricsAllowCidrs] } }],
        },
      });
      const bodyLimit = bodyLimitQuantity(maxBodySize);
      const rps = props.rateLimitRps ?? ENVIRONMENT_PRESETS[app.environment].rateLimitRps;
      this.backendTrafficPolicy = this.envoyPolicy('TrafficLimits', 'BackendTrafficPolicy', names.backendTrafficPolicy, app, [names.route, names.metricsRoute], {
        // `type: Local` needs no global rate-limit service; newer releases read `local` alone, older ones need `type`.
        rateLimit: {
          type: 'Local',
          local: {
            // Distinct: one bucket per client address, as ingress-nginx's limit-rps does (IPv4 and IPv6).
            rules: ['0.0.0.0/0', '::/0'].map((cidr) => ({
              clientSelectors: [{ sourceCIDR: { type: 'Distinct', value: cidr } }],
              limit: { requests: rps, unit: 'Second' },
            })),
          },
        },
        ...(bodyLimit ? { requestBuffer: { limit: bodyLimit } } : {}),
      });
      this.metricsRoute = this.httpRoute('MetricsRoute', names.metricsRoute, app, parentRefs, [{ matches: [metricsMatch], backendRefs }]);
    }

    const timeoutSeconds = props.requestTimeoutSeconds ?? Math.max(SEED.ingress.readTimeoutSeconds, SEED.ingress.sendTimeoutSeconds);
    this.route = this.httpRoute('Route', names.route, app, parentRefs, [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs,
        ...(timeoutSeconds === false ? {} : { timeouts: { request: `${timeoutSeconds}s` } }),
      },
      // No backend: the request never reaches the app (the implementation answers 500).
      ...(implementation ? [] : [{ matches: [metricsMatch] }]),
    ]);

    // No namespace: any pod of the app's own namespace, wherever the chart is applied.
    app.trafficPolicy.allowFrom(this.proxyNamespace ? { namespace: this.proxyNamespace } : {}, [{ port: app.port }]);
  }

  private httpRoute(id: string, name: string, app: SaplingsApp, parentRefs: object[], rules: object[]): ApiObject {
    const spec = { parentRefs, hostnames: [this.host], rules } as HttpRouteProps['spec'];
    const route = new ApiObject(this, id, { apiVersion: GATEWAY_API_VERSION, kind: 'HTTPRoute', metadata: { name, labels: app.selectorLabels }, spec });
    addFieldRulesValidation(route);
    return route;
  }

  private envoyPolicy(id: string, kind: string, name: string, app: SaplingsApp, routes: string[], spec: Record<string, unknown>): ApiObject {
    const policy = new ApiObject(this, id, {
      apiVersion: ENVOY_GATEWAY_API_VERSION,
      kind,
      metadata: { name, labels: app.selectorLabels },
      spec: { targetRefs: routes.map((route) => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: route })), ...spec },
    });
    addFieldRulesValidation(policy);
    return policy;
  }
}

/**
 * Names of the objects a GatewayRoute creates for an app named `name`. Every
 * suffix is at most as long as `-metrics-ingress`, the longest the config's
 * stack-name limit allows for.
 */
export function gatewayRouteNames(name: string) {
  return {
    route: `${name}-route`,
    metricsRoute: `${name}-metrics-route`,
    metricsPolicy: `${name}-metrics-allow`,
    backendTrafficPolicy: `${name}-limits`,
  };
}

/** A size as nginx's client_max_body_size takes it: bytes, or k, m, g for KiB, MiB, GiB. */
const NGINX_SIZE = /^(\d+)([kKmMgG]?)$/;

/**
 * An nginx size (`10m`) as the quantity Envoy Gateway's request buffer takes
 * (`10Mi`); undefined for `0`, which nginx reads as no limit.
 */
function bodyLimitQuantity(size: string): string | undefined {
  const match = NGINX_SIZE.exec(size)!;
  const amount = Number(match[1]);
  if (amount === 0) return undefined;
  return `${amount}${match[2] ? `${match[2].toUpperCase()}i` : ''}`;
}
