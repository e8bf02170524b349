// Property: second-chance offers keep one public view. For random auctions decided by the real
// domain, bidding then closing, then random non-payment reports, offers, acceptances and declines
// (each after a pause), after every event the live cache's state and the read model's row give the
// same public view, every event moves the version by one (no gap for subscribers), and the notices
// tell the offered bidder of its offer and the buyer that it won.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionEvent, AuctionState, NoticeState, RecordedEvent } from '../../domain/index.js';
import { decide, evolve, evolveNotices, initialState, noticesOf, toMillis } from '../../domain/index.js';
import type { LiveAuction } from '../../contracts/index.js';
import { foldAuction, planLiveChanges } from '../../projections/index.js';
import { AUCTION, SELLER, T0, at, amount, created, HOUR } from '../support/decider.js';
import { assertOneView, pseudonym, recordedOf } from '../support/public-view-fixtures.js';

const bidders = ['b0', 'b1', 'b2', 'b3'] as const;

const afterEnd = fc.oneof(
  fc.record({ kind: fc.constant('report' as const), dt: fc.integer({ min: 0, max: 3 * HOUR }) }),
  fc.record({ kind: fc.constant('offer' as const), who: fc.constantFrom(...bidders), secs: fc.integer({ min: HOUR, max: 2 * 24 * HOUR }), dt: fc.integer({ min: 0, max: 3 * HOUR }) }),
  fc.record({ kind: fc.constantFrom('accept' as const, 'decline' as const), who: fc.constantFrom(...bidders), dt: fc.integer({ min: 0, max: 3 * HOUR }) }),
);

const commandAfterEnd = (s: { kind: 'report' | 'offer' | 'accept' | 'decline'; who?: string; secs?: number }, seconds: number): AuctionCommand => {
  const now = at(seconds);
  switch (s.kind) {
    case 'report': return { type: 'ReportNonPayment', auctionId: AUCTION, sellerId: SELLER, now };
    case 'offer': return { type: 'OfferSecondChance', auctionId: AUCTION, sellerId: SELLER, bidderId: s.who!, expiresInSeconds: s.secs!, now };
    case 'accept': return { type: 'AcceptSecondChance', auctionId: AUCTION, bidderId: s.who!, now };
    case 'decline': return { type: 'DeclineSecondChance', auctionId: AUCTION, bidderId: s.who!, now };
  }
};

describe('property: second-chance offers keep one public view, without version gaps', () => {
  it('read model and live cache agree after every event; notices tell the offered bidder and the buyer', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 5000 })),
        fc.array(fc.record({ who: fc.constantFrom(...bidders), max: fc.integer({ min: 1000, max: 9000 }) }), { minLength: 1, maxLength: 8 }),
        fc.array(afterEnd, { maxLength: 12 }),
        (reserveExtra, bids, steps) => {
          const first = created({ startingPrice: 1000, reservePrice: reserveExtra === null ? null : 1000 + reserveExtra });
          const log: RecordedEvent[] = [recordedOf(first, 1, T0)];
          let state: AuctionState = evolve(initialState, first);
          const run = (command: AuctionCommand, seconds: number) => {
            const decided = decide(command, state);
            if (E.isLeft(decided)) return;
            for (const event of decided.right) {
              state = evolve(state, event);
              log.push(recordedOf(event, log.length + 1, at(seconds)));
            }
          };
          bids.forEach((b, i) => run({ type: 'PlaceBid', auctionId: AUCTION, bidId: `b${i}`, bidderId: b.who, maxAmount: amount(b.max), now: at(60 + i) }, 60 + i));
          run({ type: 'CloseAuction', auctionId: AUCTION, now: at(HOUR) }, HOUR);
          let seconds = HOUR;
          for (const s of steps) {
            seconds += s.dt;
            run(commandAfterEnd(s, seconds), seconds);
          }

          let live: LiveAuction | undefined;
          let notices: NoticeState | undefined;
          for (const [i, recorded] of log.entries()) {
            const one = planLiveChanges(AUCTION, live, [recorded], pseudonym);
            assert.equal(one.changes.length, 1);
            live = one.changes[0]!.auction;
            assert.equal(live.version, i + 1, 'every event moves the version by one');
            const nowMs = toMillis(recorded.metadata.serverTime as never);
            const folded = foldAuction(AUCTION, undefined, log.slice(0, i + 1), pseudonym);
            assert.ok(folded.changes !== undefined);
            assertOneView(folded.changes.row, live, nowMs, `version ${recorded.streamVersion}`);

            const event = decodedOf(recorded);
            const told = noticesOf(notices, event);
            notices = evolveNotices(notices, event, recorded.streamVersion);
            if (event.type === 'SecondChanceOffered') assert.deepEqual(told, [{ userId: event.data.bidderId, kind: 'second-chance-offer' }]);
            if (event.type === 'SecondChanceAccepted') {
              assert.deepEqual(told, [{ userId: event.data.bidderId, kind: 'won' }]);
              assert.deepEqual([live.outcome, live.currentPrice, live.leader], ['sold', event.data.price, pseudonym(AUCTION, event.data.bidderId)]);
            }
            if (event.type === 'WinnerNonPaymentReported') assert.deepEqual([told, live.outcome, live.leader], [[], 'unsold', null]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

const decodedOf = (recorded: RecordedEvent): AuctionEvent => ({ type: recorded.type, data: recorded.data } as unknown as AuctionEvent);
