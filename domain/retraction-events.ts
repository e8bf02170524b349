// BidRetracted: a bidder took back bids (eBay's rules, decide-retract.ts). Like BidPlaced it
// carries the contest as decided after it (the leader, the visible price, the bid count, the
// reserve and buy-now flags) so that no projection re-runs a rule; the maximums it names are private.
import * as t from 'io-ts';
import { MinorUnits } from './money.js';
import { UtcTimestamp } from './time.js';
import { AuctionId, BidId, Count, UserId } from './ids.js';

/** Why the bidder retracts: the reasons eBay accepts. */
export const RetractionReason = t.keyof(
  { 'entered-wrong-amount': null, 'description-changed': null, 'seller-unreachable': null },
  'RetractionReason',
);
export type RetractionReason = t.TypeOf<typeof RetractionReason>;

const NonEmptyBidIds = t.refinement(t.array(BidId), (ids) => ids.length > 0, 'NonEmptyBidIds');

export const BidRetracted = t.type({
  type: t.literal('BidRetracted'),
  data: t.type({
    auctionId: AuctionId,
    bidderId: UserId,
    /** The bids taken back, oldest first. */
    retractedBidIds: NonEmptyBidIds,
    /** Private: the highest maximum among the retracted bids. */
    retractedMax: MinorUnits,
    reason: RetractionReason,
    retractedAt: UtcTimestamp,
    /** Private: the retracting bidder's highest maximum still standing (null when none is left). */
    bidderMaxAfter: t.union([MinorUnits, t.null]),
    /** The leader after the retraction (null when no bid is left). */
    leaderId: t.union([UserId, t.null]),
    /** Private: the leader's maximum and the runner-up's after the retraction. */
    leaderMax: t.union([MinorUnits, t.null]),
    runnerUpMax: t.union([MinorUnits, t.null]),
    /** The visible price after the retraction (the starting price when no bid is left). */
    currentPrice: MinorUnits,
    /** The bids still standing. */
    bidCount: Count,
    reserveMet: t.boolean,
    buyNowAvailable: t.boolean,
    /** The buy-now price on offer after the retraction (it is offered again when no bid, or no met reserve, is left); null when not offered. */
    buyNowPrice: t.union([MinorUnits, t.null]),
  }),
}, 'BidRetracted');
