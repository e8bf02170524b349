// Property: one public view. For random auctions decided by the real domain, after every event the
// live cache's state (the domain's public fold) and the read model's row (the read API's mapping of
// it) give the same public view, to the byte; and the live cache's state is the same whether its
// events come in one batch or one at a time.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionState, RecordedEvent } from '../../domain/index.js';
import { decide, evolve, initialState, toMillis } from '../../domain/index.js';
import type { LiveAuction } from '../../contracts/index.js';
import { foldAuction, planLiveChanges } from '../../projections/index.js';
import { AUCTION, T0, at, created } from '../support/decider.js';
import { commandOf, listingArbitrary, stepArbitrary } from '../support/auction-steps.js';
import { assertOneView, pseudonym, recordedOf } from '../support/public-view-fixtures.js';

const step = stepArbitrary({ bidders: 4, bidWeight: 12, bidGapSeconds: 600, retractWeight: 2 });

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
          assertOneView(folded.changes.row, live, nowMs, `version ${recorded.streamVersion}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
