// A sealed bid's `bid_history` row (migration 007): outcome 'sealed', `max_amount` and `price_after`
// its amount, no leader. The row is private while the auction is open: the read API shows it to its
// own bidder only, and to the public and the auditors once the auction has closed (the reveal).
import type { EventOf, RecordedEvent } from '../../domain/index.js';
import type { Pseudonymiser } from '../../infra/index.js';
import type { BidRow } from './auction-rows.js';
import { trailOf } from './bid-trail.js';

export const SEALED_OUTCOME = 'sealed';

export const sealedBidRow = (
  auctionId: string,
  d: EventOf<'SealedBidPlaced'>['data'],
  endsAt: string,
  recorded: RecordedEvent,
  pseudonym: Pseudonymiser,
): BidRow => ({
  auctionId,
  streamVersion: recorded.streamVersion,
  bidId: d.bidId,
  bidderId: d.bidderId,
  bidderPseudonym: pseudonym(auctionId, d.bidderId),
  maxAmount: d.amount,
  outcome: SEALED_OUTCOME,
  priceAfter: d.amount,
  leaderPseudonym: null,
  placedAt: d.placedAt,
  endsAtAfter: endsAt,
  extended: false,
  ...trailOf(recorded),
  retractedBidIds: null,
});
