// The realtime WebSocket server end to end, with a real client (`ws`) against the real server:
// bids over HTTP -> event log -> live-cache projector -> feed -> relay -> uWS -> socket. Embedded
// mode (in-memory cache) always; with REDIS_URL, the Redis cache and pub/sub, two nodes on one
// Redis, and a lost subscriber connection; with REDIS_CLUSTER_NODES, the same suite on a Redis
// Cluster, and two nodes whose frames cross the cluster's nodes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isRight } from 'fp-ts/lib/Either.js';
import type { RecordedEvent } from '../../domain/index.js';
import type { LiveFeed } from '../../contracts/index.js';
import { AuctionUpdated, streamIdOf } from '../../domain/index.js';
import { auctionCacheKey, auctionChannel, auctionFramesKey } from '../../contracts/index.js';
import type { Projector } from '../../projections/index.js';
import { RedisLiveCache } from '../../projections/index.js';
import { ErrorFrame, SnapshotFrame, TimeFrame, openRedisLiveFeed, startRealtimeServer } from '../../realtime/index.js';
import type { RealtimeLimits, RealtimeServer } from '../../realtime/index.js';
import type { Redis } from '../../infra/index.js';
import { closeRedis, createLogger, loadConfig, openRedis, pseudonymiser } from '../../infra/index.js';
import { startSystem } from '../../scripts/compose/system.js';
import type { RunningSystem } from '../../scripts/compose/system.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, eventually, startTestSystem } from '../support/system.js';
import type { Frame, TestClient } from '../support/ws-client.js';
import { connect, refusedUpgrade, versions } from '../support/ws-client.js';
import { AuctionStream } from '../support/live-events.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const limits = { maxSubscriptionsPerSocket: 3, lingerMs: 0, maxBackpressureBytes: 64 * 1024 };

