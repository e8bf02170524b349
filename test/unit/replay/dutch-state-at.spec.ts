// replay --state-of --at-time on a Dutch auction: the price its clock showed at that moment, then
// the sale's (the state), or the clock's when it ended unsold.
import assert from 'node:assert/strict';
import type { AuctionEvent, DutchClock, EventLog, RecordedEvent } from '../../../domain/index.js';
import { currentSchemaVersion, streamIdOf, toMillis } from '../../../domain/index.js';
import { stateAt } from '../../../scripts/replay/state-at.js';
import { AUCTION, T0, amount, at, created } from '../../support/decider.js';

const CLOCK = { decrementAmount: amount(100), decrementEverySeconds: 60, floorPrice: amount(350) } as DutchClock;

const recorded = (events: readonly [AuctionEvent, string][]): RecordedEvent[] =>
  events.map(([event, serverTime], i) => ({
    eventId: `e${i + 1}`,
    type: event.type,
    data: event.data as unknown as RecordedEvent['data'],
    metadata: {
      commandId: `c${i + 1}`, idempotencyKey: null, userId: 'test', correlationId: `c${i + 1}`, causationId: `c${i + 1}`,
      serverTime: serverTime as RecordedEvent['metadata']['serverTime'], schemaVersion: currentSchemaVersion[event.type],
    },
    streamId: streamIdOf(AUCTION),
    streamVersion: i + 1,
    position: String(i + 1).padStart(6, '0'),
    prevHash: '',
    hash: `h${i + 1}`,
  }));

const logOf = (events: readonly RecordedEvent[]): EventLog =>
  ({
    readStream: () => Promise.resolve(events),
    readAll: ({ after }: { after: string }) => Promise.resolve(events.filter((e) => e.position > after)),
    compareLogPositions: (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0),
  }) as unknown as EventLog;

const atTime = (seconds: number) => ({ kind: 'time' as const, iso: at(seconds), ms: toMillis(at(seconds)) });

describe('replay --state-of --at-time: a Dutch auction', () => {
  const first = created({ format: 'dutch', clock: CLOCK, endsAt: at(480) });

  it('gives the clock\'s price at the moment while live, none once sold (the state has the sale\'s price)', async () => {
    const sale: AuctionEvent = { type: 'AuctionBoughtNow', data: { auctionId: AUCTION, buyerId: 'alice', price: amount(700), boughtAt: at(200) } };
    const log = logOf(recorded([[first, T0], [sale, at(200)]]));
    assert.equal((await stateAt(log, AUCTION, atTime(130))).clockPrice, 800);
    const after = await stateAt(log, AUCTION, atTime(300));
    assert.equal(after.clockPrice, undefined);
    assert.equal(after.state.kind === 'auction' && after.state.phase.kind === 'sold' ? after.state.phase.price : null, 700);
  });

  it('gives the floor once it ran out unsold', async () => {
    const closed: AuctionEvent = { type: 'AuctionClosed', data: { auctionId: AUCTION, closedAt: at(481), result: 'unsold', winnerId: null, finalPrice: null, bidCount: 0, reserveMet: true, ranking: null } };
    const report = await stateAt(logOf(recorded([[first, T0], [closed, at(481)]])), AUCTION, atTime(600));
    assert.deepEqual([report.status, report.clockPrice], ['unsold', 350]);
  });
});
