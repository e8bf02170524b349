// Property: sealed bids never leak before the close. For random sealed auctions (bids, raises,
// refused bids, approvals, a cancellation, the close) decided by the real domain, every public
// output at every step before the close - the public fold and view (evolvePublicAuction,
// publicAuctionView), the `auction.updated` frame, the read model's row through the read API's
// public view, the public bid history (whose sealed rows the read API keeps back while the auction
// is live: all of them are sealed), the notices - names no amount placed or attempted and no
// bidder (by id or pseudonym). And the row's public view equals the live cache's, as for English
// auctions (public-view.property.spec.ts).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionState, NoticeState, RecordedEvent } from '../../domain/index.js';
import { decide, evolve, evolveNotices, initialState, noticesOf, publicAuctionView, toMillis } from '../../domain/index.js';
import { foldAuction, planLiveChanges } from '../../projections/index.js';
import { toView } from '../../read-api/auction-queries.js';
import { AUCTION, HOUR, SELLER, T0, amount, at, created } from '../support/decider.js';
import { asStored, assertOneView, recordedOf, rowView } from '../support/public-view-fixtures.js';

const STARTING = 5_000_000;

const bidderIds = ['zorro', 'quill', 'mabel', 'odin'] as const;
const pseudonym = (auctionId: string, userId: string): string => `pseud-${auctionId}-${userId}`;

type Step =
  | { kind: 'bid'; bidder: number; amount: number; dt: number }
  | { kind: 'approve'; bidder: number; dt: number }
  | { kind: 'cancel'; dt: number }
  | { kind: 'close'; dt: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  // Amounts from far below the starting price (refused) to far above (accepted), 7 digits so no other number can be one.
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('bid' as const), bidder: fc.integer({ min: 0, max: 3 }), amount: fc.integer({ min: 4_000_000, max: 9_999_999 }), dt: fc.integer({ min: 0, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('approve' as const), bidder: fc.integer({ min: 0, max: 3 }), dt: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), dt: fc.integer({ min: 0, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), dt: fc.integer({ min: 0, max: 4000 }) }) },
);

const commandOf = (s: Step, seconds: number, index: number): AuctionCommand => {
  const now = at(seconds);
  switch (s.kind) {
    case 'bid': return { type: 'PlaceBid', auctionId: AUCTION, bidId: `sealedbid${index}x`, bidderId: bidderIds[s.bidder]!, maxAmount: amount(s.amount), now };
    case 'approve': return { type: 'ApproveBidder', auctionId: AUCTION, sellerId: SELLER, bidderId: bidderIds[s.bidder]!, now };
    case 'cancel': return { type: 'CancelAuction', auctionId: AUCTION, userId: SELLER, byAdmin: true, reason: null, now };
    case 'close': return { type: 'CloseAuction', auctionId: AUCTION, now };
  }
};

/** The secrets a public output may not contain: amounts (as numbers), bidder ids and bid ids. */
const leaks = (output: unknown, amounts: ReadonlySet<number>, names: ReadonlySet<string>): string[] => {
  const text = JSON.stringify(output);
  const found: string[] = [];
  for (const token of text.match(/\d+/g) ?? []) if (amounts.has(Number(token))) found.push(`amount ${token}`);
  for (const name of names) if (text.includes(name)) found.push(`name ${name}`);
  return found;
};

describe('property: sealed bids never leak before the close', () => {
  it('no public output names an amount, a bidder or a bid while the auction is open', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sealed-first-price' as const, 'sealed-second-price' as const),
        fc.option(fc.integer({ min: 0, max: 5_000_000 })),
        fc.array(step, { maxLength: 30 }),
        (format, reserveExtra, steps) => {
          const first = created({ format, startingPrice: STARTING, reservePrice: reserveExtra === null ? null : STARTING + reserveExtra });
          const log: RecordedEvent[] = [recordedOf(first, 1, T0)];
          let state: AuctionState = evolve(initialState, first);
          let notices: NoticeState | undefined = evolveNotices(undefined, first, 1);
          const amounts = new Set<number>();
          const names = new Set<string>();
          let seconds = 0;
          for (const [index, s] of steps.entries()) {
            seconds += s.dt;
            const command = commandOf(s, seconds, index);
            if (command.type === 'PlaceBid') {
              amounts.add(command.maxAmount);
              names.add(command.bidderId);
              names.add(command.bidId);
              names.add(pseudonym(AUCTION, command.bidderId));
            }
            const decided = decide(command, state);
            if (E.isLeft(decided)) continue;
            for (const event of decided.right) {
              const ends = event.type === 'AuctionClosed' || event.type === 'AuctionCancelled';
              if (ends && event.type === 'AuctionClosed') return; // the reveal: from here on the bids are public
              const told = noticesOf(notices, event);
              if (event.type === 'SealedBidPlaced') assert.deepEqual(told, [], 'a sealed bid tells nobody anything');
              state = evolve(state, event);
              notices = evolveNotices(notices, event, log.length + 1);
              log.push(recordedOf(event, log.length + 1, at(seconds)));
              if (ends) break;
            }
            const outputs = publicOutputs(log, toMillis(at(seconds)));
            const found = leaks(outputs, amounts, names);
            assert.deepEqual(found, [], `after step ${index}: ${JSON.stringify(outputs)}`);
            if (state.kind === 'auction' && state.phase.kind !== 'live') break;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Every public output the log gives: each change's live state and frame, the views at a few moments, the row's public view, the public bid rows. */
const publicOutputs = (log: readonly RecordedEvent[], nowMs: number): unknown[] => {
  const plan = planLiveChanges(AUCTION, undefined, log, pseudonym);
  assert.equal(plan.unprojectable, undefined);
  const folded = foldAuction(AUCTION, undefined, log, pseudonym);
  assert.ok(folded.changes !== undefined);
  const { row, bids } = folded.changes;
  // The read API leaves every sealed row out of the public and auditors' histories while the auction is live (bid-queries.ts).
  const liveSealed = row.outcome === 'live' || row.outcome === 'cancelled';
  assert.ok(!liveSealed || bids.every((b) => b.outcome === 'sealed'), 'every bid row of a sealed auction is a sealed row');
  const last = plan.changes[plan.changes.length - 1]!.auction;
  // One public view: the read model's row through the read API equals the live cache's state.
  assertOneView(row, last, nowMs, undefined, pseudonym);
  return [
    ...plan.changes.map((c) => [c.auction, c.frame]),
    [nowMs - 60_000, nowMs, toMillis(T0) + HOUR * 1000 + 1].map((ms) => publicAuctionView(last, ms)),
    rowView(row, nowMs, pseudonym),
    toView(asStored(row), new Date(nowMs), { userId: 'watcher' } as never, pseudonym),
    bids.filter((b) => b.outcome !== 'sealed'),
  ];
};
