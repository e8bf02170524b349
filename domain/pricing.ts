// The proxy-bidding price rules of DESIGN.md section 7, as pure functions over amounts.
import type { Currency, MinorUnits } from './money.js';
import { nextStep } from './money.js';

export interface PriceInputs {
  readonly currency: Currency;
  readonly startingPrice: MinorUnits;
  readonly reservePrice: MinorUnits | null;
  readonly leaderMax: MinorUnits;
  /** The highest maximum of the other bidders; null with a single bidder. */
  readonly runnerUpMax: MinorUnits | null;
}

/**
 * The visible price: the lowest amount that keeps the leader ahead,
 * `min(leaderMax, runnerUpMax + increment(runnerUpMax))`, or the starting price with one bidder;
 * once the leader's maximum reaches a reserve, at least the reserve.
 */
export const visiblePrice = (p: PriceInputs): MinorUnits => {
  const proxy = p.runnerUpMax === null ? p.startingPrice : minOf(p.leaderMax, nextStep(p.runnerUpMax, p.currency));
  const atLeastStart = maxOf(proxy, p.startingPrice);
  return reserveMet(p.reservePrice, p.leaderMax) && p.reservePrice !== null ? maxOf(atLeastStart, p.reservePrice) : atLeastStart;
};

export const reserveMet = (reservePrice: MinorUnits | null, leaderMax: MinorUnits | null): boolean =>
  reservePrice === null || (leaderMax !== null && leaderMax >= reservePrice);

/** The least maximum a challenger may bid: the starting price first, then price plus one increment. */
export const minimumChallenge = (currency: Currency, startingPrice: MinorUnits, currentPrice: MinorUnits, hasBids: boolean): MinorUnits =>
  hasBids ? nextStep(currentPrice, currency) : startingPrice;

/** Buy-now is offered until the first bid or, with a reserve, until the reserve is met. */
export const buyNowOffered = (buyNowPrice: MinorUnits | null, reservePrice: MinorUnits | null, bidCount: number, met: boolean): boolean =>
  buyNowPrice !== null && (reservePrice === null ? bidCount === 0 : !met);

const minOf = (a: MinorUnits, b: MinorUnits): MinorUnits => (a < b ? a : b);
const maxOf = (a: MinorUnits, b: MinorUnits): MinorUnits => (a > b ? a : b);
