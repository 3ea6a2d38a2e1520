/**
 * Prometheus durations (`5m`, `1h30m`, `0s`): the syntax of a rule's `for:`
 * and of a range selector's `[15m]`. Units from largest to smallest, each at
 * most once; the PrometheusRule CRD's own pattern for `for:`.
 */
const PROMETHEUS_DURATION = /^(0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?)$/;

const UNIT_MILLISECONDS: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/** What a Prometheus duration looks like, for messages. */
export const PROMETHEUS_DURATION_HELP = 'a Prometheus duration such as 30s, 5m, 1h or 1h30m (units y, w, d, h, m, s, ms, largest first)';

/** Whether `value` is a Prometheus duration. */
export function isPrometheusDuration(value: string): boolean {
  return value !== '' && PROMETHEUS_DURATION.test(value);
}

/** The length of a Prometheus duration in milliseconds, or undefined when `value` is not one. */
export function prometheusDurationMs(value: string): number | undefined {
  if (!isPrometheusDuration(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(amount) * UNIT_MILLISECONDS[unit];
  return total;
}
