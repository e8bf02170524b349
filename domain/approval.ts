// The approved-bidders rule itself (decide-approval.ts has the seller's commands that keep the list).
import type { Rejection } from './rejection.js';
import { reject } from './rejection.js';
import type { Auction } from './state.js';

/** Why `userId` may not bid on or buy `a` for want of the seller's approval, or null when it may. */
export const refuseUnlessApproved = (a: Auction, userId: string): Rejection | null =>
  a.approvedBiddersOnly && !a.approvedBidders.has(userId)
    ? reject('BIDDER_NOT_APPROVED', 'this auction takes bids only from bidders its seller approved; ask the seller to approve you')
    : null;
