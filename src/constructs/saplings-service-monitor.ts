import { Construct } from 'constructs';
import { ServiceMonitor } from '../../imports/monitoring.coreos.com/monitoring.coreos.com';
import { SEED } from '../conventions/defaults';
import { appObjectNames } from '../conventions/names';
import { SaplingsApp } from './saplings-app';

/** Props for {@link SaplingsServiceMonitor}. */
export interface SaplingsServiceMonitorProps {
  /** The app whose `/metrics` Prometheus scrapes. */
  readonly app: SaplingsApp;
  /** Scrape interval. @default '30s' */
  readonly interval?: string;
  /** Namespace Prometheus runs in; its pods may reach the app's metrics port. @default 'monitoring' */
  readonly prometheusNamespace?: string;
}

/** A prometheus-operator ServiceMonitor that scrapes a SaplingsApp's `/metrics`. */
export class SaplingsServiceMonitor extends Construct {
  /** The ServiceMonitor object. */
  public readonly serviceMonitor: ServiceMonitor;

  constructor(scope: Construct, id: string, props: SaplingsServiceMonitorProps) {
    super(scope, id);
    const { app } = props;
    app.trafficPolicy.allowFrom({ namespace: props.prometheusNamespace ?? SEED.network.prometheusNamespace }, [{ port: app.port }]);
    this.serviceMonitor = new ServiceMonitor(this, 'Resource', {
      metadata: { name: appObjectNames(app.name).serviceMonitor, labels: app.selectorLabels },
      spec: {
        selector: { matchLabels: app.selectorLabels },
        endpoints: [{ port: app.portName, path: SEED.app.metricsPath, interval: props.interval ?? '30s' }],
      },
    });
  }
}
