// Properties of the Dutch clock (domain/dutch-clock.ts) and of Dutch auctions decided by the real
// domain: the price never rises and never goes below the floor, starts at the starting price,
// reaches the floor before the end; an accept buys at the clock's price; and the live cache and
// the read API show one public view of a Dutch auction at any moment.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionState, DutchClock, MinorUnits, RecordedEvent } from '../../../domain/index.js';
import {
  clockPrice, decide, dutchEndsAtMs, evolve, fold, initialState, nextDropAtMs, publicAuctionView, toMillis,
  updatedFrame,
} from '../../../domain/index.js';
import type { LiveAuction } from '../../../contracts/index.js';
import { foldAuction, planLiveChanges } from '../../../projections/index.js';
import { AUCTION, T0, amount, at, created } from '../../support/decider.js';
import { assertOneView, pseudonym, recordedOf } from '../../support/public-view-fixtures.js';

const T0_MS = toMillis(T0);

/** A valid Dutch listing: a floor below the starting price, a step of 1 s to a day. */
const dutchArbitrary = fc
  .record({
    floorPrice: fc.integer({ min: 1, max: 1_000_000 }),
    above: fc.integer({ min: 1, max: 1_000_000 }),
    decrementAmount: fc.integer({ min: 1, max: 200_000 }),
    decrementEverySeconds: fc.integer({ min: 1, max: 86_400 }),
  })
  .map(({ floorPrice, above, decrementAmount, decrementEverySeconds }) => ({
    startingPrice: amount(floorPrice + above),
    startsAt: T0,
    clock: { decrementAmount: amount(decrementAmount), decrementEverySeconds, floorPrice: amount(floorPrice) } as DutchClock,
  }));

