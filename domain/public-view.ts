// What the public sees of an auction, derived from decided facts only: its status at a moment, and
// the message every change publishes to live subscribers (DESIGN.md section 6). Pure.
import * as t from 'io-ts';
import { Count } from './ids.js';
import { MinorUnits } from './money.js';
import { UtcTimestamp } from './time.js';
import { SoftClose } from './events.js';

export const PublicStatus = t.keyof({ scheduled: null, open: null, sold: null, unsold: null, cancelled: null }, 'PublicStatus');
export type PublicStatus = t.TypeOf<typeof PublicStatus>;

/** How an auction ended, as recorded by its events; 'live' until one of them. */
export const Outcome = t.keyof({ live: null, sold: null, unsold: null, cancelled: null }, 'Outcome');
export type Outcome = t.TypeOf<typeof Outcome>;

/**
 * The status shown at `nowMs`: a live auction is `scheduled` before `startsAt`, then `open`
 * (including the moments between `endsAt` and the scheduler's AuctionClosed).
 */
export const publicStatus = (outcome: Outcome, startsAtMs: number, nowMs: number): PublicStatus =>
  outcome !== 'live' ? outcome : nowMs < startsAtMs ? 'scheduled' : 'open';

/** The `auction.updated` frame: one per change, in version order. Leader is a pseudonym. */
export const AuctionUpdated = t.type({
  type: t.literal('auction.updated'),
  auctionId: t.string,
  version: Count,
  currentPrice: MinorUnits,
  leader: t.union([t.string, t.null]),
  bidCount: Count,
  endsAt: UtcTimestamp,
  status: PublicStatus,
}, 'AuctionUpdated');
export type AuctionUpdated = t.TypeOf<typeof AuctionUpdated>;

// ---- The public view: GET /v1/auctions/:id without a caller, and the WebSocket snapshot --------

/** The fields every public view of an auction carries. The leader is a pseudonym (the winner's once sold). */
export const publicViewProps = {
  auctionId: t.string,
  title: t.string,
  description: t.string,
  sellerId: t.string,
  status: PublicStatus,
  currency: t.string,
  startingPrice: MinorUnits,
  currentPrice: MinorUnits,
  bidCount: Count,
  leader: t.union([t.string, t.null]),
  reserveMet: t.boolean,
  startsAt: UtcTimestamp,
  endsAt: UtcTimestamp,
  softClose: t.union([SoftClose, t.null]),
  createdAt: UtcTimestamp,
  version: Count,
};

/** The public view of an auction: `buyNowPrice` only while buy-now is offered, `endedAt` once it ended. */
export const PublicAuctionView = t.intersection([
  t.type(publicViewProps),
  t.partial({ buyNowPrice: MinorUnits, endedAt: UtcTimestamp }),
], 'PublicAuctionView');
export type PublicAuctionView = t.TypeOf<typeof PublicAuctionView>;
