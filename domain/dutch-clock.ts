// A Dutch auction's descending clock (docs/auction-rules.md, "Dutch auctions"): the price is a pure
// function of the auction and the time. It stands at the starting price until `startsAt`, then
// drops by `decrementAmount` at the end of every whole step of `decrementEverySeconds`, never
// below `floorPrice`; once at the floor it holds it for one step, and the auction then ends unsold
// (`dutchEndsAtMs`). Pure.
import type { DutchClock } from './events.js';
import type { MinorUnits } from './money.js';
import { minorUnits } from './money.js';

/** What the clock price depends on: an auction's state, its public state or a read-model row's facts. */
export interface ClockedAuction {
  readonly startingPrice: MinorUnits;
  readonly startsAt: string;
  readonly clock: DutchClock;
}

/** Whole decrements from the starting price to the floor (the last one may stop at the floor). */
export const stepsToFloor = (startingPrice: number, clock: DutchClock): number =>
  Math.max(0, Math.ceil((startingPrice - clock.floorPrice) / clock.decrementAmount));

/** The clock's price at `nowMs`: the starting price before and at `startsAt`, then one decrement per whole step elapsed, never below the floor. */
export const clockPrice = (a: ClockedAuction, nowMs: number): MinorUnits => {
  const elapsedMs = nowMs - Date.parse(a.startsAt);
  const { decrementAmount, decrementEverySeconds, floorPrice } = a.clock;
  if (!(elapsedMs > 0) || !(decrementEverySeconds >= 1)) return a.startingPrice;
  // Capped at the steps to the floor first, so no product ever leaves the safe integers.
  const steps = Math.min(Math.floor(elapsedMs / (decrementEverySeconds * 1000)), stepsToFloor(a.startingPrice, a.clock));
  return minorUnits(Math.max(floorPrice, a.startingPrice - steps * decrementAmount));
};

/** When the clock takes its next drop after `nowMs` (epoch ms), or null once it stands at the floor. */
export const nextDropAtMs = (a: ClockedAuction, nowMs: number): number | null => {
  const startsAtMs = Date.parse(a.startsAt);
  const stepMs = a.clock.decrementEverySeconds * 1000;
  if (!(stepMs > 0)) return null;
  const steps = nowMs < startsAtMs ? 0 : Math.floor((nowMs - startsAtMs) / stepMs) + 1;
  return steps > stepsToFloor(a.startingPrice, a.clock) ? null : startsAtMs + steps * stepMs;
};

/**
 * When a Dutch auction ends, decided by its clock: the clock reaches the floor after
 * `stepsToFloor` steps, holds it for one more step, and the auction then ends unsold.
 */
export const dutchEndsAtMs = (startsAtMs: number, startingPrice: number, clock: DutchClock): number =>
  startsAtMs + (stepsToFloor(startingPrice, clock) + 1) * clock.decrementEverySeconds * 1000;

/**
 * The price the public sees of a Dutch auction at `nowMs`, or null when the clock does not set it
 * (no clock; or sold: the sale's price stands): while live, the clock's price at `nowMs`; once it
 * ended unsold or cancelled, the clock's price when it ended (the floor, for one that ran out).
 */
export const shownClockPrice = (
  a: {
    readonly outcome: string; readonly clock: DutchClock | null; readonly startingPrice: MinorUnits; readonly startsAt: string;
    readonly endedAt: string | null;
  },
  nowMs: number,
): MinorUnits | null => {
  if (a.clock === null || a.outcome === 'sold') return null;
  const atMs = a.outcome === 'live' ? nowMs : a.endedAt === null ? null : Date.parse(a.endedAt);
  return atMs === null ? null : clockPrice({ startingPrice: a.startingPrice, startsAt: a.startsAt, clock: a.clock }, atMs);
};
