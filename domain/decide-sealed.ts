// Sealed-bid auctions' decisions (docs/auction-rules.md, "Sealed bids"): PlaceBid places or raises
// the bidder's one sealed bid (never lowers it; no proxy bidding, no soft close), CloseAuction
// reveals the bids and decides the winner and price (`sealedOutcome`), a listing takes neither
// buy-now nor soft close, and a sealed bid cannot be retracted.
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.js';
import type { EventOf } from './events.js';
import type { Auction } from './state.js';
import type { FieldProblem, Rejection } from './rejection.js';
import { reject } from './rejection.js';
import { refuseUnlessOpenTo } from './open-to.js';
import { bidsInOrder, bidsOf } from './placed-bids.js';
import type { RevealedBid } from './sealed-events.js';
import { isSealedFormat, sealedOutcome } from './sealed-outcome.js';
import { toMillis } from './time.js';

/** A sealed auction (the state the decisions below apply to). */
export const isSealedAuction = (a: Auction): boolean => isSealedFormat(a.format);

/** What a sealed listing may not have: a buy-now price, a soft close. */
export const sealedListingProblems = (c: CommandOf<'CreateAuction'>): FieldProblem[] =>
  !isSealedFormat(c.format)
    ? []
    : [
      ...(c.buyNowPrice !== null ? [{ path: 'buyNowPrice', message: `a ${c.format} auction offers no buy-now` }] : []),
      ...(c.softClose !== null ? [{ path: 'softClose', message: `a ${c.format} auction has no soft close` }] : []),
    ];

/** The bidder's sealed bid so far (its highest), or null. */
export const ownSealedBid = (a: Auction, bidderId: string): number | null => bidsOf(a.bids, bidderId)[0]?.maxAmount ?? null;

export const decideSealedBid = (c: CommandOf<'PlaceBid'>, a: Auction): E.Either<Rejection, EventOf<'SealedBidPlaced'>[]> => {
  const refusal = refuseUnlessOpenTo(a, c.bidderId, toMillis(c.now));
  if (refusal !== null) return E.left(refusal);
  const own = ownSealedBid(a, c.bidderId);
  if (own !== null && c.maxAmount <= own) {
    return E.left(reject('BID_TOO_LOW', `your sealed bid is already ${own}; a raise must exceed it`, { minimumAmount: own + 1 }));
  }
  if (c.maxAmount < a.startingPrice) {
    return E.left(reject('BID_TOO_LOW', `the least acceptable sealed bid is the starting price, ${a.startingPrice}`, { minimumAmount: a.startingPrice }));
  }
  return E.right([{
    type: 'SealedBidPlaced',
    data: { auctionId: a.auctionId, bidId: c.bidId, bidderId: c.bidderId, amount: c.maxAmount, placedAt: c.now, bidCount: a.bidCount + 1 },
  }]);
};

/** The sealed bids accepted so far, in acceptance order. */
export const sealedBidsOf = (a: Auction): RevealedBid[] =>
  bidsInOrder(a.bids).map((b) => ({ bidderId: b.bidderId, bidId: b.bidId, amount: b.maxAmount, placedAt: b.placedAt }));

/** Closes a live sealed auction that has ended (the caller checked both): the reveal. */
export const decideSealedClose = (c: CommandOf<'CloseAuction'>, a: Auction): EventOf<'AuctionClosed'>[] => {
  if (!isSealedFormat(a.format)) throw new Error(`auction ${a.auctionId} is not sealed`);
  const outcome = sealedOutcome(a.format, a.startingPrice, a.reservePrice, sealedBidsOf(a));
  return [{
    type: 'AuctionClosed',
    data: {
      auctionId: a.auctionId,
      closedAt: c.now,
      result: outcome.result,
      winnerId: outcome.winnerId,
      finalPrice: outcome.finalPrice,
      bidCount: a.bidCount,
      reserveMet: outcome.reserveMet,
      ranking: [...outcome.ranking],
    },
  }];
};

/** A sealed bid stands until the close. */
export const refuseSealedRetraction = (): E.Either<Rejection, never> =>
  E.left(reject('RETRACTION_NOT_ALLOWED', 'a sealed bid cannot be retracted'));
