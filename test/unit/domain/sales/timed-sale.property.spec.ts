// Property: a sale's lots close in order (with hold-back) and never before their own end, whatever
// the bids (soft-close extensions move one lot's end) and whenever, in whatever order, a scheduler
// tries to close them. The close is decided as the command handler decides it: stamped with
// whether the previous lot has ended, read from that lot's state.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionState, MinorUnits, UtcTimestamp } from '../../../../domain/index.js';
import { decide, decideSale, evolve, foldSale, fromMillis, initialState, lotCommands, toMillis, waitsForPreviousLot } from '../../../../domain/index.js';
import { T0 } from '../../../support/decider.js';

type Step = { readonly dtMs: number; readonly lot: number } & ({ readonly kind: 'bid'; readonly amount: number } | { readonly kind: 'close' });

const stepArb = (lots: number): fc.Arbitrary<Step> =>
  fc.record({ dtMs: fc.integer({ min: 0, max: 15_000 }), lot: fc.integer({ min: 0, max: lots - 1 }) }).chain((base) =>
    fc.oneof(
      fc.record({ kind: fc.constant('bid' as const), amount: fc.integer({ min: 1000, max: 100_000 }) }).map((s) => ({ ...base, ...s })),
      fc.constant({ ...base, kind: 'close' as const }),
    ));

const scenario = fc.record({
  lots: fc.integer({ min: 1, max: 8 }),
  staggerMs: fc.integer({ min: 0, max: 10_000 }),
  holdBack: fc.boolean(),
  extensionSeconds: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
}).chain((s) => fc.record({ sale: fc.constant(s), steps: fc.array(stepArb(s.lots), { maxLength: 80 }), drainOrder: fc.shuffledSubarray([...Array(s.lots).keys()], { minLength: s.lots, maxLength: s.lots }) }));

describe('timed sales (property): lots close in order and never before their own end', () => {
  it('holds for random bids and a scheduler trying lots in any order at any time', () => {
    fc.assert(fc.property(scenario, ({ sale: s, steps, drainOrder }) => {
      const decided = decideSale({
        type: 'CreateSale', saleId: 's', sellerId: 'seller', title: 'Sale', description: '', currency: 'USD',
        firstEndsAt: fromMillis(toMillis(T0) + 60_000), staggerMs: s.staggerMs, holdBack: s.holdBack,
        softClose: s.extensionSeconds === null ? null : { windowSeconds: 30, extensionSeconds: s.extensionSeconds },
        lots: Array.from({ length: s.lots }, (_, i) => ({ auctionId: `lot${i + 1}`, title: `Lot ${i + 1}`, description: '', startingPrice: 1000 as MinorUnits, reservePrice: null, buyNowPrice: null })),
        now: T0,
      }, foldSale([]));
      if (E.isLeft(decided)) throw new Error(decided.left.message);
      const states: AuctionState[] = lotCommands(decided.right[0]!.data).map((c) => {
        const created = decide({ ...c, now: T0 }, initialState);
        if (E.isLeft(created)) throw new Error(created.left.message);
        return created.right.reduce(evolve, initialState);
      });
      const closedOrder: number[] = [];
      let nowMs = toMillis(T0);
      let bids = 0;

      const tryClose = (i: number): void => {
        const state = states[i]!;
        if (state.kind !== 'auction') throw new Error('no lot');
        const previous = waitsForPreviousLot(state.lot) ? states[i - 1]! : undefined;
        const previousLotEnded = previous === undefined || (previous.kind === 'auction' && previous.phase.kind !== 'live');
        const result = decide({ type: 'CloseAuction', auctionId: state.auctionId, now: fromMillis(nowMs) as UtcTimestamp, previousLotEnded }, state);
        if (E.isLeft(result) || result.right.length === 0) return;
        // never before its own end (as extended)
        assert.ok(nowMs >= toMillis(state.endsAt), `lot ${i + 1} closed at ${nowMs} before its end ${state.endsAt}`);
        closedOrder.push(i);
        states[i] = result.right.reduce(evolve, state);
      };

      for (const step of steps) {
        nowMs += step.dtMs;
        if (step.kind === 'close') tryClose(step.lot);
        else {
          const state = states[step.lot]!;
          const result = decide({ type: 'PlaceBid', auctionId: `lot${step.lot + 1}`, bidId: `b${++bids}`, bidderId: `bidder${bids % 3}`, maxAmount: step.amount as MinorUnits, now: fromMillis(nowMs) as UtcTimestamp }, state);
          if (E.isRight(result)) states[step.lot] = result.right.reduce(evolve, state);
        }
      }
      // The scheduler keeps trying, in any order, long after every end: every lot closes.
      nowMs += 86_400_000;
      for (let round = 0; round < s.lots; round++) for (const i of drainOrder) tryClose(i);
      assert.equal(closedOrder.length, s.lots, 'every lot closes exactly once');
      assert.equal(new Set(closedOrder).size, s.lots);
      if (s.holdBack) assert.deepEqual(closedOrder, [...closedOrder].sort((a, b) => a - b), `hold-back lots closed out of order: ${closedOrder.join(',')}`);
    }), { numRuns: 300 });
  });
});
