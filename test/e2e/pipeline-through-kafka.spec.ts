// Issue 4's "done when", end to end with every real service: bids sent over HTTP travel
// command API -> PostgreSQL event log -> publisher -> Kafka topic -> projectors' consumer groups ->
// PostgreSQL read models (seen through the read API), the Redis hash, and the Redis channel
// (LiveChange messages, in version order) -> a realtime node's WebSocket frames.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isRight } from 'fp-ts/lib/Either.js';
import { LiveChange, auctionCacheKey, auctionChannel, decodeLiveAuctionHash } from '../../contracts/index.js';
import type { Redis } from '../../infra/index.js';
import { closeRedis, openRedis } from '../../infra/index.js';
import { READ_MODEL_PROJECTION } from '../../projections/index.js';
import { serviceUrl } from '../support/services.js';
import type { TestSystem } from '../support/system.js';
import { eventually, startTestSystem } from '../support/system.js';
import { deleteTopics, testKafka, uniqueName } from '../support/kafka.js';
import type { TestClient } from '../support/ws-client.js';
import { connect, versions } from '../support/ws-client.js';

describe('the whole pipeline through Kafka: HTTP -> log -> publisher -> Kafka -> read models, Redis hash, Redis channel, WebSocket', function () {
  this.timeout(90_000);
  const topic = uniqueName('pipeline');
  let brokers: string;
  let sys: TestSystem;
  let subscriber: Redis;
  let socket: TestClient | undefined;
  const published: { channel: string; message: string }[] = [];

  before(async function () {
    const suite = 'pipeline through Kafka';
    const databaseUrl = serviceUrl(this, 'DATABASE_URL', suite);
    const redisUrl = serviceUrl(this, 'REDIS_URL', suite);
    brokers = serviceUrl(this, 'KAFKA_BROKERS', suite);
    sys = await startTestSystem({ name: 'services', databaseUrl, redisUrl }, {
      env: { KAFKA_BROKERS: brokers },
      kafka: { topic, groupIdPrefix: `${uniqueName('pipeline-group')}.` },
    });
    subscriber = await openRedis(redisUrl, 'test-pipeline-subscriber', { maxRetriesPerRequest: null });
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => published.push({ channel, message }));
    await subscriber.psubscribe(auctionChannel('*'));
  });
  after(async () => {
    await socket?.close();
    if (subscriber !== undefined) await closeRedis(subscriber);
    await sys?.stop();
    if (brokers !== undefined) await deleteTopics(testKafka(brokers), [topic]).catch(() => undefined);
  });

  it('delivers every bid to the read API, the Redis hash and the Redis channel, in version order, fed by Kafka', async () => {
    const seller = await sys.token('sam', 'seller');
    const bidders = await Promise.all(['alice', 'bob', 'carol'].map((name) => sys.token(name, 'bidder')));
    const created = await sys.call('POST', '/v1/auctions', {
      token: seller,
      body: { title: 'Leica M3', currency: 'EUR', startingPrice: 10_000, reservePrice: 30_000, endsAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const auctionId = created.body.auctionId as string;

    socket = await connect(sys.realtimeUrl!);
    socket.send({ type: 'subscribe', auctionId });
    await socket.waitFor((f) => f.type === 'snapshot', 'the snapshot');

    const answers: { version: number; currentPrice: number; bidderPseudonym: string; leading: boolean }[] = [];
    for (const [i, maxAmount] of [20_000, 15_000, 32_000, 40_000, 36_000].entries()) {
      const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, {
        token: bidders[i % 3], body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      answers.push(r.body);
    }
    const last = answers[answers.length - 1]!;
    const leader = answers.filter((a) => a.leading).pop()!;

    // The read API, once its read model reflects the last bid.
    const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=${last.version}`);
    assert.equal(view.status, 200, JSON.stringify(view.body));
    assert.equal(view.body.version, last.version);
    assert.equal(view.body.currentPrice, last.currentPrice);
    assert.equal(view.body.bidCount, 5);
    assert.equal(view.body.reserveMet, true);
    assert.equal(view.body.leader, leader.bidderPseudonym);
    const history = await sys.call('GET', `/v1/auctions/${auctionId}/bids?order=oldest`);
    assert.deepEqual(history.body.items.map((b: { version: number }) => b.version), answers.map((a) => a.version));

    // The Redis hash.
    const redis = sys.resources.redis!;
    const hash = await eventually(async () => {
      const decoded = decodeLiveAuctionHash(await redis.hgetall(auctionCacheKey(auctionId)));
      return decoded.ok && decoded.auction?.version === last.version ? decoded.auction : undefined;
    }, 'the Redis hash to reach the last version');
    assert.equal(hash.currentPrice, last.currentPrice);
    assert.equal(hash.leader, leader.bidderPseudonym);
    assert.equal(hash.bidCount, 5);

    // The Redis channel: one LiveChange per version, in order, each frame matching the bid's answer.
    const changes = await eventually(async () => {
      const mine = published.filter((p) => p.channel === auctionChannel(auctionId));
      return mine.length >= 6 ? mine : undefined;
    }, 'six changes on the channel');
    const decoded = changes.map((p) => LiveChange.decode(JSON.parse(p.message)));
    assert.ok(decoded.every(isRight), 'every message is a LiveChange');
    const frames = decoded.map((d) => (isRight(d) ? d.right.frame : undefined)!);
    assert.deepEqual(frames.map((f) => f.version), [1, ...answers.map((a) => a.version)]);
    assert.deepEqual(frames.slice(1).map((f) => f.currentPrice), answers.map((a) => a.currentPrice));
    assert.ok(!changes.some((p) => /alice|bob|carol|maxAmount/.test(p.message)), 'no real id or maximum is published');

    // The WebSocket: the same frames after the snapshot.
    await socket.waitFor((f) => f.type === 'auction.updated' && f.version === last.version, 'the last frame');
    assert.deepEqual(versions(socket.updates(auctionId)), answers.map((a) => a.version));

    // Fed by Kafka: both projectors' checkpoints are per partition of the test topic.
    const { rows } = await sys.resources.sql.query<{ source: string }>('SELECT source FROM projection_checkpoints WHERE projection = $1', [READ_MODEL_PROJECTION]);
    assert.ok(rows.length > 0 && rows.every((r) => r.source.startsWith(`kafka:${topic}:`)), JSON.stringify(rows));
    const liveCheckpoints = await redis.keys(`*:checkpoint:*:kafka:${topic}:*`);
    assert.ok(liveCheckpoints.length > 0, 'the live cache has Kafka checkpoints');
  });
});
