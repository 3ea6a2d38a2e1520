import { isPositivePrometheusDuration, isPrometheusDuration } from '../../src/conventions/prometheus-duration';

describe('Prometheus durations', () => {
  test.each(['0', '0s', '30s', '5m', '1h30m', '1d', '2w', '1y', '1s500ms', '1y2w3d4h5m6s7ms'])('%s is one', (value) => {
    expect(isPrometheusDuration(value)).toBe(true);
  });

  test.each(['', '5', '5 m', '1.5h', '30m1h', '5M', '1h1h', '-5m', '10 minutes', 'PT5M', 'ms'])('%j is refused', (value) => {
    expect(isPrometheusDuration(value)).toBe(false);
  });

  test('a window must be longer than zero', () => {
    expect(['0', '0s', '00m', '0h0m', '1s', '10m', '100ms'].map(isPositivePrometheusDuration)).toStrictEqual([false, false, false, false, true, true, true]);
  });
});
