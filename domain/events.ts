// The auction's events: the decided facts, so that no projection ever re-runs a rule.
// A bidder's maximum (`maxAmount`) is private: it stays in the log, the auditors' views and the
// bidder's own views, never in anything public.
import * as t from 'io-ts';
import { Currency, MinorUnits } from './money.js';
import { UtcTimestamp } from './time.js';
import { AuctionId, BidId, Count, Description, Integer, Reason, Title, UserId } from './ids.js';
import { BidRetracted } from './retraction-events.js';
import { BidderApprovalRevoked, BidderApproved } from './approval-events.js';
import { AuctionLot } from './sales/lot.js';
import { SecondChanceAccepted, SecondChanceDeclined, SecondChanceOffered, WinnerNonPaymentReported } from './second-chance-events.js';
import { SealedBidPlaced, SealedRanking } from './sealed-events.js';

export { BidRetracted, RetractionReason } from './retraction-events.js';
export { BidderApprovalRevoked, BidderApproved } from './approval-events.js';
export { SecondChanceAccepted, SecondChanceDeclined, SecondChanceOffered, WinnerNonPaymentReported } from './second-chance-events.js';
export { RevealedBid, SealedBidPlaced, SealedRanking } from './sealed-events.js';

export const SoftClose = t.type({
  windowSeconds: Integer,
  extensionSeconds: Integer,
}, 'SoftClose');
export type SoftClose = t.TypeOf<typeof SoftClose>;

/**
 * How the auction sells (docs/auction-rules.md): `english` (open ascending, proxy bidding), sealed
 * bids paying the highest (`sealed-first-price`) or the second-highest bid (`sealed-second-price`),
 * or a descending `dutch` clock that the first taker stops.
 */
export const AuctionFormat = t.keyof({ english: null, 'sealed-first-price': null, 'sealed-second-price': null, dutch: null }, 'AuctionFormat');
export type AuctionFormat = t.TypeOf<typeof AuctionFormat>;

/** A Dutch auction's clock: from the starting price down by `decrementAmount` every `decrementEverySeconds`, to `floorPrice`. */
export const DutchClock = t.type({
  decrementAmount: MinorUnits,
  decrementEverySeconds: Integer,
  floorPrice: MinorUnits,
}, 'DutchClock');
export type DutchClock = t.TypeOf<typeof DutchClock>;

/** What a seller lists: shared by the CreateAuction command and the AuctionCreated event. */
export const listingProps = {
  auctionId: AuctionId,
  sellerId: UserId,
  title: Title,
  description: Description,
  currency: Currency,
  startingPrice: MinorUnits,
  reservePrice: t.union([MinorUnits, t.null]),
  buyNowPrice: t.union([MinorUnits, t.null]),
};

export const AuctionCreated = t.type({
  type: t.literal('AuctionCreated'),
  data: t.type({
    ...listingProps,
    startsAt: UtcTimestamp,
    endsAt: UtcTimestamp,
    softClose: t.union([SoftClose, t.null]),
    createdAt: UtcTimestamp,
    /** Only bidders the seller approved may bid or buy (schema version 3; older auctions: false). */
    approvedBiddersOnly: t.boolean,
    /** How it sells (schema version 4; older auctions: english). */
    format: AuctionFormat,
    /** The clock of a Dutch auction; null for every other format (schema version 4). */
    clock: t.union([DutchClock, t.null]),
    /** The timed sale this auction is a lot of; null for an auction sold on its own (schema version 4). */
    lot: t.union([AuctionLot, t.null]),
  }),
}, 'AuctionCreated');

/**
 * How an accepted bid changed the contest:
 * - `new-leader`: the bidder now leads (first bid, or a maximum above the leader's);
 * - `outbid`: the bid stands, but the leader's maximum is higher or equal and earlier; the price rose;
 * - `raised-maximum`: the leader raised its own maximum.
 */
export const BidOutcome = t.keyof({ 'new-leader': null, outbid: null, 'raised-maximum': null }, 'BidOutcome');
export type BidOutcome = t.TypeOf<typeof BidOutcome>;

export const BidPlaced = t.type({
  type: t.literal('BidPlaced'),
  data: t.type({
    auctionId: AuctionId,
    bidId: BidId,
    bidderId: UserId,
    /** Private: the bidder's maximum. */
    maxAmount: MinorUnits,
    placedAt: UtcTimestamp,
    outcome: BidOutcome,
    /** The leader after this bid. */
    leaderId: UserId,
    /** The visible price after this bid. */
    currentPrice: MinorUnits,
    bidCount: Count,
    reserveMet: t.boolean,
    buyNowAvailable: t.boolean,
    /** The end time after this bid (moved by a soft-close extension when `extended`). */
    endsAt: UtcTimestamp,
    extended: t.boolean,
  }),
}, 'BidPlaced');

export const AuctionBoughtNow = t.type({
  type: t.literal('AuctionBoughtNow'),
  data: t.type({
    auctionId: AuctionId,
    buyerId: UserId,
    price: MinorUnits,
    boughtAt: UtcTimestamp,
  }),
}, 'AuctionBoughtNow');

export const AuctionCancelled = t.type({
  type: t.literal('AuctionCancelled'),
  data: t.type({
    auctionId: AuctionId,
    cancelledBy: UserId,
    byAdmin: t.boolean,
    reason: t.union([Reason, t.null]),
    cancelledAt: UtcTimestamp,
  }),
}, 'AuctionCancelled');

export const AuctionClosed = t.type({
  type: t.literal('AuctionClosed'),
  data: t.type({
    auctionId: AuctionId,
    closedAt: UtcTimestamp,
    result: t.keyof({ sold: null, unsold: null }),
    winnerId: t.union([UserId, t.null]),
    finalPrice: t.union([MinorUnits, t.null]),
    bidCount: Count,
    reserveMet: t.boolean,
    /** A sealed auction's revealed bids, highest first (schema version 2; null for every other format). */
    ranking: t.union([SealedRanking, t.null]),
  }),
}, 'AuctionClosed');

export const AuctionEvent = t.union(
  [AuctionCreated, BidPlaced, AuctionBoughtNow, AuctionCancelled, AuctionClosed, BidRetracted, BidderApproved, BidderApprovalRevoked, SealedBidPlaced,
    WinnerNonPaymentReported, SecondChanceOffered, SecondChanceAccepted, SecondChanceDeclined],
  'AuctionEvent',
);
export type AuctionEvent = t.TypeOf<typeof AuctionEvent>;
export type AuctionEventType = AuctionEvent['type'];
export type EventOf<K extends AuctionEventType> = Extract<AuctionEvent, { type: K }>;

/** The schema version each event type is written with today (see upcast.ts for older ones). */
export const currentSchemaVersion: Readonly<Record<AuctionEventType, number>> = {
  AuctionCreated: 4,
  BidPlaced: 1,
  AuctionBoughtNow: 1,
  AuctionCancelled: 1,
  AuctionClosed: 2,
  BidRetracted: 1,
  BidderApproved: 1,
  BidderApprovalRevoked: 1,
  SealedBidPlaced: 1,
  WinnerNonPaymentReported: 1,
  SecondChanceOffered: 1,
  SecondChanceAccepted: 1,
  SecondChanceDeclined: 1,
};

export const streamIdOf = (auctionId: string): string => `auction-${auctionId}`;
export const auctionIdOfStream = (streamId: string): string | undefined =>
  streamId.startsWith('auction-') ? streamId.slice('auction-'.length) : undefined;
