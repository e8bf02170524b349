// The seller's list of approved bidders, for an auction created with `approvedBiddersOnly`:
// each change is an event of the auction's own stream, so the write side decides a bid from the
// stream alone (decide-approval.ts).
import * as t from 'io-ts';
import { UtcTimestamp } from './time.js';
import { AuctionId, UserId } from './ids.js';

export const BidderApproved = t.type({
  type: t.literal('BidderApproved'),
  data: t.type({ auctionId: AuctionId, bidderId: UserId, approvedAt: UtcTimestamp }),
}, 'BidderApproved');

export const BidderApprovalRevoked = t.type({
  type: t.literal('BidderApprovalRevoked'),
  data: t.type({ auctionId: AuctionId, bidderId: UserId, revokedAt: UtcTimestamp }),
}, 'BidderApprovalRevoked');
