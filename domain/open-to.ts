// Refusals shared by the commands a bidder or buyer sends: the auction must exist, be live, have
// started and not ended, and the sender must not be its seller.
import * as E from 'fp-ts/lib/Either.js';
import type { Rejection } from './rejection.js';
import { reject } from './rejection.js';
import type { Auction } from './state.js';
import { toMillis } from './time.js';
import { refuseUnlessApproved } from './approval.js';

export const auctionNotFound = (auctionId: string): E.Either<Rejection, never> => E.left(reject('AUCTION_NOT_FOUND', `auction ${auctionId} does not exist`));

/** Why `userId` may not bid on or buy `a` at `nowMs`, or null when it may. */
export const refuseUnlessOpenTo = (a: Auction, userId: string, nowMs: number): Rejection | null => {
  if (a.phase.kind !== 'live') return reject('AUCTION_NOT_OPEN', `auction is ${a.phase.kind === 'cancelled' ? 'cancelled' : 'closed'}`);
  if (userId === a.sellerId) return reject('SELLER_CANNOT_BID', 'the seller cannot bid on or buy its own auction');
  if (nowMs < toMillis(a.startsAt)) return reject('AUCTION_NOT_OPEN', `auction opens at ${a.startsAt}`);
  if (nowMs >= toMillis(a.endsAt)) return reject('AUCTION_NOT_OPEN', `auction ended at ${a.endsAt}`);
  return refuseUnlessApproved(a, userId);
};
