// Sealed-bid auctions' facts (docs/auction-rules.md, "Sealed bids"): SealedBidPlaced, one bidder's
// sealed bid (a raise is another, higher one), and the ranking AuctionClosed reveals at the close.
// The amount of a sealed bid is private until the close: it stays in the log, the auditors' views
// after the close and the bidder's own views; nothing public shows it while the auction is open.
import * as t from 'io-ts';
import { MinorUnits } from './money.js';
import { UtcTimestamp } from './time.js';
import { AuctionId, BidId, Count, UserId } from './ids.js';

export const SealedBidPlaced = t.type({
  type: t.literal('SealedBidPlaced'),
  data: t.type({
    auctionId: AuctionId,
    bidId: BidId,
    bidderId: UserId,
    /** Private until the close: the bidder's sealed bid (a raise: its new, higher bid). */
    amount: MinorUnits,
    placedAt: UtcTimestamp,
    /** The accepted sealed bids (raises included) after this one: the only public fact it moves. */
    bidCount: Count,
  }),
}, 'SealedBidPlaced');

/** One bidder's sealed bid as the close reveals it: its highest, with the bid that reached it. */
export const RevealedBid = t.type({
  bidderId: UserId,
  bidId: BidId,
  amount: MinorUnits,
  placedAt: UtcTimestamp,
}, 'RevealedBid');
export type RevealedBid = t.TypeOf<typeof RevealedBid>;

/** The revealed bids, one per bidder, highest first (of equal bids, the one reached first first). */
export const SealedRanking = t.array(RevealedBid, 'SealedRanking');
export type SealedRanking = t.TypeOf<typeof SealedRanking>;
