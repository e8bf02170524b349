// RetractBid: eBay's bid retraction. While more than 12 hours remain before the end, a bidder may
// retract, and retracting takes back all of its bids; inside the last 12 hours only its most
// recent bid, and only within 1 hour of placing it (its earlier bids stand). The contest is then
// decided again from the maximums that remain, with the very rules a bid is priced by
// (`standingOf`, `visiblePrice`, `reserveMet`, `buyNowOffered`), and the event records the outcome:
// - the reserve can go back to not met, and buy-now is offered again exactly when it would be with
//   the remaining bids (none left, or with a reserve, the reserve no longer met);
// - the end never moves (a retraction is no bid: soft close extends on bids only);
// - an auction that has ended (by time, close, buy-now or cancel) takes no retraction.
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.js';
import type { EventOf } from './events.js';
import type { Auction, AuctionState } from './state.js';
import type { Rejection } from './rejection.js';
import { reject } from './rejection.js';
import { auctionNotFound } from './open-to.js';
import { buyNowOffered, reserveMet, visiblePrice } from './pricing.js';
import type { PlacedBid } from './placed-bids.js';
import { bidsInOrder, bidsOf, highestMax, standingOf, withoutBids } from './placed-bids.js';
import { toMillis } from './time.js';

/** While more than this remains before the end, a retraction takes back all of the bidder's bids. */
export const RETRACT_ALL_BEFORE_END_MS = 12 * 3_600_000;
/** Inside the last 12 hours, the most recent bid may be retracted only this long after it was placed. */
export const RETRACT_LATEST_WITHIN_MS = 3_600_000;

/** The bids the rules let this command take back, or why none. `mine` is the bidder's standing bids, newest first. */
const retractable = (a: Auction, c: CommandOf<'RetractBid'>, mine: readonly PlacedBid[], nowMs: number): E.Either<Rejection, readonly PlacedBid[]> => {
  if (mine.length === 0) {
    return E.left(reject('NO_BIDS_TO_RETRACT', c.bidderId === a.sellerId ? 'the seller has no bids on its own auction' : 'you have no standing bid on this auction'));
  }
  if (c.bidId !== null && !mine.some((b) => b.bidId === c.bidId)) return E.left(reject('BID_NOT_FOUND', `you have no standing bid ${c.bidId} on this auction`));
  if (toMillis(a.endsAt) - nowMs > RETRACT_ALL_BEFORE_END_MS) return E.right([...mine].reverse());
  const latest = mine[0]!;
  if (c.bidId !== null && c.bidId !== latest.bidId) {
    return E.left(reject('RETRACTION_NOT_ALLOWED', `inside the last 12 hours before the end only your most recent bid (${latest.bidId}) may be retracted`));
  }
  if (nowMs - toMillis(latest.placedAt) >= RETRACT_LATEST_WITHIN_MS) {
    return E.left(reject(
      'RETRACTION_NOT_ALLOWED',
      `inside the last 12 hours before the end a bid may be retracted only within 1 hour of placing it; your most recent bid was placed at ${latest.placedAt}`,
    ));
  }
  return E.right([latest]);
};

export const decideRetract = (c: CommandOf<'RetractBid'>, state: AuctionState): E.Either<Rejection, EventOf<'BidRetracted'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  const nowMs = toMillis(c.now);
  if (state.phase.kind !== 'live') return E.left(reject('AUCTION_NOT_OPEN', `auction is ${state.phase.kind === 'cancelled' ? 'cancelled' : 'closed'}: its bids can no longer be retracted`));
  if (nowMs >= toMillis(state.endsAt)) return E.left(reject('AUCTION_NOT_OPEN', `auction ended at ${state.endsAt}: its bids can no longer be retracted`));

  return E.map((taken: readonly PlacedBid[]): EventOf<'BidRetracted'>[] => {
    const remaining = withoutBids(state.bids, new Set(taken.map((b) => b.bidId)));
    const { leader, runnerUpMax } = standingOf(remaining);
    const bidCount = bidsInOrder(remaining).length;
    const met = reserveMet(state.reservePrice, leader?.maxAmount ?? null);
    const currentPrice = leader === null
      ? state.startingPrice
      : visiblePrice({ currency: state.currency, startingPrice: state.startingPrice, reservePrice: state.reservePrice, leaderMax: leader.maxAmount, runnerUpMax });
    const buyNowAvailable = buyNowOffered(state.buyNowPrice, state.reservePrice, bidCount, met);
    return [
      {
        type: 'BidRetracted',
        data: {
          auctionId: state.auctionId,
          bidderId: c.bidderId,
          retractedBidIds: taken.map((b) => b.bidId),
          retractedMax: highestMax(taken)!,
          reason: c.reason,
          retractedAt: c.now,
          bidderMaxAfter: highestMax(bidsOf(remaining, c.bidderId)),
          leaderId: leader?.bidderId ?? null,
          leaderMax: leader?.maxAmount ?? null,
          runnerUpMax,
          currentPrice,
          bidCount,
          reserveMet: met,
          buyNowAvailable,
          buyNowPrice: buyNowAvailable ? state.buyNowPrice : null,
        },
      },
    ];
  })(retractable(state, c, bidsOf(state.bids, c.bidderId), nowMs));
};
