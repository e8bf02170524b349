// The commands of bid retraction (decide-retract.ts) and of approved bidders (decide-approval.ts).
// As every command: the caller's identity comes from authentication, `now` from the server's clock.
import * as t from 'io-ts';
import { UtcTimestamp } from './time.js';
import { AuctionId, BidId, UserId } from './ids.js';
import { RetractionReason } from './retraction-events.js';

/**
 * A bidder takes back its bids, naming the auction, a reason, and optionally one of its bids.
 * While more than 12 hours remain, all of its bids go (a named bid must be one of them); inside 12
 * hours only its most recent bid, within 1 hour of placing it.
 */
export const RetractBid = t.type({
  type: t.literal('RetractBid'),
  auctionId: AuctionId,
  bidderId: UserId,
  /** Null: the bidder's bids as the rules allow (all, or the most recent). */
  bidId: t.union([BidId, t.null]),
  reason: RetractionReason,
  now: UtcTimestamp,
}, 'RetractBid');

/** The seller approves a bidder for its auction. */
export const ApproveBidder = t.type({
  type: t.literal('ApproveBidder'),
  auctionId: AuctionId,
  sellerId: UserId,
  bidderId: UserId,
  now: UtcTimestamp,
}, 'ApproveBidder');

/** The seller revokes a bidder's approval; the bids it placed stand. */
export const RevokeBidderApproval = t.type({
  type: t.literal('RevokeBidderApproval'),
  auctionId: AuctionId,
  sellerId: UserId,
  bidderId: UserId,
  now: UtcTimestamp,
}, 'RevokeBidderApproval');
