// The events of second-chance offers (decide-second-chance.ts): the seller reports that the winner
// did not pay, offers the item to a runner-up at that bidder's own maximum, and the bidder accepts
// or declines. Each carries the facts as decided, so no projection re-runs a rule; the offer's
// price is a bidder's maximum, private until an accepted offer makes it the sale's price.
import * as t from 'io-ts';
import { MinorUnits } from './money.js';
import { UtcTimestamp } from './time.js';
import { AuctionId, UserId } from './ids.js';

/** The seller reports that the winner by bidding did not pay: the sale falls through (the auction shows unsold). */
export const WinnerNonPaymentReported = t.type({
  type: t.literal('WinnerNonPaymentReported'),
  data: t.type({
    auctionId: AuctionId,
    /** The winner who did not pay. */
    winnerId: UserId,
    /** The price of the sale that fell through. */
    price: MinorUnits,
    reportedBy: UserId,
    reportedAt: UtcTimestamp,
  }),
}, 'WinnerNonPaymentReported');

/** The seller offers the item to `bidderId` at that bidder's highest standing maximum, until `expiresAt` (exclusive). */
export const SecondChanceOffered = t.type({
  type: t.literal('SecondChanceOffered'),
  data: t.type({
    auctionId: AuctionId,
    bidderId: UserId,
    /** Private to the seller, the bidder and auditors: the bidder's highest standing maximum. */
    price: MinorUnits,
    offeredAt: UtcTimestamp,
    expiresAt: UtcTimestamp,
  }),
}, 'SecondChanceOffered');

/** The offered bidder accepted: the item is sold to it at the offer's price; every other open offer lapses. */
export const SecondChanceAccepted = t.type({
  type: t.literal('SecondChanceAccepted'),
  data: t.type({
    auctionId: AuctionId,
    bidderId: UserId,
    price: MinorUnits,
    acceptedAt: UtcTimestamp,
    /** The other bidders whose offers were open at that moment and lapse with this sale. */
    lapsedBidderIds: t.array(UserId),
  }),
}, 'SecondChanceAccepted');

/** The offered bidder declined its offer. */
export const SecondChanceDeclined = t.type({
  type: t.literal('SecondChanceDeclined'),
  data: t.type({
    auctionId: AuctionId,
    bidderId: UserId,
    declinedAt: UtcTimestamp,
  }),
}, 'SecondChanceDeclined');
