// The publisher role in the composed system: commands over HTTP come out on the Kafka topic, in
// order, keyed by auction id, and the publisher's metrics are on GET /metrics.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { auctionIdOfStream } from '../../domain/index.js';
import { serviceUrl } from '../support/services.js';
import type { TestSystem } from '../support/system.js';
import { eventually, startTestSystem } from '../support/system.js';
import { collectTopic, decodeCollected, deleteTopics, testKafka, uniqueName } from '../support/kafka.js';
import type { Collector } from '../support/kafka.js';

describe('publisher role: HTTP commands to the Kafka topic (PostgreSQL, Kafka)', function () {
  this.timeout(60_000);
  let sys: TestSystem;
  let admin: Kafka;
  let collector: Collector | undefined;
  const topic = uniqueName('role');

  before(async function () {
    const brokers = serviceUrl(this, 'KAFKA_BROKERS', 'publisher role');
    const databaseUrl = serviceUrl(this, 'DATABASE_URL', 'publisher role');
    admin = testKafka(brokers);
    sys = await startTestSystem({ name: 'postgres', databaseUrl }, { env: { KAFKA_BROKERS: brokers, ROLES: 'command-api,publisher' }, kafka: { topic } });
  });

  after(async () => {
    await collector?.stop();
    await sys?.stop();
    if (admin !== undefined) await deleteTopics(admin, [topic]).catch(() => undefined);
  });

  it('publishes what the command API appends, in order, and counts it in /metrics', async () => {
    assert.equal(sys.publisher?.topic, topic);
    await eventually(async () => (sys.publisher?.status().active === true ? true : undefined), 'the publisher holds the lease');
    collector = await collectTopic(admin, topic);
    const seller = await sys.token('sam', 'seller');
    const alice = await sys.token('alice', 'bidder');
    const bob = await sys.token('bob', 'bidder');
    const created = await sys.call('POST', '/v1/auctions', {
      token: seller,
      body: { title: 'Lamp', currency: 'USD', startingPrice: 1000, endsAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    assert.equal(created.status, 201);
    const auctionId = created.body.auctionId as string;
    for (const [token, maxAmount] of [[alice, 2000], [bob, 1500], [bob, 2500]] as const) {
      const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const c = collector;
    const messages = await eventually(async () => (c.messages.length >= 4 ? c.messages : undefined), 'four messages');
    const events = messages.map(decodeCollected);
    assert.deepEqual(events.map((e) => [e.type, e.streamVersion]), [['AuctionCreated', 1], ['BidPlaced', 2], ['BidPlaced', 3], ['BidPlaced', 4]]);
    assert.ok(messages.every((m) => m.key === auctionId && auctionIdOfStream(events[0]!.streamId) === auctionId));
    const metrics = await fetch(`${sys.url}/metrics`).then((r) => r.text());
    assert.match(metrics, new RegExp(`gavelstream_publisher_events_total\\{topic="${topic}"[^}]*\\} 4`));
  });
});
