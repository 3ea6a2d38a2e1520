import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AcmeSolverAccess } from './acme-solver-access';
import { Construct } from 'constructs';
import { SEED } from '../conventions/defaults';
import { ENVIRONMENT_PRESETS } from '../conventions/presets';
import { appObjectNames } from '../conventions/names';
import { hostnameError } from '../conventions/field-rules';
import { propsError, addFieldRulesValidation } from './errors';
import { SaplingsApp } from './saplings-app';

const NGINX = 'nginx.ingress.kubernetes.io';

/** Props for {@link IngressWithTls}. */
export interface IngressWithTlsProps {
  /** The app to expose. */
  readonly app: SaplingsApp;
  /** Public host name: a DNS name, optionally with one leading `*.` (e.g. `api.example.com`). */
  readonly host: string;
  /** `spec.ingressClassName`. @default 'nginx' */
  readonly className?: string;
  /** Terminate TLS with a cert-manager certificate; off only for clusters without cert-manager. @default true */
  readonly tls?: boolean;
  /** cert-manager ClusterIssuer that signs the certificate. @default 'letsencrypt-prod' */
  readonly clusterIssuer?: string;
  /** Secret cert-manager writes the certificate to. @default '<app name>-tls' */
  readonly tlsSecretName?: string;
  /** Requests per second per client IP (`limit-rps`). @default - the app environment's preset (100 in production) */
  readonly rateLimitRps?: number;
  /** Largest request body (`proxy-body-size`). @default '10m' */
  readonly maxBodySize?: string;
  /** Upstream read timeout in seconds (`proxy-read-timeout`). @default 300 */
  readonly readTimeoutSeconds?: number;
  /** Upstream send timeout in seconds (`proxy-send-timeout`). @default 300 */
  readonly sendTimeoutSeconds?: number;
  /** Source ranges allowed to reach `/metrics` through the ingress. @default ['10.0.0.0/8'] */
  readonly metricsAllowCidrs?: string[];
  /** Namespace the ingress controller runs in; its pods may reach the app. @default 'ingress-nginx' */
  readonly controllerNamespace?: string;
}

/**
 * An ingress-nginx Ingress with a cert-manager certificate for a SaplingsApp.
 *
 * `/metrics` gets a second Ingress for that exact path, open only to
 * internal ranges: ingress-nginx prefers an Exact path over the main
 * Ingress' `/` prefix, so the public rule never serves metrics.
 */
export class IngressWithTls extends Construct {
  /** Public host name. */
  public readonly host: string;
  /** The public Ingress for `/`. */
  public readonly ingress: kplus.Ingress;
  /** The Ingress for `/metrics`, limited to internal source ranges. */
  public readonly metricsIngress: kplus.Ingress;
  /** Lets the controller reach cert-manager's HTTP-01 solver pods; unset when TLS is off. */
  public readonly acmeSolverAccess?: AcmeSolverAccess;

  constructor(scope: Construct, id: string, props: IngressWithTlsProps) {
    super(scope, id);
    const { app } = props;
    const hostProblem = hostnameError(props.host);
    if (hostProblem) {
      throw propsError(
        this,
        `host ${JSON.stringify(props.host)} is not a host name the API server accepts (${hostProblem}); use a DNS name such as "api.example.com", optionally with one leading "*."`,
      );
    }
    const names = appObjectNames(app.name);
    const defaults = SEED.ingress;
    this.host = props.host;
    const className = props.className ?? defaults.className;
    const tlsEnabled = props.tls ?? true;
    const tls: kplus.IngressTls[] | undefined = tlsEnabled
      ? [{ hosts: [this.host], secret: kplus.Secret.fromSecretName(this, 'TlsSecret', props.tlsSecretName ?? names.tlsSecret) }]
      : undefined;
    const backend = kplus.IngressBackend.fromService(app.service);

    this.ingress = new kplus.Ingress(this, 'Ingress', {
      metadata: {
        name: names.ingress,
        labels: app.selectorLabels,
        annotations: {
          ...(tlsEnabled ? { 'cert-manager.io/cluster-issuer': props.clusterIssuer ?? defaults.clusterIssuer } : {}),
          [`${NGINX}/limit-rps`]: String(props.rateLimitRps ?? ENVIRONMENT_PRESETS[app.environment].rateLimitRps),
          [`${NGINX}/proxy-body-size`]: props.maxBodySize ?? defaults.maxBodySize,
          [`${NGINX}/proxy-read-timeout`]: String(props.readTimeoutSeconds ?? defaults.readTimeoutSeconds),
          [`${NGINX}/proxy-send-timeout`]: String(props.sendTimeoutSeconds ?? defaults.sendTimeoutSeconds),
        },
      },
      className,
      tls,
      rules: [{ host: this.host, path: '/', pathType: kplus.HttpIngressPathType.PREFIX, backend }],
    });

    addFieldRulesValidation(ApiObject.of(this.ingress));

    const controller = { namespace: props.controllerNamespace ?? SEED.network.ingressControllerNamespace };
    app.trafficPolicy.allowFrom(controller, [{ port: app.port }]);
    // cert-manager's solver pods answer the challenge in this namespace, under its default-deny.
    this.acmeSolverAccess = tlsEnabled ? new AcmeSolverAccess(this, 'AcmeSolverAccess', { from: controller }) : undefined;

    // No cluster-issuer annotation here: cert-manager would issue a second
    // Certificate for the same Secret. ingress-nginx shares the host's TLS.
    this.metricsIngress = new kplus.Ingress(this, 'MetricsIngress', {
      metadata: {
        name: names.metricsIngress,
        labels: app.selectorLabels,
        annotations: {
          [`${NGINX}/whitelist-source-range`]: (props.metricsAllowCidrs ?? [...defaults.metricsAllowCidrs]).join(','),
        },
      },
      className,
      tls,
      rules: [{ host: this.host, path: SEED.app.metricsPath, pathType: kplus.HttpIngressPathType.EXACT, backend }],
    });
    addFieldRulesValidation(ApiObject.of(this.metricsIngress));
  }
}
