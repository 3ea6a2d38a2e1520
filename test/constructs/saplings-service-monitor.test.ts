import { Testing } from 'cdk8s';
import { SaplingsApp, SaplingsAppProps, SaplingsServiceMonitor, SaplingsServiceMonitorProps } from '../../src';
import { Manifest, onlyOfKind } from '../helpers/objects';

function synthMonitor(monitor: Partial<SaplingsServiceMonitorProps> = {}, app: Partial<SaplingsAppProps> = {}): Manifest[] {
  const chart = Testing.chart();
  const sap = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0', ...app });
  new SaplingsServiceMonitor(chart, 'Monitor', { app: sap, ...monitor });
  return Testing.synth(chart);
}

describe('SaplingsServiceMonitor', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    const app = new SaplingsApp(chart, 'Saplings', { image: 'saplings:1.0.0' });
    new SaplingsServiceMonitor(chart, 'Monitor', { app });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('GIVEN a default app', () => {
    const manifests = synthMonitor();
    const monitor = onlyOfKind(manifests, 'ServiceMonitor');
    const service = onlyOfKind(manifests, 'Service');

    test('THEN it is a prometheus-operator monitoring.coreos.com/v1 ServiceMonitor', () => {
      expect(monitor).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', metadata: { name: 'saplings-monitor' } });
    });

    test('THEN it selects app: saplings and scrapes port http at /metrics every 30s', () => {
      expect(monitor.spec).toStrictEqual({
        selector: { matchLabels: { app: 'saplings' } },
        endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }],
      });
    });

    test('THEN its selector matches the app Service\'s labels and its port is a named Service port', () => {
      expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
      const servicePortNames = (service.spec.ports as Manifest[]).map((p) => p.name);
      expect(servicePortNames).toContain(monitor.spec.endpoints[0].port);
    });
  });

  test('GIVEN an interval THEN the endpoint uses it', () => {
    const monitor = onlyOfKind(synthMonitor({ interval: '15s' }), 'ServiceMonitor');
    expect(monitor.spec.endpoints).toStrictEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
  });

  test('GIVEN an app with a custom name THEN the monitor is <name>-monitor selecting app: <name>', () => {
    const monitor = onlyOfKind(synthMonitor({}, { name: 'agents' }), 'ServiceMonitor');
    expect(monitor.metadata.name).toBe('agents-monitor');
    expect(monitor.spec.selector).toStrictEqual({ matchLabels: { app: 'agents' } });
  });
});
