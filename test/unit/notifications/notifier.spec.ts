// The notifier (projections/notifications/notifier.ts) on the in-memory bus: given an auction's
// recorded events delivered in batches, then each user hears what the domain says, with its
// watchers where the kind asks, once per delivery, with the same ids on redelivery; what is old
// news, or only read from the log to catch up, tells nobody.
import assert from 'node:assert/strict';
import type { NotificationFrame } from '../../../contracts/index.js';
import type { RecordedEvent } from '../../../domain/index.js';
import { MemoryNotificationBus, Notifier } from '../../../projections/index.js';
import type { StreamHistory } from '../../../projections/index.js';
import { AuctionStream, LogPositions } from '../../support/live-events.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');

const setup = (options: { streams: AuctionStream[]; watchers?: Record<string, string[]>; nowMs?: number }) => {
  const bus = new MemoryNotificationBus();
  const heard: Record<string, NotificationFrame[]> = {};
  const listen = async (userId: string) => {
    heard[userId] = [];
    await bus.subscribeUser(userId, (n) => heard[userId]!.push(n));
  };
  const reads: string[] = [];
  const history: StreamHistory = (auctionId, fromVersion) => {
    reads.push(`${auctionId}@${fromVersion}`);
    const stream = options.streams.find((s) => s.auctionId === auctionId);
    return Promise.resolve((stream?.events ?? []).filter((e) => e.streamVersion >= fromVersion));
  };
  const checkpoints = new Map<string, string>();
  const notifier = new Notifier({
    sink: bus,
    history,
    watchers: (auctionId) => Promise.resolve(options.watchers?.[auctionId] ?? []),
    checkpoints: { load: (s) => Promise.resolve(checkpoints.get(s)), save: (s, p) => Promise.resolve(void checkpoints.set(s, p)) },
    now: () => options.nowMs ?? T0 + 3600_000,
    maxAgeMs: 24 * 3600_000,
  });
  const apply = (events: readonly RecordedEvent[]) => notifier.apply(events, 'log', events[events.length - 1]!.position);
  const kinds = (userId: string) => (heard[userId] ?? []).map((n) => `${n.kind}:${n.auctionId}`);
  return { notifier, listen, apply, heard, kinds, reads, checkpoints, fresh: () => new Notifier({ ...notifierOptions(notifier), history }) };
};
const notifierOptions = (n: Notifier) => (n as unknown as { options: ConstructorParameters<typeof Notifier>[0] }).options;

describe('notifier', () => {
  it('tells the leader it was outbid the moment another maximum passes it, with the public price only', async () => {
    const s = new AuctionStream('n1');
    const t = setup({ streams: [s] });
    for (const user of ['alice', 'bob']) await t.listen(user);
    await t.apply([...s.create(), ...s.bid('alice', 2000)]);
    await t.apply(s.bid('bob', 5000));
    assert.deepEqual(t.kinds('alice'), ['outbid:n1']);
    assert.deepEqual(t.kinds('bob'), []);
    const [outbid] = t.heard.alice!;
    assert.deepEqual({ ...outbid, id: undefined }, {
      type: 'notification', id: undefined, kind: 'outbid', auctionId: 'n1', title: 'A 1960s Omega Seamaster', currency: 'USD',
      currentPrice: 2050, endsAt: '2026-03-01T11:00:00.000Z', at: s.events[2]!.metadata.serverTime,
    });
    assert.ok(!JSON.stringify(t.heard).includes('5000'), 'no maximum in a notification');
    assert.equal(t.checkpoints.get('log'), s.events[2]!.position);
  });

  it('at the close tells the winner won and the others lost; a cancellation reaches bidders and watchers', async () => {
    const positions = new LogPositions();
    const sold = new AuctionStream('n2', positions);
    const cancelled = new AuctionStream('n3', positions);
    const t = setup({ streams: [sold, cancelled], watchers: { n3: ['wendy', 'alice'] } });
    for (const user of ['alice', 'bob', 'wendy']) await t.listen(user);
    await t.apply([...sold.create(), ...sold.bid('alice', 2000), ...sold.bid('bob', 3000), ...cancelled.create(), ...cancelled.bid('alice', 1500)]);
    await t.apply([...sold.close(), ...cancelled.cancel()]);
    assert.deepEqual(t.kinds('bob'), ['won:n2']);
    assert.deepEqual(t.kinds('alice'), ['outbid:n2', 'lost:n2', 'auction-cancelled:n3'], 'a bidder who also watches hears it once');
    assert.deepEqual(t.kinds('wendy'), ['auction-cancelled:n3']);
  });

  it('a redelivered batch notifies again with the same ids; events only read from the log to catch up tell nobody', async () => {
    const s = new AuctionStream('n4');
    const t = setup({ streams: [s] });
    await t.listen('alice');
    const early = [...s.create(), ...s.bid('alice', 2000), ...s.bid('bob', 3000)];
    const later = [...s.bid('alice', 5000), ...s.bid('bob', 9000)];
    // A notifier that starts mid-stream (a restart): the first three events come from the log, silently.
    await t.apply(later);
    assert.deepEqual(t.reads, ['n4@1']);
    assert.deepEqual(t.kinds('alice'), ['outbid:n4'], 'only the delivered bid by bob outbid alice');
    const first = t.heard.alice![0]!.id;
    const restarted = t.fresh();
    await restarted.apply(later, 'log', later[1]!.position);
    assert.deepEqual(t.heard.alice!.map((n) => n.id), [first, first], 'the same notification, the same id');
    assert.equal(early.length, 3);
  });

  it('old news (events older than maxAgeMs when delivered: a projection from the log\'s start) tells nobody', async () => {
    const s = new AuctionStream('n5');
    const t = setup({ streams: [s], nowMs: T0 + 3 * 24 * 3600_000 });
    await t.listen('alice');
    await t.apply([...s.create(), ...s.bid('alice', 2000), ...s.bid('bob', 3000), ...s.close()]);
    assert.deepEqual(t.kinds('alice'), []);
  });
});
