// Property: the sealed close's outcome equals a reference computed by sorting, for random bids
// (raises included) decided by the real domain.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionEvent, AuctionState } from '../../../domain/index.js';
import { decide, evolve, initialState } from '../../../domain/index.js';
import { AUCTION, HOUR, amount, at, close, created } from '../../support/decider.js';

interface Accepted { readonly bidderId: string; readonly amount: number; readonly order: number }

/** The reference: each bidder's last accepted bid (a raise only goes up), sorted by amount desc then by acceptance order. */
const reference = (format: 'sealed-first-price' | 'sealed-second-price', starting: number, reserve: number | null, accepted: readonly Accepted[]) => {
  const last = new Map<string, Accepted>();
  for (const a of accepted) last.set(a.bidderId, a);
  const sorted = [...last.values()].sort((x, y) => (x.amount !== y.amount ? y.amount - x.amount : x.order - y.order));
  const top = sorted[0];
  if (top === undefined || (reserve !== null && top.amount < reserve)) return { winnerId: null, finalPrice: null, ranking: sorted.map((s) => s.bidderId) };
  let price = format === 'sealed-first-price' ? top.amount : (sorted[1]?.amount ?? starting);
  if (reserve !== null && price < reserve) price = reserve;
  return { winnerId: top.bidderId, finalPrice: price, ranking: sorted.map((s) => s.bidderId) };
};

describe('property: the sealed outcome equals a sort-based reference', () => {
  it('for random sealed auctions, bids and raises', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sealed-first-price' as const, 'sealed-second-price' as const),
        fc.integer({ min: 1, max: 5000 }),
        fc.option(fc.integer({ min: 0, max: 5000 })),
        fc.array(fc.record({ bidder: fc.integer({ min: 0, max: 4 }), amount: fc.integer({ min: 1, max: 8000 }) }), { maxLength: 30 }),
        (format, starting, reserveExtra, bids) => {
          const reserve = reserveExtra === null ? null : starting + reserveExtra;
          let state: AuctionState = evolve(initialState, created({ format, startingPrice: starting, reservePrice: reserve }));
          const accepted: Accepted[] = [];
          bids.forEach((b, i) => {
            const decided = decide({ type: 'PlaceBid', auctionId: AUCTION, bidId: `s${i}`, bidderId: `b${b.bidder}`, maxAmount: amount(b.amount), now: at(60 + i) }, state);
            if (E.isLeft(decided)) return;
            accepted.push({ bidderId: `b${b.bidder}`, amount: b.amount, order: i });
            state = decided.right.reduce(evolve, state);
          });
          const closed = decide(close(HOUR), state);
          assert.ok(E.isRight(closed));
          const [event] = closed.right as [AuctionEvent];
          assert.ok(event.type === 'AuctionClosed' && event.data.ranking !== null);
          const expected = reference(format, starting, reserve, accepted);
          assert.equal(event.data.winnerId, expected.winnerId);
          assert.equal(event.data.finalPrice, expected.finalPrice);
          assert.deepEqual(event.data.ranking.map((r) => r.bidderId), expected.ranking);
          assert.equal(event.data.result, expected.winnerId === null ? 'unsold' : 'sold');
          // Every accepted bid was at least the starting price, and each bidder's amounts only rose.
          for (const a of accepted) assert.ok(a.amount >= starting);
        },
      ),
      { numRuns: 500 },
    );
  });
});