describe('property: the Dutch clock', () => {
  it('never rises and never goes below the floor', () => {
    fc.assert(
      fc.property(dutchArbitrary, fc.array(fc.integer({ min: -86_400_000, max: 200 * 86_400_000 }), { minLength: 2, maxLength: 20 }), (a, offsets) => {
        const times = offsets.map((o) => T0_MS + o).sort((x, y) => x - y);
        let previous: number = Number.POSITIVE_INFINITY;
        for (const t of times) {
          const price = clockPrice(a, t);
          assert.ok(price >= a.clock.floorPrice, `${price} below the floor ${a.clock.floorPrice}`);
          assert.ok(price <= a.startingPrice, `${price} above the starting price`);
          assert.ok(price <= previous, `rose from ${previous} to ${price} at ${t - T0_MS} ms`);
          assert.ok(Number.isSafeInteger(price));
          previous = price;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('equals the starting price at (and before) the start, reaches the floor before the end, and drops exactly at nextDropAtMs', () => {
    fc.assert(
      fc.property(dutchArbitrary, fc.integer({ min: 0, max: 1_000_000 }), (a, before) => {
        const endMs = dutchEndsAtMs(T0_MS, a.startingPrice, a.clock);
        const stepMs = a.clock.decrementEverySeconds * 1000;
        assert.equal(clockPrice(a, T0_MS), a.startingPrice);
        assert.equal(clockPrice(a, T0_MS - before), a.startingPrice);
        // the floor is reached one step before the end, and held until then
        assert.equal(clockPrice(a, endMs - stepMs), a.clock.floorPrice);
        assert.equal(clockPrice(a, endMs - 1), a.clock.floorPrice);
        // just before the floor step, the price was still above the floor
        assert.ok(clockPrice(a, endMs - stepMs - 1) > a.clock.floorPrice);
        const next = nextDropAtMs(a, T0_MS);
        assert.ok(next !== null);
        assert.equal(clockPrice(a, next - 1), a.startingPrice);
        assert.ok(clockPrice(a, next) < a.startingPrice);
        assert.equal(nextDropAtMs(a, endMs - stepMs), null, 'no drop once at the floor');
      }),
      { numRuns: 500 },
    );
  });

  it('an accept at any time in the auction buys at the clock\'s price there; after the end it is refused', () => {
    fc.assert(
      fc.property(dutchArbitrary.filter((a) => dutchEndsAtMs(T0_MS, a.startingPrice, a.clock) - T0_MS <= 90 * 86_400_000), fc.double({ min: 0, max: 1.2, noNaN: true }), (a, share) => {
        const endMs = dutchEndsAtMs(T0_MS, a.startingPrice, a.clock);
        const first = created({ format: 'dutch', clock: a.clock, startingPrice: a.startingPrice, endsAt: new Date(endMs).toISOString() as typeof T0 });
        const atMs = T0_MS + Math.floor((endMs - T0_MS) * share);
        const decided = decide({ type: 'BuyNow', auctionId: AUCTION, buyerId: 'alice', now: new Date(atMs).toISOString() as typeof T0 }, fold([first]));
        if (atMs >= endMs) {
          assert.ok(E.isLeft(decided) && decided.left.code === 'AUCTION_NOT_OPEN');
          return;
        }
        assert.ok(E.isRight(decided));
        const [event] = decided.right;
        assert.equal(event?.type, 'AuctionBoughtNow');
        assert.equal(event.type === 'AuctionBoughtNow' ? event.data.price : undefined, clockPrice(a, atMs));
      }),
      { numRuns: 300 },
    );
  });
});

// ---- one public view of a Dutch auction ---------------------------------------------------------

const CLOCK = { decrementAmount: amount(100), decrementEverySeconds: 60, floorPrice: amount(350) } as DutchClock;

describe('property: one public view of a Dutch auction', () => {
  it('the live cache and the read API show the clock\'s price at any moment, the sale price after a sale, and no minimum bid', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('buy' as const), who: fc.constantFrom('alice', 'bob', 'seller'), at: fc.integer({ min: -60, max: 600 }) }),
      fc.record({ kind: fc.constant('bid' as const), at: fc.integer({ min: 0, max: 600 }) }),
      fc.record({ kind: fc.constant('close' as const), at: fc.integer({ min: 0, max: 700 }) }),
      fc.record({ kind: fc.constant('cancel' as const), at: fc.integer({ min: 0, max: 600 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 6 }), fc.integer({ min: -120, max: 900 }), (steps, viewAt) => {
        const first = created({ format: 'dutch', clock: CLOCK, endsAt: at(480) });
        const log: RecordedEvent[] = [recordedOf(first, 1, T0)];
        let state: AuctionState = evolve(initialState, first);
        for (const [i, s] of [...steps].sort((x, y) => x.at - y.at).entries()) {
          const now = at(s.at);
          const decided = decide(
            s.kind === 'buy' ? { type: 'BuyNow', auctionId: AUCTION, buyerId: s.who, now }
            : s.kind === 'bid' ? { type: 'PlaceBid', auctionId: AUCTION, bidId: `b${i}`, bidderId: 'alice', maxAmount: amount(5000), now }
            : s.kind === 'close' ? { type: 'CloseAuction', auctionId: AUCTION, now }
            : { type: 'CancelAuction', auctionId: AUCTION, userId: 'seller', byAdmin: false, reason: null, now },
            state,
          );
          if (s.kind === 'bid') assert.ok(E.isLeft(decided) && decided.left.code === 'WRONG_FORMAT');
          if (E.isLeft(decided)) continue;
          for (const event of decided.right) {
            state = evolve(state, event);
            log.push(recordedOf(event, log.length + 1, now));
          }
        }
        const nowMs = T0_MS + viewAt * 1000;
        const planned = planLiveChanges(AUCTION, undefined, log, pseudonym);
        const live: LiveAuction = planned.changes.at(-1)!.auction;
        const folded = foldAuction(AUCTION, undefined, log, pseudonym);
        assert.ok(folded.changes !== undefined);
        const view = publicAuctionView(live, nowMs);
        assertOneView(folded.changes.row, live, nowMs);
        assert.equal(view.minimumBid, undefined);
        if (state.kind !== 'auction') throw new Error('no auction');
        const sold = state.phase.kind === 'sold' ? state.phase.price : null;
        if (state.phase.kind === 'live') {
          const price: MinorUnits = clockPrice({ startingPrice: state.startingPrice, startsAt: state.startsAt, clock: CLOCK }, nowMs);
          assert.deepEqual([view.currentPrice, view.buyNowPrice], [price, price]);
        } else {
          assert.equal(view.buyNowPrice, undefined);
          const endedAtMs = Date.parse(log.at(-1)!.metadata.serverTime);
          // sold: the sale's price; unsold or cancelled: the clock's price when it ended (the floor, once run out)
          assert.equal(view.currentPrice, sold ?? clockPrice({ startingPrice: state.startingPrice, startsAt: state.startsAt, clock: CLOCK }, endedAtMs));
          if (state.phase.kind === 'unsold') assert.equal(view.currentPrice, CLOCK.floorPrice);
        }
        // each frame carries the clock's price at its event's time (so a replay makes the same frame)
        const frame = updatedFrame(live, Date.parse(log.at(-1)!.metadata.serverTime));
        assert.equal(frame.minimumBid, null);
        if (sold !== null) assert.equal(frame.currentPrice, sold);
      }),
      { numRuns: 300 },
    );
  });
});
