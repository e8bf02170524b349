// The Dutch auction's rules (docs/auction-rules.md, "Dutch auctions"): what a Dutch listing must
// say, accepting the clock's price (the BuyNow command), and the commands a Dutch auction refuses
// (a bid, a retraction: WRONG_FORMAT). Pure.
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.js';
import type { EventOf } from './events.js';
import type { Auction } from './state.js';
import type { FieldProblem, Rejection } from './rejection.js';
import { reject } from './rejection.js';
import { clockPrice, dutchEndsAtMs } from './dutch-clock.js';
import { refuseUnlessOpenTo } from './open-to.js';
import { toMillis } from './time.js';

/** Why a Dutch listing may not name its end (the HTTP body says the same). */
export const DUTCH_ENDS_AT_REFUSED = 'a dutch auction ends when its clock has held the floor for one step: leave endsAt out';

/** The longest step of a Dutch clock: one day. */
export const MAX_DUTCH_STEP_SECONDS = 86_400;

const DAY_MS = 86_400_000;

/**
 * What is wrong with a Dutch listing (empty when nothing): its clock, the fields a Dutch auction
 * does not take (its end is decided by the clock, and it has no reserve, buy-now price or soft
 * close), and a clock that would run longer than `maxDays`.
 */
export const dutchListingProblems = (c: CommandOf<'CreateAuction'>, startsAtMs: number, nowMs: number, maxDays: number): FieldProblem[] => {
  const found: FieldProblem[] = [];
  const problem = (path: string, message: string) => found.push({ path, message });
  if (c.endsAt !== null) problem('endsAt', DUTCH_ENDS_AT_REFUSED);
  if (c.reservePrice !== null) problem('reservePrice', 'a dutch auction has no reserve: its floor price is the least it sells for');
  if (c.buyNowPrice !== null) problem('buyNowPrice', "a dutch auction is bought at its clock's price: it has no buy-now price");
  if (c.softClose !== null) problem('softClose', 'a dutch auction has no soft close: the first taker ends it');
  if (c.clock === null) return found;
  const { decrementAmount, decrementEverySeconds, floorPrice } = c.clock;
  const before = found.length;
  if (decrementAmount < 1) problem('clock.decrementAmount', 'must be at least 1');
  if (decrementEverySeconds < 1 || decrementEverySeconds > MAX_DUTCH_STEP_SECONDS) problem('clock.decrementEverySeconds', `must be from 1 to ${MAX_DUTCH_STEP_SECONDS}`);
  if (floorPrice < 1) problem('clock.floorPrice', 'must be at least 1');
  else if (floorPrice >= c.startingPrice) problem('clock.floorPrice', 'must be below the starting price');
  if (found.length > before) return found;
  const endsAtMs = dutchEndsAtMs(startsAtMs, c.startingPrice, c.clock);
  if (endsAtMs - startsAtMs > maxDays * DAY_MS) {
    problem('clock', `the clock runs from the starting price to the floor and one step at it in more than ${maxDays} days, the longest an auction lasts`);
  } else if (endsAtMs <= nowMs) problem('clock', 'the clock would have run out before now');
  return found;
};

/**
 * Accepting the clock's price (POST /v1/auctions/:id/buy-now): the first bidder who accepts buys
 * at the price the clock shows at the command's server time. The same buyer accepting again
 * changes nothing; anyone else after the sale is refused AUCTION_NOT_OPEN.
 */
export const decideDutchBuyNow = (c: CommandOf<'BuyNow'>, state: Auction): E.Either<Rejection, EventOf<'AuctionBoughtNow'>[]> => {
  const { phase } = state;
  if (phase.kind === 'sold' && phase.winnerId === c.buyerId) return E.right([]);
  if (phase.kind === 'sold') return E.left(reject('AUCTION_NOT_OPEN', 'auction is sold: another bidder accepted the price first'));
  const nowMs = toMillis(c.now);
  const refusal = refuseUnlessOpenTo(state, c.buyerId, nowMs);
  if (refusal !== null) return E.left(refusal);
  if (state.clock === null) return E.left(reject('BUY_NOW_UNAVAILABLE', 'this dutch auction has no clock'));
  const price = clockPrice({ startingPrice: state.startingPrice, startsAt: state.startsAt, clock: state.clock }, nowMs);
  return E.right([{ type: 'AuctionBoughtNow', data: { auctionId: state.auctionId, buyerId: c.buyerId, price, boughtAt: c.now } }]);
};

/** A bid on a Dutch auction: refused, pointing at buy-now. */
export const refuseDutchBid = (): E.Either<Rejection, never> =>
  E.left(reject('WRONG_FORMAT', "a dutch auction takes no bids: accept the clock's current price with buy-now (POST /v1/auctions/:id/buy-now)"));

/** A retraction on a Dutch auction: refused (it has no bids to take back). */
export const refuseDutchRetraction = (): E.Either<Rejection, never> =>
  E.left(reject('WRONG_FORMAT', 'a dutch auction takes no bids, so there is no bid to retract'));
