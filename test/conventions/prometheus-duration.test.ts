import { isPrometheusDuration, prometheusDurationMs } from '../../src/conventions/prometheus-duration';

describe('Prometheus durations', () => {
  test.each([
    ['0', 0],
    ['0s', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['1y', 31_536_000_000],
    ['1s500ms', 1_500],
  ])('%s is %d ms', (value, ms) => {
    expect(isPrometheusDuration(value)).toBe(true);
    expect(prometheusDurationMs(value)).toBe(ms);
  });

  test.each(['', '5', '5 m', '1.5h', '30m1h', '5M', '1h1h', '-5m', '10 minutes', 'PT5M'])('%j is refused', (value) => {
    expect(isPrometheusDuration(value)).toBe(false);
    expect(prometheusDurationMs(value)).toBeUndefined();
  });
});
