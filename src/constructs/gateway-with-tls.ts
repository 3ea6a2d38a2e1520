import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { GatewayProps } from '../../imports/gateway.networking.k8s.io/gateways-gateway.networking.k8s.io';
import type { HttpRouteProps } from '../../imports/gateway.networking.k8s.io/httproutes-gateway.networking.k8s.io';
import { SEED } from '../conventions/defaults';
import { hostnameError } from '../conventions/field-rules';
import { propsError, addFieldRulesValidation } from './errors';

/** The Gateway API group and version of Gateways and HTTPRoutes. */
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

/** Props for {@link GatewayWithTls}. */
export interface GatewayWithTlsProps {
  /** Name of the Gateway; its redirect route is `<name>-redirect`. */
  readonly name: string;
  /** The one host it serves: a DNS name, optionally with one leading `*.` (e.g. `api.example.com`). */
  readonly host: string;
  /** The GatewayClass (`spec.gatewayClassName`), which picks the implementation (e.g. `eg` for Envoy Gateway's quickstart). */
  readonly className: string;
  /** Terminate TLS on an HTTPS listener with a cert-manager certificate, and redirect HTTP to it. @default true */
  readonly tls?: boolean;
  /** cert-manager ClusterIssuer that signs the certificate. @default 'letsencrypt-prod' */
  readonly clusterIssuer?: string;
  /** Secret cert-manager writes the certificate to, in the Gateway's namespace. @default '<name>-tls' */
  readonly tlsSecretName?: string;
  /** Labels on the Gateway and its redirect route. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * A Gateway API Gateway for one host, in the chart's namespace: an HTTPS
 * listener that terminates TLS with a certificate cert-manager issues (its
 * `cert-manager.io/cluster-issuer` annotation is how cert-manager serves
 * Gateways), and an HTTP listener whose only route redirects to HTTPS with a
 * 301. Routes attach to {@link routeListener} by section name.
 *
 * Pass it to `GatewayRoute` as its `gateway`; for a Gateway another team owns,
 * pass a `GatewayReference` instead.
 */
export class GatewayWithTls extends Construct {
  /** Name of the Gateway. */
  public readonly name: string;
  /** Namespace of the Gateway: the chart's. */
  public readonly namespace?: string;
  /** The host its listeners serve. */
  public readonly host: string;
  /** The listener routes attach to: `https`, or `http` when TLS is off. */
  public readonly routeListener: string;
  /** The Gateway object. */
  public readonly gateway: ApiObject;
  /** The HTTPRoute on the `http` listener that redirects to HTTPS; unset when TLS is off. */
  public readonly redirectRoute?: ApiObject;

  constructor(scope: Construct, id: string, props: GatewayWithTlsProps) {
    super(scope, id);
    const hostProblem = hostnameError(props.host);
    if (hostProblem) {
      throw propsError(
        this,
        `host ${JSON.stringify(props.host)} is not a host name a Gateway listener accepts (${hostProblem}); use a DNS name such as "api.example.com", optionally with one leading "*."`,
      );
    }
    this.name = props.name;
    this.namespace = Chart.of(this).namespace;
    this.host = props.host;
    const tls = props.tls ?? true;
    const { httpListener, httpsListener } = SEED.gateway;
    this.routeListener = tls ? httpsListener : httpListener;

    const spec: GatewayProps['spec'] = {
      gatewayClassName: props.className,
      listeners: [
        { name: httpListener, protocol: 'HTTP', port: 80, hostname: this.host },
        ...(tls
          ? [
              {
                name: httpsListener,
                protocol: 'HTTPS',
                port: 443,
                hostname: this.host,
                tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: props.tlsSecretName ?? `${this.name}-tls` }] },
              },
            ]
          : []),
      ] as GatewayProps['spec']['listeners'],
    };
    this.gateway = new ApiObject(this, 'Resource', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'Gateway',
      metadata: {
        name: this.name,
        labels: props.labels,
        annotations: tls ? { 'cert-manager.io/cluster-issuer': props.clusterIssuer ?? SEED.ingress.clusterIssuer } : undefined,
      },
      spec,
    });
    addFieldRulesValidation(this.gateway);

    if (tls) {
      const redirect: HttpRouteProps['spec'] = {
        parentRefs: [{ name: this.name, sectionName: httpListener }],
        hostnames: [this.host],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
          },
        ] as NonNullable<HttpRouteProps['spec']>['rules'],
      };
      this.redirectRoute = new ApiObject(this, 'RedirectRoute', {
        apiVersion: GATEWAY_API_VERSION,
        kind: 'HTTPRoute',
        metadata: { name: `${this.name}-redirect`, labels: props.labels },
        spec: redirect,
      });
      addFieldRulesValidation(this.redirectRoute);
    }
  }
}
