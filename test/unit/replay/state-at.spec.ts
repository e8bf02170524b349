// The state of an auction whose stream holds an event that cannot be decoded: reported, not a
// crash; the state is the one before it (what the projectors show for a parked stream).
import assert from 'node:assert/strict';
import type { EventLog, RecordedEvent } from '../../../domain/index.js';
import { stateAt } from '../../../scripts/replay/state-at.js';
import { AuctionStream } from '../../support/live-events.js';

const logOf = (events: readonly RecordedEvent[]): EventLog =>
  ({
    readStream: (streamId: string) => Promise.resolve(events.filter((e) => e.streamId === streamId)),
    readAll: ({ after }: { after: string }) => Promise.resolve(events.filter((e) => e.position > after)),
    compareLogPositions: (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0),
  }) as unknown as EventLog;

describe('replay --state-of: an event that cannot be decoded', () => {
  it('reports the event and gives the state just before it', async () => {
    const s = new AuctionStream('replay-unreadable');
    const events = [...s.create(), ...s.bid('alice', 2000), ...s.bid('bob', 3000), ...s.bid('alice', 5000)];
    const broken = events.map((e) => (e.streamVersion === 3 ? { ...e, data: { ...e.data, maxAmount: 3000.5 } } : e));
    const report = await stateAt(logOf(broken), s.auctionId, { kind: 'position', position: broken[3]!.position });
    assert.equal(report.version, 2);
    assert.equal(report.lastEvent?.streamVersion, 2);
    assert.equal(report.state.kind === 'auction' ? report.state.bidCount : -1, 1);
    assert.deepEqual({ ...report.unreadable, reason: undefined }, { position: broken[2]!.position, streamVersion: 3, type: 'BidPlaced', reason: undefined });
    assert.match(report.unreadable!.reason, /3000\.5/);

    const clean = await stateAt(logOf(events), s.auctionId, { kind: 'position', position: events[3]!.position });
    assert.equal(clean.version, 4);
    assert.equal(clean.unreadable, undefined);
  });
});
