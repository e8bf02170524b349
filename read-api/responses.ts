// The read API's answers, as io-ts codecs: the contract clients (and the tests) decode against.
// Money is integer minor units, times ISO 8601 UTC strings. Public answers carry pseudonyms only;
// real ids and maximums appear only in the auditors' answers and in a caller's own fields.
import * as t from 'io-ts';
import type { SignedCheckpoint } from '../domain/index.js';
import { CheckpointFindingCodec, Count, PublicAuctionView, SignedCheckpointCodec, StreamLeafProofCodec, publicOptionalProps, publicViewProps } from '../domain/index.js';
import { BidOrder } from './params.js';
import { NotificationFrame } from '../contracts/index.js';

const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** What an authenticated caller sees of its own in an auction, besides the public view. */
const callerProps = {
  /** With a bearer token: the caller's pseudonym in this auction. */
  yourPseudonym: t.string,
  /** When the caller has bid: its highest maximum, its number of bids, and whether it leads (or won). */
  yourMaxAmount: Count,
  yourBidCount: Count,
  youLead: t.boolean,
  /** Only to the auction's seller: its reserve (null when none). */
  reservePrice: Nullable(Count),
};

/**
 * An auction as GET /v1/auctions/:id shows it: the domain's public view (the WebSocket snapshot
 * shows the same), plus the caller's own fields when it is authenticated.
 */
export const AuctionViewCodec = t.intersection([PublicAuctionView, t.partial(callerProps)], 'AuctionView');
export type AuctionView = t.TypeOf<typeof AuctionViewCodec>;

/** What the listing shows of an auction: its view without the description. */
const { description: _description, ...publicSummaryProps } = publicViewProps;
export const AuctionSummaryCodec = t.intersection([t.type(publicSummaryProps), t.partial(publicOptionalProps), t.partial(callerProps)], 'AuctionSummary');
export type AuctionSummary = t.TypeOf<typeof AuctionSummaryCodec>;

/** GET /v1/me/notifications: the caller's notifications, newest first, as the WebSocket sent them. */
export const NotificationPageCodec = t.type({ items: t.array(NotificationFrame), nextCursor: Nullable(t.string) }, 'NotificationPage');
export type NotificationPage = t.TypeOf<typeof NotificationPageCodec>;

export const AuctionListCodec = t.type({ items: t.array(AuctionSummaryCodec), nextCursor: Nullable(t.string) }, 'AuctionList');
export type AuctionList = t.TypeOf<typeof AuctionListCodec>;

/** One accepted bid as the public sees it. */
export const PublicBidCodec = t.intersection([
  t.type({
    /** The stream version of the bid's event. */
    version: Count,
    bidId: t.string,
    /** The bidder's pseudonym in this auction. */
    bidder: t.string,
    /** The visible price after this bid. */
    price: Count,
    /** True when this bid made its bidder the leader. */
    tookLead: t.boolean,
    /** The leader's pseudonym after this bid (null when a retraction left no bid). */
    leader: Nullable(t.string),
    placedAt: t.string,
    /** The end time after this bid, and whether the bid extended it (soft close). */
    endsAt: t.string,
    extended: t.boolean,
  }),
  /** Only on the caller's own bids: `mine: true` and the maximum it bid. */
  t.partial({ mine: t.literal(true), maxAmount: Count }),
  /**
   * A retraction's entry: `retraction: true` and the bids it took back (its `bidId` is the most
   * recent of them, `placedAt` the time of the retraction, `price` and `leader` as it left them);
   * a bid that was later retracted carries `retracted: true`.
   */
  t.partial({ retraction: t.literal(true), retractedBidIds: t.array(t.string), retracted: t.literal(true) }),
  /** A sealed bid, listed once its auction has closed: `price` is the bid revealed (`tookLead` false, no `leader`). */
  t.partial({ sealed: t.literal(true) }),
], 'PublicBid');
export type PublicBid = t.TypeOf<typeof PublicBidCodec>;

export const PublicBidPageCodec = t.intersection([
  t.type({ auctionId: t.string, order: BidOrder, items: t.array(PublicBidCodec), nextCursor: Nullable(t.string) }),
  t.partial({ yourPseudonym: t.string }),
], 'PublicBidPage');
export type PublicBidPage = t.TypeOf<typeof PublicBidPageCodec>;

