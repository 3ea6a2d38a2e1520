import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { TrafficPeer, toPeer, toPort } from './traffic-policy';

/**
 * The label cert-manager puts on the HTTP-01 solver pods it creates in the
 * Certificate's namespace, and the port they serve the challenge on.
 * https://cert-manager.io/docs/configuration/acme/http01/#how-http01-challenges-work
 */
export const ACME_HTTP01_SOLVER = { labels: { 'acme.cert-manager.io/http01-solver': 'true' }, port: 8089 } as const;

/** Props for {@link AcmeSolverAccess}. */
export interface AcmeSolverAccessProps {
  /** Who forwards the ACME challenge to the solver: the ingress controller's or the Gateway proxies' pods. */
  readonly from: TrafficPeer;
}

/**
 * Lets the ingress controller (or a Gateway's proxies) reach cert-manager's
 * HTTP-01 solver pods, which a namespace's default-deny also covers: without
 * it the challenge times out and the certificate is never issued
 * (cert-manager/cert-manager#2334, #3968). Only ingress on the solver's port;
 * the solver opens no connection.
 * https://cert-manager.io/docs/troubleshooting/acme/#http01-troubleshooting
 */
export class AcmeSolverAccess extends Construct {
  /** The NetworkPolicy `allow-acme-http01-solver`. */
  public readonly policy: kplus.k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: AcmeSolverAccessProps) {
    super(scope, id);
    this.policy = new kplus.k8s.KubeNetworkPolicy(this, 'Policy', {
      metadata: { name: 'allow-acme-http01-solver' },
      spec: {
        podSelector: { matchLabels: { ...ACME_HTTP01_SOLVER.labels } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [toPeer(props.from)], ports: [toPort({ port: ACME_HTTP01_SOLVER.port })] }],
      },
    });
  }
}
