import { App, Chart } from 'cdk8s';
import { SaplingsAlerts, SaplingsAlertsProps, SaplingsApp, SaplingsValidationError } from '../../src';

function alerts(props: Omit<SaplingsAlertsProps, 'app'>, namespace: string | null = 'team'): () => SaplingsAlerts {
  const chart = new Chart(new App(), 'test', { namespace: namespace ?? undefined });
  const app = new SaplingsApp(chart, 'App', { image: 'saplings:1.0.0' });
  return () => new SaplingsAlerts(chart, 'Alerts', { app, ...props });
}

describe('SaplingsAlerts errors', () => {
  test.each<[string, Omit<SaplingsAlertsProps, 'app'>, string]>([
    ['a for: in words', { latency: { for: '10 minutes' } }, `'latency.for' is "10 minutes"; use a Prometheus duration such as 30s, 5m, 1h or 1h30m (units y, w, d, h, m, s, ms, largest first)`],
    ['a bad restart window', { restarts: { window: '1.5h' } }, `'restarts.window' is "1.5h"; use a Prometheus duration such as 30s, 5m, 1h or 1h30m (units y, w, d, h, m, s, ms, largest first), longer than zero`],
    ['an empty restart window', { restarts: { window: '0s' } }, `'restarts.window' is "0s"; use a Prometheus duration such as 30s, 5m, 1h or 1h30m (units y, w, d, h, m, s, ms, largest first), longer than zero`],
    ['a percentage above 100', { volumeFull: { percent: 120 } }, "'volumeFull.percent' is 120; give a percentage above 0 and at most 100"],
    ['a zero latency bound', { latency: { p95Seconds: 0 } }, "'latency.p95Seconds' is 0; give a positive number of seconds"],
    ['a fractional restart count', { restarts: { count: 1.5 } }, "'restarts.count' is 1.5; give a whole number of restarts, 0 or more"],
    ['a runbook URL with a fragment', { runbookBaseUrl: 'https://x.example.com/#a' }, `'runbookBaseUrl' is "https://x.example.com/#a"; give an http(s) URL without a '#' fragment (each alert adds its own anchor)`],
  ])('GIVEN %s THEN the constructor throws naming the prop', (_what, props, message) => {
    expect(alerts(props)).toThrow(SaplingsValidationError);
    expect(alerts(props)).toThrow(new Error(`[test/Alerts] ${message}`));
  });

  test('GIVEN a chart without a namespace and no namespace prop THEN it asks for one', () => {
    expect(alerts({}, null)).toThrow(SaplingsValidationError);
    expect(alerts({}, null)).toThrow(
      new Error(
        "[test/Alerts] the app's chart has no namespace, and every query is scoped to one; pass 'namespace' (the namespace the app is applied to) or give the chart a namespace",
      ),
    );
  });
});
