// The closing schedule feed and an event it cannot decode: skipped and reported once, never retried
// forever; every other event (the same stream's later ones included) still reaches the queue.
import assert from 'node:assert/strict';
import type { EventLog, RecordedEvent, SubscribeOptions } from '../../../domain/index.js';
import { START } from '../../../domain/index.js';
import type { UnreadableEvent } from '../../../commands/index.js';
import { InMemoryClosingQueue, startScheduleFeed } from '../../../commands/index.js';
import { AuctionStream, LogPositions } from '../../support/live-events.js';

/** A log whose subscription delivers `events` in one batch; `delivered` settles once it was handled. */
const logDelivering = (events: readonly RecordedEvent[], errors: unknown[]) => {
  let delivered: Promise<void> = Promise.resolve();
  const log = {
    subscribeToAll: (options: SubscribeOptions) => {
      delivered = options.onEvents(events).catch((error: unknown) => void errors.push(error));
      return { stop: () => Promise.resolve() };
    },
  } as unknown as EventLog;
  return { log, delivered: () => delivered };
};

describe('closing schedule feed: an event it cannot decode', () => {
  it('is skipped and reported; the other auctions are scheduled and the checkpoint moves past it', async () => {
    const positions = new LogPositions();
    const bad = new AuctionStream('feed-bad', positions);
    const good = new AuctionStream('feed-good', positions);
    const badEvents = [...bad.create(), ...bad.bid('alice', 2000)];
    const unreadable = { ...badEvents[1]!, data: { ...badEvents[1]!.data, endsAt: 'soon' } };
    const later = bad.close();
    const events = [badEvents[0]!, unreadable, ...good.create(), ...later];
    const errors: unknown[] = [];
    const reported: UnreadableEvent[] = [];
    const saved: string[] = [];
    const queue = new InMemoryClosingQueue();
    const { log, delivered } = logDelivering(events, errors);
    const feed = await startScheduleFeed(log, queue, { load: () => Promise.resolve(START), save: (p) => Promise.resolve(void saved.push(p)) }, (e) => errors.push(e), (u) => reported.push(u));
    await delivered();
    await feed.stop();

    assert.deepEqual(errors, []);
    assert.deepEqual(reported.map((u) => [u.recorded.streamId, u.recorded.streamVersion]), [['auction-feed-bad', 2]]);
    assert.match(reported[0]!.reason, /soon/);
    assert.deepEqual(saved, [events[events.length - 1]!.position]);
    // feed-good is scheduled; feed-bad's later AuctionClosed still took it off the queue
    const due = await queue.claimDue(new Date('2100-01-01T00:00:00Z'), 10, 1_000);
    assert.deepEqual(due, ['feed-good']);
  });
});
