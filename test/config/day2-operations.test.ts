import { parseConfigText } from '../../src/config/load';
import { configProblems as problems } from '../helpers/config-problems';

const minimal = 'environment: production\nimage: saplings:1.0.0\n';

describe('day-2 operations config', () => {
  test('defaults: alerts on with the documented thresholds, no dashboard, no Reloader, a 300 s wait for backends', () => {
    const [stack] = parseConfigText(minimal, 'c.yaml');
    expect(stack.app.waitForBackends).toBe(300);
    expect(stack.secrets.reloader).toBe(false);
    expect(stack.monitoring).toStrictEqual({
      enabled: true,
      serviceMonitor: true,
      dashboard: false,
      alerts: {
        enabled: true,
        errorRate: { percent: 5, for: '5m' },
        latency: { p95Seconds: 2, for: '10m' },
        restarts: { count: 3, window: '15m', for: '0s' },
        autoscalerAtMax: { for: '15m' },
        volumeFull: { percent: 85, for: '5m' },
        noReadyPods: { for: '5m' },
      },
    });
  });

  test('a for: that is not a Prometheus duration is refused where it is written', () => {
    expect(problems(`${minimal}monitoring:\n  alerts:\n    latency: { for: 10 minutes }\n`)).toStrictEqual([
      'saplings.yaml:5:21: monitoring.alerts.latency.for: must be a Prometheus duration such as 30s, 5m, 1h or 1h30m (units y, w, d, h, m, s, ms, largest first), got "10 minutes"',
    ]);
  });

  test('an empty restart window is refused', () => {
    expect(problems(`${minimal}monitoring:\n  alerts:\n    restarts: { window: 0s }\n`)).toStrictEqual([
      'saplings.yaml:5:25: monitoring.alerts.restarts.window: must be a Prometheus duration such as 30s, 5m, 1h or 1h30m (units y, w, d, h, m, s, ms, largest first), longer than zero, got "0s"',
    ]);
  });

  test('a runbook URL with a fragment is refused', () => {
    expect(problems(`${minimal}monitoring:\n  alerts:\n    runbookBaseUrl: https://wiki.example.com/x#runbook\n`)).toStrictEqual([
      "saplings.yaml:5:21: monitoring.alerts.runbookBaseUrl: must have no '#' fragment: each alert adds its own anchor, got \"https://wiki.example.com/x#runbook\"",
    ]);
  });

  test('a dashboard without monitoring is refused', () => {
    expect(problems(`${minimal}monitoring:\n  enabled: false\n  dashboard: true\n`)).toStrictEqual([
      'saplings.yaml:5:14: monitoring.dashboard: needs monitoring.enabled: true; with monitoring off the app exports no metrics to show, got true',
    ]);
  });

  test('Reloader with an inline Secret is refused', () => {
    const config = `environment: development\nimage: saplings:1.0.0\nsecrets:\n  source: inline\n  keys: [A]\n  values: { A: x }\n  reloader: true\n`;
    expect(problems(config)).toStrictEqual([
      'saplings.yaml:7:13: secrets.reloader: applies only to source: existing or external; an inline Secret is written by the stack, and its checksum already rolls the pods, got a boolean (not shown)',
    ]);
  });

  test('app.waitForBackends is whole seconds up to an hour', () => {
    expect(problems(`${minimal}app:\n  waitForBackends: 7200\n`)).toStrictEqual([
      'saplings.yaml:4:20: app.waitForBackends: expected number to be <=3600, got 7200',
    ]);
  });
});
