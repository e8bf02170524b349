// Money: integer counts of minor units with an ISO 4217 currency. No floating point anywhere.
import * as t from 'io-ts';

/** ISO 4217 currencies accepted, with their minor-unit exponent (digits after the decimal point). */
export const currencyExponents = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, NZD: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2,
  SGD: 2, HKD: 2, INR: 2, BRL: 2, MXN: 2, ZAR: 2, CNY: 2,
  JPY: 0, KRW: 0, ISK: 0,
  BHD: 3, KWD: 3, JOD: 3, OMR: 3,
} as const;

export const Currency = t.keyof(currencyExponents, 'Currency');
export type Currency = t.TypeOf<typeof Currency>;

/** The largest amount accepted: 10^13 minor units (100 billion of a two-decimal currency). */
export const MAX_AMOUNT = 10_000_000_000_000;

/** A refused value in a message: a number as it is, anything else by its kind only (it may be huge or nested thousands deep). */
const kindOf = (u: unknown): string =>
  typeof u === 'number' ? String(u)
  : u === null ? 'null'
  : Array.isArray(u) ? 'an array'
  : typeof u === 'object' ? 'an object'
  : typeof u === 'undefined' ? 'nothing'
  : `a ${typeof u}`;

interface MinorUnitsBrand { readonly MinorUnits: unique symbol }
export type MinorUnits = t.Branded<number, MinorUnitsBrand>;
const isMinorUnits = (u: unknown): u is MinorUnits => typeof u === 'number' && Number.isSafeInteger(u) && u > 0 && u <= MAX_AMOUNT;
/** A positive whole number of minor units (cents for USD), at most MAX_AMOUNT. */
export const MinorUnits = new t.Type<MinorUnits, number, unknown>(
  'MinorUnits',
  isMinorUnits,
  (u, c) => (isMinorUnits(u) ? t.success(u) : t.failure(u, c, `expected a positive whole number of minor units (cents), at most ${MAX_AMOUNT}, got ${kindOf(u)}`)),
  (a) => a,
);

/** Trusted arithmetic results are re-branded here; callers keep them positive and bounded. */
export const minorUnits = (n: number): MinorUnits => {
  if (!MinorUnits.is(n)) throw new RangeError(`not a valid amount of minor units: ${n}`);
  return n;
};

/**
 * The increment table of DESIGN.md section 7, in hundredths of the currency's major unit:
 * [upper bound (exclusive) of the price tier, increment].
 */
const incrementTiers: readonly (readonly [number, number])[] = [
  [100, 5], // below 1.00: 0.05
  [500, 25], // 1.00-4.99: 0.25
  [2_500, 50], // 5.00-24.99: 0.50
  [10_000, 100], // 25.00-99.99: 1.00
  [25_000, 250], // 100.00-249.99: 2.50
  [50_000, 500], // 250.00-499.99: 5.00
  [100_000, 1_000], // 500.00-999.99: 10.00
  [250_000, 2_500], // 1,000.00-2,499.99: 25.00
  [500_000, 5_000], // 2,500.00-4,999.99: 50.00
  [Number.POSITIVE_INFINITY, 10_000], // 5,000.00 and up: 100.00
];

/**
 * The bid increment at `price`, in the currency's minor units. The table is in major units, so it
 * scales with the exponent; for currencies without cents an increment rounds up to a whole unit.
 */
export const increment = (price: MinorUnits, currency: Currency): MinorUnits => {
  const exponent = currencyExponents[currency];
  const hundredths = exponent >= 2 ? Math.floor(price / 10 ** (exponent - 2)) : price * 10 ** (2 - exponent);
  const tier = incrementTiers.find(([upper]) => hundredths < upper) ?? incrementTiers[incrementTiers.length - 1]!;
  const step = tier[1];
  return minorUnits(exponent >= 2 ? step * 10 ** (exponent - 2) : Math.max(1, Math.ceil(step / 10 ** (2 - exponent))));
};

/** `price + increment(price)`, capped at MAX_AMOUNT so the sum stays a valid amount. */
export const nextStep = (price: MinorUnits, currency: Currency): MinorUnits =>
  minorUnits(Math.min(MAX_AMOUNT, price + increment(price, currency)));
