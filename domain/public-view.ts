// What the public sees of an auction, derived from decided facts only: its status at a moment, and
// the message every change publishes to live subscribers (DESIGN.md section 6). Pure.
import * as t from 'io-ts';
import { Count } from './ids.js';
import { MinorUnits } from './money.js';
import { UtcTimestamp } from './time.js';

export const PublicStatus = t.keyof({ scheduled: null, open: null, sold: null, unsold: null, cancelled: null }, 'PublicStatus');
export type PublicStatus = t.TypeOf<typeof PublicStatus>;

/** How an auction ended, as recorded by its events; 'live' until one of them. */
export type Outcome = 'live' | 'sold' | 'unsold' | 'cancelled';

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

/** Redis pub/sub channel of one auction's `auction.updated` messages. */
export const auctionChannel = (auctionId: string): string => `gs:auction:${auctionId}:updates`;
/** Redis hash with the auction's current public state (the fields of AuctionUpdated). */
export const auctionCacheKey = (auctionId: string): string => `gs:auction:${auctionId}`;
