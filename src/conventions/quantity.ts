/*
 * Kubernetes resource quantities, per k8s.io/apimachinery/pkg/api/resource:
 *   <signed number><suffix>, suffix one of Ki Mi Gi Ti Pi Ei | n u m "" k M G T P E | e<int> E<int>
 * Shared by the config schema and the manifest validator.
 */

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** What a quantity looks like, for messages. */
export const QUANTITY_HELP =
  'a quantity is a number with an optional suffix: binary Ki, Mi, Gi, Ti, Pi, Ei, decimal m, k, M, G, T, P, E, or an exponent (e.g. 512Mi, 2Gi, 500m, 1.5, 1e3)';

/** Whether `value` is a syntactically valid Kubernetes quantity. */
export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** The value of a quantity written as a string or a number (`2Gi` → 2147483648), or `undefined` if it is not one. */
export function parseQuantity(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const [, number, suffix = ''] = match;
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : MULTIPLIERS[suffix];
  return Number(number) * multiplier;
}

/** A hint for common mistakes: `2GB` → `2G or 2Gi`. */
export function quantityHint(value: string): string {
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*([KMGTPE])i?B$/i.exec(value);
  if (!m) return '';
  const prefix = m[2].toUpperCase() === 'K' ? 'k' : m[2].toUpperCase();
  const binary = `${m[2].toUpperCase()}i`;
  return ` (did you mean ${m[1]}${binary} or ${m[1]}${prefix}?)`;
}

/** A quantity as an exact fraction, so `9m` and `0.009` compare equal. */
interface ExactQuantity {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const DECIMAL_EXPONENTS: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENTS: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

function exact(value: string | number): ExactQuantity | undefined {
  const match = QUANTITY.exec(String(value));
  if (!match) return undefined;
  const [, number, suffix = ''] = match;
  const [whole, fraction = ''] = number.replace(/^[+]/, '').split('.');
  let numerator = BigInt(`${whole === '' || whole === '-' ? `${whole}0` : whole}${fraction}`);
  let denominator = 10n ** BigInt(fraction.length);
  const power = BINARY_EXPONENTS[suffix];
  if (power !== undefined) {
    numerator *= 2n ** BigInt(power);
  } else {
    const exponent = /^[eE]/.test(suffix) ? Number(suffix.slice(1)) : DECIMAL_EXPONENTS[suffix];
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  return { numerator, denominator };
}

/**
 * Compares two quantities exactly: negative when `a < b`, 0 when equal,
 * positive when `a > b`, `undefined` when either is not a quantity. Floats
 * would call `9m` larger than `0.009`, refusing a request equal to its limit.
 */
export function compareQuantities(a: string | number, b: string | number): number | undefined {
  const x = exact(a);
  const y = exact(b);
  if (!x || !y) return undefined;
  const difference = x.numerator * y.denominator - y.numerator * x.denominator;
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}
