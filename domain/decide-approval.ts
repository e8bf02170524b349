// Approved bidders: an auction created with `approvedBiddersOnly` takes bids and buy-nows only
// from bidders its seller approved. Approving and revoking are the seller's commands, events of
// the auction's own stream, so the refusal is decided from the stream alone. Both are idempotent
// (approving an approved bidder, or revoking one that is not, changes nothing). A revoked bidder's
// bids stand; only its next bid or buy-now is refused.
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.js';
import type { EventOf } from './events.js';
import type { Auction, AuctionState } from './state.js';
import type { Rejection } from './rejection.js';
import { reject } from './rejection.js';
import { auctionNotFound } from './open-to.js';
import { toMillis } from './time.js';

/** Who may change the list, and when: the seller, on an auction that requires approval and has not ended. */
const refuseChange = (a: Auction, sellerId: string, bidderId: string, nowMs: number): Rejection | null => {
  if (sellerId !== a.sellerId) return reject('NOT_AUCTION_SELLER', 'only the seller may approve bidders for this auction');
  if (!a.approvedBiddersOnly) return reject('APPROVAL_NOT_REQUIRED', 'this auction takes bids from every bidder; it was not created with approvedBiddersOnly');
  if (a.phase.kind !== 'live' || nowMs >= toMillis(a.endsAt)) return reject('AUCTION_NOT_OPEN', 'the auction has ended');
  if (bidderId === a.sellerId) return reject('SELLER_CANNOT_BID', 'the seller cannot bid on its own auction');
  return null;
};

export const decideApprove = (c: CommandOf<'ApproveBidder'>, state: AuctionState): E.Either<Rejection, EventOf<'BidderApproved'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  const refusal = refuseChange(state, c.sellerId, c.bidderId, toMillis(c.now));
  if (refusal !== null) return E.left(refusal);
  if (state.approvedBidders.has(c.bidderId)) return E.right([]);
  return E.right([{ type: 'BidderApproved', data: { auctionId: state.auctionId, bidderId: c.bidderId, approvedAt: c.now } }]);
};

export const decideRevoke = (c: CommandOf<'RevokeBidderApproval'>, state: AuctionState): E.Either<Rejection, EventOf<'BidderApprovalRevoked'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  const refusal = refuseChange(state, c.sellerId, c.bidderId, toMillis(c.now));
  if (refusal !== null) return E.left(refusal);
  if (!state.approvedBidders.has(c.bidderId)) return E.right([]);
  return E.right([{ type: 'BidderApprovalRevoked', data: { auctionId: state.auctionId, bidderId: c.bidderId, revokedAt: c.now } }]);
};