const realtimeSuite = (backend: () => Backend) => {
  let sys: TestSystem;
  let seller: string;
  let alice: string;
  let bob: string;
  let carol: string;
  const clients: TestClient[] = [];

  before(async () => {
    sys = await startTestSystem(backend(), { realtimeLimits: limits });
    seller = await sys.token('sam', 'seller');
    alice = await sys.token('alice', 'bidder');
    bob = await sys.token('bob', 'bidder');
    carol = await sys.token('carol', 'bidder');
  });
  after(async () => sys?.stop());
  const nodes: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const close of nodes.splice(0)) await close();
  });

  const client = async (url = sys.realtimeUrl!) => {
    const c = await connect(url);
    clients.push(c);
    return c;
  };
  const create = async (body: Record<string, unknown> = {}) => {
    const r = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600), ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.auctionId as string;
  };
  const bid = async (auctionId: string, token: string, maxAmount: number) => {
    const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { currentPrice: number; bidderPseudonym: string; leading: boolean; version: number };
  };
  const snapshotOf = (c: TestClient, auctionId: string, from = 0) =>
    c.waitFor((f) => f.type === 'snapshot' && (f.auction as { auctionId: string }).auctionId === auctionId, `a snapshot of ${auctionId}`, from);
  const updateOf = (c: TestClient, auctionId: string, version: number) =>
    c.waitFor((f) => f.type === 'auction.updated' && f.auctionId === auctionId && (f.version as number) >= version, `version ${version} of ${auctionId}`);
  /** Everything a client received about one auction (snapshots and updates), in order. */
  const about = (c: TestClient, auctionId: string): Frame[] =>
    c.frames.filter((f) => (f.type === 'auction.updated' && f.auctionId === auctionId) || (f.type === 'snapshot' && (f.auction as { auctionId: string }).auctionId === auctionId));
  /** A realtime node of its own on the system's live feed (its own counters and limits); closed after the test. */
  const ownNode = async (nodeLimits: Partial<RealtimeLimits>): Promise<RealtimeServer> => {
    let feed: LiveFeed;
    let closeFeed = (): Promise<void> => Promise.resolve();
    if (sys.live.memoryCache !== undefined) {
      feed = sys.live.memoryCache;
    } else {
      const redisFeed = await openRedisLiveFeed(sys.config.redis!, sys.resources.redis!);
      feed = redisFeed;
      closeFeed = () => redisFeed.close();
    }
    const node = await startRealtimeServer({ feed, logger: createLogger('silent'), port: 0, limits: nodeLimits });
    nodes.push(async () => {
      await node.close();
      await closeFeed();
    });
    return node;
  };
  /** A projector that writes synthetic auctions into the system's live cache (to make frames fast). */
  const cacheWriter = (): Projector =>
    sys.live.memoryCache ?? new RedisLiveCache({ redis: sys.resources.redis!, pseudonym: pseudonymiser('synthetic'), namespace: `gs:test:${randomUUID()}` });

  it('sends the time on connect, a snapshot on subscribe, then every change in version order as bids arrive over HTTP', async () => {
    const auctionId = await create({ description: 'Steel case', buyNowPrice: 50_000, softClose: { windowSeconds: 60, extensionSeconds: 120 } });
    const c = await client();
    const time = await c.waitFor((f) => f.type === 'time', 'the time frame');
    assert.equal(c.frames[0], time, 'the time comes first');
    assert.ok(isRight(TimeFrame.decode(time)));
    assert.ok(Math.abs(Date.parse(time.serverTime as string) - Date.now()) < 60_000);

    c.send({ type: 'subscribe', auctionId });
    const snapshot = await snapshotOf(c, auctionId);
    assert.ok(isRight(SnapshotFrame.decode(snapshot)), JSON.stringify(snapshot));
    const [createdEvent] = await sys.resources.log.readStream(streamIdOf(auctionId));
    const created = createdEvent!.data as Record<string, string>;
    assert.deepEqual(snapshot.auction, {
      auctionId, title: 'Omega Seamaster', description: 'Steel case', sellerId: 'sam', format: 'english', status: 'open', currency: 'USD',
      startingPrice: 1000, currentPrice: 1000, bidCount: 0, leader: null, reserveMet: true, buyNowPrice: 50_000,
      startsAt: created.startsAt, endsAt: created.endsAt, softClose: { windowSeconds: 60, extensionSeconds: 120 },
      createdAt: created.createdAt, minimumBid: 1000, version: 1,
    });

    const a = await bid(auctionId, alice, 2000);
    const b = await bid(auctionId, bob, 1500);
    const d = await bid(auctionId, carol, 3000);
    await updateOf(c, auctionId, 4);
    const updates = c.updates(auctionId);
    assert.deepEqual(versions(updates), [2, 3, 4]);
    for (const u of updates) assert.ok(isRight(AuctionUpdated.decode(u)), JSON.stringify(u));
    assert.deepEqual(updates.map((u) => [u.currentPrice, u.leader, u.bidCount]), [
      [a.currentPrice, a.bidderPseudonym, 1],
      [b.currentPrice, a.bidderPseudonym, 2],
      [d.currentPrice, d.bidderPseudonym, 3],
    ]);
    // The minimum next bid (the domain's: price plus its increment), and buy-now gone after the first bid.
    assert.deepEqual(updates.map((u) => [u.minimumBid, u.buyNowPrice, u.reserveMet]), [[1050, null, true], [1600, null, true], [2100, null, true]]);
    const wire = JSON.stringify(c.frames);
    for (const secret of ['alice', 'bob', 'carol', 'maxAmount']) assert.ok(!wire.includes(secret), `${secret} reached a client`);

    // Concurrent bids: still each version once, in order.
    const racers = await Promise.all(range(1, 8).map((i) => sys.token(`racer${i}`, 'bidder')));
    const results = await Promise.all(racers.map((t, i) => sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: t, body: { maxAmount: 5000 + i * 700 }, headers: { 'Idempotency-Key': randomUUID() } })));
    const last = Math.max(4, ...results.filter((r) => r.status === 201).map((r) => r.body.version as number));
    await updateOf(c, auctionId, last);
    assert.deepEqual(versions(c.updates(auctionId)), range(2, last));
    assert.equal(about(c, auctionId).filter((f) => f.type === 'snapshot').length, 1);
  });

  it('the snapshot is the public view of GET /v1/auctions/:id, at every stage of an auction', async () => {
    const auctionId = await create({ description: 'Boxed', buyNowPrice: 90_000, reservePrice: 4000 });
    // The live cache follows the log: a subscription right after a 201 may still see the version
    // before it, so each stage subscribes until the snapshot has reached that stage's version.
    const check = async (version: number) => {
      const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=${version}`);
      assert.equal(view.status, 200, JSON.stringify(view.body));
      const snapshot = await eventually(async () => {
        const c = await client();
        c.send({ type: 'subscribe', auctionId });
        const frame = await snapshotOf(c, auctionId);
        await c.close();
        const auction = frame.auction as { version: number };
        assert.ok(auction.version <= version, `a snapshot ahead of the log: ${auction.version} > ${version}`);
        return auction.version === version ? auction : undefined;
      }, `a snapshot of ${auctionId} at version ${version}`);
      assert.deepEqual(snapshot, view.body);
    };
    await check(1);
    await bid(auctionId, alice, 2000);
    await check(2);
    await bid(auctionId, bob, 5000); // the reserve is met, buy-now is gone
    await check(3);
    const cancelled = await sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token: await sys.token('root', 'admin'), body: {} });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await check(4);
  });

  it('resumes with sinceVersion: exactly the missed versions, then live, nothing doubled', async () => {
    const auctionId = await create();
    const first = await client();
    first.send({ type: 'subscribe', auctionId });
    await snapshotOf(first, auctionId);
    await bid(auctionId, alice, 2000);
    await bid(auctionId, bob, 3000);
    await updateOf(first, auctionId, 3);
    await first.close();

    await bid(auctionId, alice, 5000); // 4
    await bid(auctionId, bob, 7000); // 5: missed while away
    const again = await client();
    again.send({ type: 'subscribe', auctionId, sinceVersion: 3 });
    await updateOf(again, auctionId, 5);
    const latest = await bid(auctionId, carol, 9000); // 6, live
    await updateOf(again, auctionId, 6);
    assert.deepEqual(about(again, auctionId).map((f) => `${f.type}:${f.version as number}`), ['auction.updated:4', 'auction.updated:5', 'auction.updated:6']);

    // A client that already holds the latest version (from the HTTP answer) gets only what follows,
    // even when this node has not heard of that version yet.
    const current = await client();
    current.send({ type: 'subscribe', auctionId, sinceVersion: latest.version });
    await bid(auctionId, alice, 12_000); // 7
    await updateOf(current, auctionId, 7);
    await updateOf(again, auctionId, 7);
    assert.deepEqual(versions(about(current, auctionId)), [7]);
    assert.deepEqual(versions(again.updates(auctionId)), [4, 5, 6, 7]);
  });

  it('stops sending an auction once unsubscribed', async () => {
    const auctionId = await create();
    const other = await create();
    const leaving = await client();
    const staying = await client();
    leaving.send({ type: 'subscribe', auctionId });
    staying.send({ type: 'subscribe', auctionId });
    await snapshotOf(leaving, auctionId);
    await snapshotOf(staying, auctionId);
    leaving.send({ type: 'unsubscribe', auctionId });
    // The socket's frames are handled in order: once this answer arrives, the unsubscribe is done.
    leaving.send({ type: 'subscribe', auctionId: other });
    await snapshotOf(leaving, other);
    await bid(auctionId, alice, 2000);
    await bid(auctionId, bob, 3000);
    await updateOf(staying, auctionId, 3);
    await bid(other, alice, 2000);
    await updateOf(leaving, other, 2);
    assert.deepEqual(leaving.updates(auctionId), []);
    assert.equal(sys.live.realtime!.stats().subscriptions >= 2, true);
  });

  it('answers malformed frames with error frames and keeps the socket open', async () => {
    const auctionId = await create();
    const c = await client();
    const malformed: [string | Buffer, string, boolean?][] = [
      ['not json', 'INVALID_JSON'],
      ['[1,2]', 'INVALID_FRAME'],
      ['{"type":42}', 'INVALID_FRAME'],
      ['{"type":"bid","auctionId":"x"}', 'UNKNOWN_FRAME_TYPE'],
      [JSON.stringify({ type: 'subscribe', auctionId: 'not an id!' }), 'INVALID_FRAME'],
      [JSON.stringify({ type: 'subscribe' }), 'INVALID_FRAME'],
      [JSON.stringify({ type: 'subscribe', auctionId, sinceVersion: -1 }), 'INVALID_FRAME'],
      [JSON.stringify({ type: 'subscribe', auctionId, sinceVersion: '3' }), 'INVALID_FRAME'],
      [JSON.stringify({ type: 'subscribe', auctionId, extra: true }), 'INVALID_FRAME'],
      [JSON.stringify({ type: 'unsubscribe', auctionId: 'x'.repeat(5000) }), 'FRAME_TOO_LARGE'],
      [Buffer.from('{"type":"subscribe"}'), 'BINARY_NOT_SUPPORTED', true],
    ];
    for (const [data, , binary] of malformed) c.sendRaw(data, { binary: binary ?? false });
    c.send({ type: 'unsubscribe', auctionId }); // not subscribed: nothing to say
    c.send({ type: 'subscribe', auctionId });
    await snapshotOf(c, auctionId);
    const errors = c.frames.filter((f) => f.type === 'error');
    assert.deepEqual(errors.map((e) => e.code), malformed.map(([, code]) => code));
    for (const e of errors) assert.ok(isRight(ErrorFrame.decode(e)), JSON.stringify(e));
    assert.match(errors[4]!.message as string, /auctionId/);
    assert.equal(errors[6]!.auctionId, auctionId, 'an error about a subscription names its auction');
    assert.equal(c.closed, undefined);
    await bid(auctionId, alice, 2000);
    await updateOf(c, auctionId, 2);
  });

  it('closes a socket whose frame exceeds the transport limit, and serves the others', async () => {
    const auctionId = await create();
    const rude = await client();
    const polite = await client();
    rude.sendRaw('x'.repeat(100 * 1024));
    await rude.waitClosed();
    polite.send({ type: 'subscribe', auctionId });
    await snapshotOf(polite, auctionId);
  });

  it('answers a subscription to an unknown auction with AUCTION_NOT_FOUND', async () => {
    const c = await client();
    const missing = `missing-${randomUUID()}`;
    c.send({ type: 'subscribe', auctionId: missing });
    const error = await c.waitFor((f) => f.type === 'error', 'an error frame');
    assert.equal(error.code, 'AUCTION_NOT_FOUND');
    assert.equal(error.auctionId, missing);
    assert.equal(sys.live.realtime!.stats().subscriptions >= 0, true);
    // It does not count against the limit: three real subscriptions still fit.
    const ids = await Promise.all([create(), create(), create()]);
    for (const id of ids) c.send({ type: 'subscribe', auctionId: id });
    for (const id of ids) await snapshotOf(c, id);
  });

  it('limits the subscriptions of one socket', async () => {
    const ids = await Promise.all([create(), create(), create(), create()]);
    const c = await client();
    for (const id of ids.slice(0, 3)) c.send({ type: 'subscribe', auctionId: id });
    for (const id of ids.slice(0, 3)) await snapshotOf(c, id);
    c.send({ type: 'subscribe', auctionId: ids[3] });
    const refused = await c.waitFor((f) => f.type === 'error', 'the refusal');
    assert.equal(refused.code, 'TOO_MANY_SUBSCRIPTIONS');
    assert.equal(refused.auctionId, ids[3]);
    const mark = c.frames.length;
    c.send({ type: 'subscribe', auctionId: ids[0] }); // already followed: a resubscription, not a fourth
    await snapshotOf(c, ids[0]!, mark);
    c.send({ type: 'unsubscribe', auctionId: ids[1] });
    c.send({ type: 'subscribe', auctionId: ids[3] });
    await snapshotOf(c, ids[3]!);
    assert.equal(c.frames.filter((f) => f.type === 'error').length, 1);
  });

  it('a churning client that never reads (subscribe with sinceVersion / unsubscribe) is told, then closed with 1008; its catch-ups cost a bounded number of reads; an honest subscriber is served', async () => {
    const node = await ownNode({ framesPerSecond: 10, frameBurst: 20, ringLength: 2, lingerMs: 0 });
    const writer = cacheWriter();
    const stream = new AuctionStream(`churn-${randomUUID()}`);
    const write = (events: readonly RecordedEvent[]) => writer.apply(events, 'synthetic', events[events.length - 1]!.position);
    await write(stream.create());
    await write(stream.bidding(10)); // version 11: resuming from 1 needs the cache's history

    const attacker = await client(node.url);
    await attacker.waitFor((f) => f.type === 'time', 'the time frame');
    attacker.socket.pause(); // it never reads: the node must drop it all the same
    for (let i = 0; i < 500; i++) {
      attacker.send({ type: 'subscribe', auctionId: stream.auctionId, sinceVersion: 1 });
      attacker.send({ type: 'unsubscribe', auctionId: stream.auctionId });
    }
    await eventually(async () => (node.stats().connections === 0 ? true : undefined), 'the node to drop the attacker');
    attacker.socket.resume();
    assert.equal(await attacker.waitClosed('the attacker to see its socket closed'), 1008);
    const refusals = attacker.frames.filter((f) => f.type === 'error');
    assert.ok(refusals.length >= 1, 'told before being closed');
    for (const e of refusals) {
      assert.equal(e.code, 'RATE_LIMITED');
      assert.ok(isRight(ErrorFrame.decode(e)), JSON.stringify(e));
    }
    const stats = node.stats();
    assert.ok(stats.peakPendingCacheReads <= 2, `at most one state read and one history read of the auction at once, saw ${stats.peakPendingCacheReads}`);
    assert.ok(stats.cacheReads.history < 100, `history reads bounded by the frames accepted, not the 500 sent; saw ${stats.cacheReads.history}`);
    // Nothing left behind: no subscription, no followed auction, no read in flight.
    await eventually(async () => {
      const now = node.stats();
      return now.connections === 0 && now.subscriptions === 0 && now.auctionFeeds === 0 && now.pendingCacheReads === 0 ? true : undefined;
    }, 'the node to forget the attacker and its pending work');
    assert.match(await node.registry.getSingleMetricAsString('gavelstream_realtime_rate_limit_closes_total'), /_total 1$/m);

    const honest = await client(node.url);
    honest.send({ type: 'subscribe', auctionId: stream.auctionId });
    const snapshot = await snapshotOf(honest, stream.auctionId);
    assert.equal((snapshot.auction as { version: number }).version, 11);
    await write(stream.bidding(1));
    await updateOf(honest, stream.auctionId, 12);
  });

  it('however fast the churn is let in, one auction never has more than one state read and one history read in flight', async () => {
    const node = await ownNode({ framesPerSecond: 1_000_000, frameBurst: 1_000_000, ringLength: 2, lingerMs: 0 });
    const writer = cacheWriter();
    const stream = new AuctionStream(`churn-${randomUUID()}`);
    const write = (events: readonly RecordedEvent[]) => writer.apply(events, 'synthetic', events[events.length - 1]!.position);
    await write(stream.create());
    await write(stream.bidding(10));
    const churners = await Promise.all([client(node.url), client(node.url), client(node.url)]);
    for (let i = 0; i < 300; i++) {
      for (const c of churners) {
        c.send({ type: 'subscribe', auctionId: stream.auctionId, sinceVersion: 1 + (i % 5) });
        c.send({ type: 'unsubscribe', auctionId: stream.auctionId });
      }
    }
    // A socket's frames are handled in order: once each answers this, its churn has been handled.
    for (const c of churners) c.send({ type: 'subscribe', auctionId: stream.auctionId });
    for (const c of churners) await snapshotOf(c, stream.auctionId);
    const stats = node.stats();
    // (How many reads in all depends on how fast each settles: in memory, each one before the next frame.)
    assert.ok(stats.peakPendingCacheReads <= 2, `saw ${stats.peakPendingCacheReads} reads in flight at once`);
    assert.equal(churners.filter((c) => c.closed !== undefined).length, 0);
  });

  it('refuses a connection over the per-address limit with 429 TOO_MANY_CONNECTIONS, and accepts one again once a socket closes', async () => {
    const node = await ownNode({ ...loadConfig({ REALTIME_MAX_CONNECTIONS_PER_ADDRESS: '3' }).realtime });
    const open = await Promise.all([client(node.url), client(node.url), client(node.url)]);
    const refused = await refusedUpgrade(node.url);
    assert.equal(refused.status, 429);
    assert.equal(refused.retryAfter, '10');
    assert.equal((refused.body as { error: { code: string } }).error.code, 'TOO_MANY_CONNECTIONS');
    assert.equal(node.stats().connections, 3);
    assert.equal(node.stats().refusedConnections, 1);
    await open[0]!.close();
    await eventually(async () => (node.stats().connections === 2 ? true : undefined), 'the server to see the socket closed');
    const again = await client(node.url);
    await again.waitFor((f) => f.type === 'time', 'the time frame');
  });

  it('drops a slow consumer at the backpressure limit instead of buffering for it, and keeps serving the others', async () => {
    const writer = cacheWriter();
    const stream = new AuctionStream(`slow-${randomUUID()}`);
    const write = (events: readonly RecordedEvent[]) => writer.apply(events, 'synthetic', events[events.length - 1]!.position);
    await write(stream.create());
    const slow = await client();
    const healthy = await client();
    slow.send({ type: 'subscribe', auctionId: stream.auctionId });
    healthy.send({ type: 'subscribe', auctionId: stream.auctionId });
    await snapshotOf(slow, stream.auctionId);
    await snapshotOf(healthy, stream.auctionId);
    const connected = sys.live.realtime!.stats().connections;
    slow.socket.pause(); // it never reads again: the kernel buffers fill, then the server's

    let version = 1;
    while (sys.live.realtime!.stats().connections === connected) {
      assert.ok(version < 200_000, 'the slow consumer should have been dropped long before this');
      await write(stream.bidding(1000));
      version += 1000;
      await updateOf(healthy, stream.auctionId, version);
    }
    assert.equal(healthy.closed, undefined, 'the healthy client stays');
    assert.deepEqual(versions(healthy.updates(stream.auctionId)), range(2, version));
    slow.socket.resume();
    await slow.waitClosed('the slow consumer to see its socket closed', 20_000);
  });
};

describe('realtime WebSockets: embedded', () => realtimeSuite(() => embedded));

describe('realtime WebSockets: Redis', function () {
  let backend: Backend;
  before(function () {
    const redisUrl = serviceUrl(this, 'REDIS_URL', 'realtime WebSockets on Redis');
    backend = { name: 'redis', redisUrl, databaseUrl: process.env.DATABASE_URL || undefined };
  });
  realtimeSuite(() => backend);

  describe('more than one node, and a lost connection', () => {
    let sys: TestSystem;
    let second: RunningSystem;
    let redis: Redis;
    const clients: TestClient[] = [];
    before(async () => {
      sys = await startTestSystem(backend, { realtimeLimits: { lingerMs: 0 } });
      second = await startSystem(
        loadConfig({
          ROLES: 'realtime', REALTIME_PORT: '0', DATA_DIR: 'memory', LOG_LEVEL: 'silent', REDIS_URL: backend.redisUrl!,
          ...(sys.config.databaseUrl !== undefined ? { DATABASE_URL: sys.config.databaseUrl } : {}),
        }),
        createLogger('silent'),
        { realtimeLimits: { lingerMs: 0 } },
      );
      redis = await openRedis(backend.redisUrl!, 'realtime-test');
    });
    after(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await second?.stop();
      await sys?.stop();
      if (redis !== undefined) await closeRedis(redis);
    });
    const client = async (url: string) => {
      const c = await connect(url);
      clients.push(c);
      return c;
    };

    it('two realtime nodes behind one Redis deliver the same ordered stream, with one Redis subscription each', async () => {
      const seller = await sys.token('sam', 'seller');
      const created = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Leica M3', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600) } });
      const auctionId = created.body.auctionId as string;
      assert.equal(second.url, undefined, 'the second node runs the realtime role only');
      const onA = await client(sys.realtimeUrl!);
      const onB = await Promise.all([client(second.realtimeUrl!), client(second.realtimeUrl!), client(second.realtimeUrl!)]);
      for (const c of [onA, ...onB]) c.send({ type: 'subscribe', auctionId });
      for (const c of [onA, ...onB]) await c.waitFor((f) => f.type === 'snapshot', 'a snapshot');
      const [, subscribers] = (await redis.pubsub('NUMSUB', auctionChannel(auctionId))) as [string, number];
      assert.equal(subscribers, 2, 'one channel subscription per node, however many sockets');

      const bidders = await Promise.all(range(1, 12).map((i) => sys.token(`b${i}`, 'bidder')));
      const results = [];
      for (const [i, token] of bidders.entries()) {
        results.push(sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount: 2000 + i * 500 }, headers: { 'Idempotency-Key': randomUUID() } }));
        if (i % 3 === 2) await Promise.all(results);
      }
      const last = Math.max(...(await Promise.all(results)).filter((r) => r.status === 201).map((r) => r.body.version as number));
      for (const c of [onA, ...onB]) await c.waitFor((f) => f.type === 'auction.updated' && (f.version as number) >= last, `version ${last}`);
      const streams = [onA, ...onB].map((c) => JSON.stringify(c.updates(auctionId)));
      assert.deepEqual(versions(onA.updates(auctionId)), range(2, last));
      for (const s of streams) assert.equal(s, streams[0], 'every node sends the same frames in the same order');

      for (const c of [onA, ...onB]) c.send({ type: 'unsubscribe', auctionId });
      await eventually(async () => {
        const [, n] = (await redis.pubsub('NUMSUB', auctionChannel(auctionId))) as [string, number];
        return n === 0 ? true : undefined;
      }, 'both nodes to leave the channel');
    });

    it('an auction\'s live state that lost its latest writes (a failover to a replica behind) heals from the event log on its next bid: its sockets see each version once, in order', async () => {
      const seller = await sys.token('sam', 'seller');
      const created = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Rolex GMT', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600) } });
      const auctionId = created.body.auctionId as string;
      const c = await client(sys.realtimeUrl!);
      c.send({ type: 'subscribe', auctionId });
      await c.waitFor((f) => f.type === 'snapshot', 'a snapshot');
      const bid = async (who: string, maxAmount: number) => {
        const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: await sys.token(who, 'bidder'), body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        await c.waitFor((f) => f.type === 'auction.updated' && f.version === r.body.version, `version ${r.body.version as number}`);
      };
      await bid('b1', 2000);
      const saved = await Promise.all([redis.dumpBuffer(auctionCacheKey(auctionId)), redis.dumpBuffer(auctionFramesKey(auctionId))]);
      await bid('b2', 3000);
      await bid('b1', 4000);
      // Redis loses the last two changes; the projector's checkpoint stays past them.
      await redis.restore(auctionCacheKey(auctionId), 0, saved[0]!, 'REPLACE');
      await redis.restore(auctionFramesKey(auctionId), 0, saved[1]!, 'REPLACE');
      await bid('b2', 5000);
      const feed = await openRedisLiveFeed(sys.config.redis!, redis);
      try {
        assert.equal((await feed.current(auctionId))?.version, 5);
        assert.deepEqual((await feed.framesAfter(auctionId, 0))?.map((f) => f.version), [1, 2, 3, 4, 5]);
      } finally {
        await feed.close();
      }
      assert.deepEqual(versions(c.updates(auctionId)), [2, 3, 4, 5]);
    });

    it('after its Redis subscriber connection is killed, a node sends what it missed', async () => {
      const feed = await openRedisLiveFeed({ kind: 'standalone', url: backend.redisUrl! }, redis);
      const node = await startRealtimeServer({ feed, logger: createLogger('silent'), port: 0 });
      try {
        const writer = new RedisLiveCache({ redis, pseudonym: pseudonymiser('synthetic'), namespace: `gs:test:${randomUUID()}` });
        const stream = new AuctionStream(`lost-${randomUUID()}`);
        const write = (events: readonly RecordedEvent[]) => writer.apply(events, 'synthetic', events[events.length - 1]!.position);
        await write(stream.create());
        const c = await client(node.url);
        c.send({ type: 'subscribe', auctionId: stream.auctionId });
        await c.waitFor((f) => f.type === 'snapshot', 'a snapshot');

        const list = await redis.client('LIST') as string;
        const line = list.split('\n').find((l) => l.includes(`name=${feed.connectionName} `));
        assert.ok(line, `the node's subscriber connection ${feed.connectionName} is listed`);
        const id = /(?:^|\s)id=(\d+)/.exec(line)![1]!;
        await redis.client('KILL', 'ID', id);
        await write(stream.bidding(3)); // published while the node reconnects (its first retry waits 50 ms)

        await c.waitFor((f) => f.type === 'auction.updated' && f.version === 4, 'version 4 without a further change');
        assert.deepEqual(versions(c.updates(stream.auctionId)), [2, 3, 4]);
        const metrics = await node.registry.getSingleMetricAsString('gavelstream_realtime_feed_resyncs_total');
        assert.match(metrics, /gavelstream_realtime_feed_resyncs_total [1-9]/, 'the node re-read the cache after reconnecting');
      } finally {
        await node.close();
        await feed.close();
      }
    });
  });
});

