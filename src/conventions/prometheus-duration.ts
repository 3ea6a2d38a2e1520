/**
 * Prometheus durations (`5m`, `1h30m`, `0s`): the syntax of a rule's `for:`
 * and of a range selector's `[15m]`. Units from largest to smallest, each at
 * most once; the PrometheusRule CRD's own pattern for `for:`.
 */
const PROMETHEUS_DURATION = /^(0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?)$/;

/** What a Prometheus duration looks like, for messages. */
export const PROMETHEUS_DURATION_HELP = 'a Prometheus duration such as 30s, 5m, 1h or 1h30m (units y, w, d, h, m, s, ms, largest first)';

/** Whether a Prometheus duration is longer than zero, as a range selector's window must be. */
export function isPositivePrometheusDuration(value: string): boolean {
  return isPrometheusDuration(value) && /[1-9]/.test(value);
}

/** Whether `value` is a Prometheus duration. */
export function isPrometheusDuration(value: string): boolean {
  return value !== '' && PROMETHEUS_DURATION.test(value);
}

