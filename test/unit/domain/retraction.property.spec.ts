// Property tests of bid retraction: random bids and retractions from a few bidders, checked
// against an independent model of the standing maximums (DESIGN.md section 7's proxy rules).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { Auction, AuctionCommand, AuctionEvent, MinorUnits } from '../../../domain/index.js';
import { bidsInOrder, decide, evolve, fold, nextStep } from '../../../domain/index.js';
import { AUCTION, HOUR, amount, at, created } from '../../support/decider.js';

const DAY = 24 * HOUR;

type Step = { kind: 'bid'; bidder: number; max: number; dt: number } | { kind: 'retract'; bidder: number; dt: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('bid' as const), bidder: fc.integer({ min: 0, max: 3 }), max: fc.integer({ min: 1, max: 20_000 }), dt: fc.integer({ min: 0, max: 4 * HOUR }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retract' as const), bidder: fc.integer({ min: 0, max: 3 }), dt: fc.integer({ min: 0, max: 2 * HOUR }) }) },
);

/** The model: the standing bids, in acceptance order. */
interface Standing { bidId: string; bidder: string; max: number; order: number }

/** Each bidder's highest standing maximum, the earliest reached first on ties, highest first. */
const ranked = (bids: readonly Standing[]): Standing[] => {
  const best = new Map<string, Standing>();
  for (const b of bids) {
    const held = best.get(b.bidder);
    if (held === undefined || b.max > held.max) best.set(b.bidder, b);
  }
  return [...best.values()].sort((x, y) => y.max - x.max || x.order - y.order);
};

const modelPrice = (a: Auction, bids: readonly Standing[]): number => {
  const [leader, second] = ranked(bids);
  if (leader === undefined) return a.startingPrice;
  const proxy = second === undefined ? a.startingPrice : Math.min(leader.max, nextStep(second.max as MinorUnits, a.currency));
  const price = Math.max(proxy, a.startingPrice);
  return a.reservePrice !== null && leader.max >= a.reservePrice ? Math.max(price, a.reservePrice) : price;
};

describe('property: bid retraction recomputes the contest from the remaining maximums', () => {
  it('after any sequence of bids and retractions, the price, leader and flags are those of the remaining maximums', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }), fc.option(fc.integer({ min: 0, max: 10_000 })), fc.option(fc.integer({ min: 1, max: 10_000 })),
        fc.array(step, { minLength: 1, maxLength: 50 }),
        (startingPrice, reserveExtra, buyNowExtra, steps) => {
          const reservePrice = reserveExtra === null ? null : startingPrice + reserveExtra;
          const buyNowPrice = buyNowExtra === null ? null : Math.max(startingPrice, reservePrice ?? 0) + buyNowExtra;
          let events: AuctionEvent[] = [created({ startingPrice, reservePrice, buyNowPrice, endsAt: at(DAY) })];
          let state = fold(events) as Auction;
          let model: Standing[] = [];
          let seconds = 0;
          steps.forEach((s, index) => {
            seconds += s.dt;
            if (seconds >= DAY) return;
            const bidder = `bidder${s.bidder}`;
            const command: AuctionCommand = s.kind === 'bid'
              ? { type: 'PlaceBid', auctionId: AUCTION, bidId: `b${index}`, bidderId: bidder, maxAmount: amount(s.max), now: at(seconds) }
              : { type: 'RetractBid', auctionId: AUCTION, bidderId: bidder, bidId: null, reason: 'entered-wrong-amount', now: at(seconds) };
            const result = decide(command, state);
            if (E.isLeft(result)) {
              if (s.kind === 'retract') {
                const mine = model.filter((b) => b.bidder === bidder);
                if (mine.length > 0 && DAY - seconds > 12 * HOUR) assert.fail(`a retraction with ${mine.length} bids and more than 12 h left was refused: ${result.left.message}`);
              }
              return;
            }
            const previousLeader = ranked(model)[0]?.bidder;
            for (const event of result.right) {
              if (event.type === 'BidPlaced') model.push({ bidId: event.data.bidId, bidder, max: event.data.maxAmount, order: index });
              if (event.type === 'BidRetracted') {
                const taken = new Set(event.data.retractedBidIds);
                assert.ok(event.data.retractedBidIds.every((id) => model.some((b) => b.bidId === id && b.bidder === bidder)), 'only the bidder\'s own standing bids are retracted');
                model = model.filter((b) => !taken.has(b.bidId));
                if (DAY - seconds > 12 * HOUR) assert.ok(model.every((b) => b.bidder !== bidder), 'more than 12 h before the end, all of the bidder\'s bids go');
                else assert.equal(taken.size, 1, 'inside 12 h, only the most recent bid goes');
              }
            }
            const next = result.right.reduce(evolve, state) as Auction;
            events = [...events, ...result.right];
            assert.deepEqual(fold(events), next, 'folding the events from scratch gives the same state');
            state = next;
            const [leader, second] = ranked(model);
            assert.equal(next.leader?.bidderId ?? null, leader?.bidder ?? null, 'the leader holds the highest remaining maximum, earliest on ties');
            assert.equal(next.runnerUpMax ?? null, second?.max ?? null, 'the runner-up is the highest remaining maximum of another bidder');
            assert.equal(next.currentPrice, modelPrice(next, model), 'the price is the one computed from the remaining maximums');
            assert.equal(next.bidCount, model.length, 'the bid count is the standing bids');
            assert.deepEqual(bidsInOrder(next.bids).map((b) => b.bidId), model.map((b) => b.bidId));
            assert.equal(next.reserveMet, reservePrice === null || (leader !== undefined && leader.max >= reservePrice));
            if (s.kind === 'retract' && leader !== undefined) {
              assert.ok(model.some((b) => b.bidder === leader.bidder && b.max === next.leader?.maxAmount), 'a retraction never makes a maximum that does not remain lead');
              if (leader.bidder !== previousLeader) assert.notEqual(leader.bidder, bidder, 'a retraction never hands the lead to the retracting bidder');
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
