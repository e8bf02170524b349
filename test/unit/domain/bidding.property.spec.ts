// Property tests: random bid sequences from random bidders, checked against an independent model.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionEvent, Auction, MinorUnits } from '../../../domain/index.js';
import { decide, evolve, fold, nextStep, toMillis } from '../../../domain/index.js';
import { created, at, amount, HOUR, AUCTION } from '../../support/decider.js';
import { commandOf, listingArbitrary, stepArbitrary } from '../../support/auction-steps.js';

const step = stepArbitrary({ bidders: 5, bidWeight: 20, bidGapSeconds: 400 });

/** The model: every accepted maximum, in acceptance order. */
interface Accepted { bidder: string; max: number; order: number }

const modelLeader = (accepted: readonly Accepted[]): Accepted | undefined =>
  [...accepted].sort((x, y) => y.max - x.max || x.order - y.order)[0];

const modelPrice = (a: Auction, accepted: readonly Accepted[]): number => {
  const leader = modelLeader(accepted)!;
  const others = accepted.filter((b) => b.bidder !== leader.bidder).map((b) => b.max);
  const proxy = others.length === 0 ? a.startingPrice : Math.min(leader.max, nextStep(Math.max(...others) as MinorUnits, a.currency));
  const price = Math.max(proxy, a.startingPrice);
  return a.reservePrice !== null && leader.max >= a.reservePrice ? Math.max(price, a.reservePrice) : price;
};

describe('property: proxy bidding invariants over random bid sequences', () => {
  it('holds every invariant of DESIGN.md section 7 at every step', () => {
    fc.assert(
      fc.property(listingArbitrary, fc.array(step, { minLength: 1, maxLength: 60 }), (l, steps) => {
        const reserve = l.reserveExtra === null ? null : l.startingPrice + l.reserveExtra;
        const buyNow = l.buyNowExtra === null ? null : Math.max(l.startingPrice, reserve ?? 0) + l.buyNowExtra;
        let events: AuctionEvent[] = [created({ startingPrice: l.startingPrice, reservePrice: reserve, buyNowPrice: buyNow, softClose: l.softClose })];
        let state = fold(events) as Auction;
        const accepted: Accepted[] = [];
        let seconds = 0;
        let ended = false;

        steps.forEach((s, index) => {
          seconds += s.dt;
          const command = commandOf(s, seconds, index);
          const result = decide(command, state);
          const before = state;

          if (ended && E.isRight(result)) {
            assert.deepEqual(result.right, [], `${command.type} accepted after the auction ended`);
          }
          if (E.isLeft(result)) return;

          const next = result.right.reduce(evolve, state) as Auction;
          // folding the emitted events from scratch reproduces the state decide will see next
          events = [...events, ...result.right];
          assert.deepEqual(fold(events), next);

          for (const event of result.right) {
            if (event.type === 'BidPlaced') {
              accepted.push({ bidder: event.data.bidderId, max: event.data.maxAmount, order: index });
              const leader = modelLeader(accepted)!;
              assert.equal(next.leader?.bidderId, leader.bidder, 'the leader holds the highest maximum, earliest on ties');
              assert.equal(next.leader?.maxAmount, Math.max(...accepted.filter((b) => b.bidder === leader.bidder).map((b) => b.max)));
              assert.equal(event.data.leaderId, leader.bidder);
              assert.ok(next.currentPrice <= next.leader!.maxAmount, 'price never exceeds the leader maximum');
              assert.ok(next.currentPrice >= before.currentPrice, 'price never falls');
              assert.ok(next.currentPrice >= next.startingPrice, 'price never below the starting price');
              assert.equal(next.currentPrice, modelPrice(next, accepted), 'price follows the proxy formula');
              assert.ok(Number.isSafeInteger(next.currentPrice), 'money stays whole minor units');
              assert.equal(event.data.bidCount, accepted.length);
              assert.ok(toMillis(next.endsAt) >= toMillis(before.endsAt), 'the end never moves earlier');
              assert.ok(seconds < (toMillis(before.endsAt) - toMillis(at(0))) / 1000, 'bids only before the end');
            } else {
              ended = true;
            }
          }
          state = next;
        });
      }),
      { numRuns: 400 },
    );
  });

  it('closing sells to the leader exactly when the reserve is met', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.option(fc.integer({ min: 0, max: 10_000 })), fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 30_000 })), { maxLength: 20 }), (start, reserveExtra, bids) => {
        const reserve = reserveExtra === null ? null : start + reserveExtra;
        let events: AuctionEvent[] = [created({ startingPrice: start, reservePrice: reserve })];
        bids.forEach(([bidder, max], i) => {
          const r = decide({ type: 'PlaceBid', auctionId: AUCTION, bidId: `b${i}`, bidderId: `bidder${bidder}`, maxAmount: amount(max), now: at(i + 1) }, fold(events));
          if (E.isRight(r)) events = [...events, ...r.right];
        });
        const state = fold(events) as Auction;
        const closed = decide({ type: 'CloseAuction', auctionId: AUCTION, now: at(HOUR) }, state);
        assert.ok(E.isRight(closed));
        const event = closed.right[0]!;
        assert.equal(event.type, 'AuctionClosed');
        if (event.type !== 'AuctionClosed') return;
        const shouldSell = state.leader !== null && (reserve === null || state.leader.maxAmount >= reserve);
        assert.equal(event.data.result, shouldSell ? 'sold' : 'unsold');
        assert.equal(event.data.winnerId, shouldSell ? state.leader!.bidderId : null);
        assert.equal(event.data.finalPrice, shouldSell ? state.currentPrice : null);
      }),
      { numRuns: 300 },
    );
  });
});