/** One accepted bid as auditors see it: everything the read model holds. Field order = CSV columns. */
export const AuditBidCodec = t.type({
  auctionId: t.string,
  version: Count,
  bidId: t.string,
  bidderId: t.string,
  bidderPseudonym: t.string,
  maxAmount: Count,
  /** 'retracted' on a retraction's row (`retractedBidIds` names the bids, `maxAmount` the highest retracted). */
  outcome: t.keyof({ 'new-leader': null, outbid: null, 'raised-maximum': null, retracted: null, sealed: null }),
  price: Count,
  leaderPseudonym: Nullable(t.string),
  placedAt: t.string,
  endsAt: t.string,
  extended: t.boolean,
  eventId: t.string,
  commandId: t.string,
  logPosition: t.string,
  prevHash: t.string,
  hash: t.string,
  /** The bids a retraction took back, space-separated; null on a bid's row. */
  retractedBidIds: Nullable(t.string),
}, 'AuditBid');
export type AuditBid = t.TypeOf<typeof AuditBidCodec>;
export const auditBidColumns = Object.keys(AuditBidCodec.props) as readonly (keyof AuditBid)[];

export const AuditBidPageCodec = t.type({ auctionId: t.string, items: t.array(AuditBidCodec), nextCursor: Nullable(t.string) }, 'AuditBidPage');
export type AuditBidPage = t.TypeOf<typeof AuditBidPageCodec>;

/** A refused bid (from the write side's `bid_attempts`). Field order = CSV columns. */
export const BidAttemptViewCodec = t.type({
  id: t.string,
  auctionId: t.string,
  bidderId: t.string,
  bidderPseudonym: t.string,
  maxAmount: t.number,
  code: t.string,
  message: t.string,
  serverTime: t.string,
  commandId: t.string,
  idempotencyKey: Nullable(t.string),
  recordedAt: t.string,
}, 'BidAttemptView');
export type BidAttemptView = t.TypeOf<typeof BidAttemptViewCodec>;
export const attemptColumns = Object.keys(BidAttemptViewCodec.props) as readonly (keyof BidAttemptView)[];

export const AttemptPageCodec = t.type({ auctionId: t.string, items: t.array(BidAttemptViewCodec), nextCursor: Nullable(t.string) }, 'AttemptPage');
export type AttemptPage = t.TypeOf<typeof AttemptPageCodec>;

/** A signed checkpoint of the whole log, as auditors fetch and keep it (see domain/event-log/checkpoint.ts). */
export const CheckpointViewCodec = SignedCheckpointCodec;
export type CheckpointView = SignedCheckpoint;

export const CheckpointPageCodec = t.type({ items: t.array(CheckpointViewCodec), nextBefore: Nullable(Count) }, 'CheckpointPage');
export type CheckpointPage = t.TypeOf<typeof CheckpointPageCodec>;

export const CheckpointPublicKeyCodec = t.type({ algorithm: t.literal('Ed25519'), keyId: t.string, publicKey: t.string }, 'CheckpointPublicKey');
export type CheckpointPublicKey = t.TypeOf<typeof CheckpointPublicKeyCodec>;

/** What a checkpoint says about the stream (`?checkpoint=N`); `leaf` is the stream's head there with its inclusion proof. */
export const CheckpointFindingViewCodec = t.intersection([CheckpointFindingCodec, t.partial({ leaf: StreamLeafProofCodec })], 'CheckpointFindingView');
export type CheckpointFindingView = t.TypeOf<typeof CheckpointFindingViewCodec>;

/**
 * The auditors' chain check of one stream. `headVersion`/`headHash`: the stream's last event as
 * stored (0 and '' when none is left). With `?checkpoint=N`, `checkpoint` says whether the stream
 * still holds the head that checkpoint signed; `valid` is false when it does not.
 */
export const ChainReportCodec = t.intersection([
  t.type({ auctionId: t.string, streamId: t.string, valid: t.boolean, events: Count, headVersion: Count, headHash: t.string }),
  t.partial({ brokenAt: Count, checkpoint: CheckpointFindingViewCodec }),
], 'ChainReport');
export type ChainReport = t.TypeOf<typeof ChainReportCodec>;

/** GET /v1/auctions/:id/bidders (the auction's seller): its bidders by pseudonym, oldest first. */
export const BidderListCodec = t.type({
  auctionId: t.string,
  items: t.array(t.type({
    bidder: t.string,
    /** Bids placed on this auction (retracted ones included). */
    bidCount: Count,
    leading: t.boolean,
    /** Retractions on this auction, and on every auction. */
    retractions: Count,
    totalRetractions: Count,
  })),
}, 'BidderList');
export type BidderList = t.TypeOf<typeof BidderListCodec>;
