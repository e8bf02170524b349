// What the public-view properties (test/unit/**/*.property.spec.ts) build an auction's two public
// views from: the recorded event the log would hold for a domain event, the read model's row as the
// read API reads it back, a pseudonym function, and the check that both views are one.
import assert from 'node:assert/strict';
import type { AuctionEvent, RecordedEvent } from '../../domain/index.js';
import type { LiveAuction } from '../../contracts/index.js';
import { currentSchemaVersion, publicAuctionView, streamIdOf } from '../../domain/index.js';
import type { AuctionRow } from '../../projections/index.js';
import type { AuctionRow as StoredAuctionRow } from '../../read-api/auction-queries.js';
import { toView } from '../../read-api/auction-queries.js';
import { AUCTION } from './decider.js';

/** `event` as the log records it: version `streamVersion` of AUCTION's stream, written at `serverTime`. */
export const recordedOf = (event: AuctionEvent, streamVersion: number, serverTime: string): RecordedEvent => ({
  eventId: `e${streamVersion}`,
  type: event.type,
  data: event.data as unknown as RecordedEvent['data'],
  metadata: {
    commandId: `c${streamVersion}`,
    idempotencyKey: null,
    userId: 'test',
    correlationId: `c${streamVersion}`,
    causationId: `c${streamVersion}`,
    serverTime: serverTime as RecordedEvent['metadata']['serverTime'],
    schemaVersion: currentSchemaVersion[event.type],
  },
  streamId: streamIdOf(AUCTION),
  streamVersion,
  position: String(streamVersion).padStart(12, '0'),
  prevHash: '',
  hash: `h${streamVersion}`,
});

/** The row as the read API reads it back from auction_view (no caller). */
export const asStored = (row: AuctionRow): StoredAuctionRow => ({
  auction_id: row.auctionId,
  seller_id: row.sellerId,
  format: row.format,
  title: row.title,
  description: row.description,
  currency: row.currency,
  starting_price: row.startingPrice,
  current_price: row.currentPrice,
  reserve_price: row.reservePrice,
  buy_now_price: row.buyNowPrice,
  buy_now_available: row.buyNowAvailable,
  bid_count: row.bidCount,
  leader_id: row.leaderId,
  leader_pseudonym: row.leaderPseudonym,
  reserve_met: row.reserveMet,
  outcome: row.outcome,
  winner_id: row.winnerId,
  winner_pseudonym: row.winnerPseudonym,
  final_price: row.finalPrice,
  clock_decrement_amount: row.clockDecrementAmount,
  clock_decrement_every_seconds: row.clockDecrementEverySeconds,
  clock_floor_price: row.clockFloorPrice,
  starts_at: row.startsAt,
  ends_at: row.endsAt,
  soft_close_window_seconds: row.softCloseWindowSeconds,
  soft_close_extension_seconds: row.softCloseExtensionSeconds,
  created_at: row.createdAt,
  ended_at: row.endedAt,
  version: row.version,
  your_max: null,
  your_bid_count: null,
  sort_key: '',
});

/** A bidder's pseudonym on an auction, as the projections are handed one. */
export const pseudonym = (auctionId: string, userId: string): string => `p-${auctionId}-${userId}`;

/** The read model's row through the read API's public view (no caller) at `nowMs`. */
export const rowView = (row: AuctionRow, nowMs: number, pseudonymOf = pseudonym) =>
  toView(asStored(row), new Date(nowMs), undefined, pseudonymOf);

/** One public view: the row through the read API shows, to the byte, what the live cache's state shows at `nowMs`. */
export const assertOneView = (row: AuctionRow, live: LiveAuction, nowMs: number, message?: string, pseudonymOf = pseudonym): void => {
  assert.equal(JSON.stringify(rowView(row, nowMs, pseudonymOf)), JSON.stringify(publicAuctionView(live, nowMs)), message);
};
