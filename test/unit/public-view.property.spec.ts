// Property: one public view. For random auctions decided by the real domain, after every event the
// live cache's state (the domain's public fold) and the read model's row (the read API's mapping of
// it) give the same public view, to the byte; and the live cache's state is the same whether its
// events come in one batch or one at a time.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionEvent, AuctionState, RecordedEvent } from '../../domain/index.js';
import { currentSchemaVersion, decide, evolve, initialState, publicAuctionView, streamIdOf, toMillis } from '../../domain/index.js';
import type { LiveAuction } from '../../contracts/index.js';
import type { AuctionRow } from '../../projections/index.js';
import { foldAuction, planLiveChanges } from '../../projections/index.js';
import type { AuctionRow as StoredAuctionRow } from '../../read-api/auction-queries.js';
import { toView } from '../../read-api/auction-queries.js';
import { AUCTION, T0, at, created } from '../support/decider.js';
import { commandOf, listingArbitrary, stepArbitrary } from '../support/auction-steps.js';

const step = stepArbitrary({ bidders: 4, bidWeight: 12, bidGapSeconds: 600, retractWeight: 2 });

const recordedOf = (event: AuctionEvent, streamVersion: number, serverTime: string): RecordedEvent => ({
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
const asStored = (row: AuctionRow): StoredAuctionRow => ({
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

const pseudonym = (auctionId: string, userId: string): string => `p-${auctionId}-${userId}`;

describe('property: the live cache and the read API show one public view', () => {
  it('gives the same view after every event, and the same live state batched or one at a time', () => {
    fc.assert(
      fc.property(listingArbitrary, fc.array(step, { minLength: 0, maxLength: 40 }), fc.integer({ min: -3600, max: 8000 }), (l, steps, viewAt) => {
        const reserve = l.reserveExtra === null ? null : l.startingPrice + l.reserveExtra;
        const buyNow = l.buyNowExtra === null ? null : Math.max(l.startingPrice, reserve ?? 0) + l.buyNowExtra;
        const first = created({ startingPrice: l.startingPrice, reservePrice: reserve, buyNowPrice: buyNow, softClose: l.softClose });
        const log: RecordedEvent[] = [recordedOf(first, 1, T0)];
        let state: AuctionState = evolve(initialState, first);
        let seconds = 0;
        steps.forEach((s, index) => {
          seconds += s.dt;
          const decided = decide(commandOf(s, seconds, index), state);
          if (E.isLeft(decided)) return;
          for (const event of decided.right) {
            state = evolve(state, event);
            log.push(recordedOf(event, log.length + 1, at(seconds)));
          }
        });

        const nowMs = toMillis(T0) + viewAt * 1000;
        const batched = planLiveChanges(AUCTION, undefined, log, pseudonym);
        assert.equal(batched.unprojectable, undefined);
        assert.equal(batched.changes.length, log.length);
        let live: LiveAuction | undefined;
        for (const [i, recorded] of log.entries()) {
          const one = planLiveChanges(AUCTION, live, [recorded], pseudonym);
          assert.equal(one.changes.length, 1);
          live = one.changes[0]!.auction;
          assert.equal(JSON.stringify(live), JSON.stringify(batched.changes[i]!.auction), 'one at a time equals batched');

          const folded = foldAuction(AUCTION, undefined, log.slice(0, i + 1), pseudonym);
          assert.ok(folded.changes !== undefined);
          const fromRow = toView(asStored(folded.changes.row), new Date(nowMs), undefined, pseudonym);
          assert.equal(JSON.stringify(fromRow), JSON.stringify(publicAuctionView(live, nowMs)), `version ${recorded.streamVersion}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