describe('realtime WebSockets: Redis Cluster', function () {
  let backend: Backend;
  before(function () {
    const redisClusterNodes = serviceUrl(this, 'REDIS_CLUSTER_NODES', 'realtime WebSockets on a Redis Cluster');
    backend = { name: 'redis cluster', redisClusterNodes, databaseUrl: process.env.DATABASE_URL || undefined };
  });
  realtimeSuite(() => backend);

  it('a bid\'s frame reaches the sockets of two realtime nodes through pub/sub on the cluster', async () => {
    const sys = await startTestSystem(backend, { realtimeLimits: { lingerMs: 0 } });
    const second = await startSystem(
      loadConfig({
        ROLES: 'realtime', REALTIME_PORT: '0', DATA_DIR: 'memory', LOG_LEVEL: 'silent', REDIS_CLUSTER_NODES: backend.redisClusterNodes!,
        ...(sys.config.databaseUrl !== undefined ? { DATABASE_URL: sys.config.databaseUrl } : {}),
      }),
      createLogger('silent'),
      { realtimeLimits: { lingerMs: 0 } },
    );
    const sockets: TestClient[] = [];
    try {
      const seller = await sys.token('sam', 'seller');
      const created = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Rolex Submariner', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600) } });
      const auctionId = created.body.auctionId as string;
      sockets.push(await connect(sys.realtimeUrl!), await connect(second.realtimeUrl!));
      for (const c of sockets) c.send({ type: 'subscribe', auctionId });
      for (const c of sockets) await c.waitFor((f) => f.type === 'snapshot', 'a snapshot');
      const bid = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: await sys.token('bea', 'bidder'), body: { maxAmount: 2500 }, headers: { 'Idempotency-Key': randomUUID() } });
      assert.equal(bid.status, 201, JSON.stringify(bid.body));
      for (const c of sockets) await c.waitFor((f) => f.type === 'auction.updated' && f.version === bid.body.version, `version ${String(bid.body.version)}`);
      for (const c of sockets) assert.deepEqual(versions(c.updates(auctionId)), [2]);
    } finally {
      await Promise.all(sockets.map((c) => c.close()));
      await second.stop();
      await sys.stop();
    }
  });
});
