// The publisher against real PostgreSQL and Kafka: what it writes (keys, values, headers, topic
// settings), per-auction order, and resuming from its checkpoint after a restart without loss.
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import type { LeaseProvider, RunningPublisher } from '../../../commands/index.js';
import { createPublisherMetrics, embeddedLeases, openEventLog, postgresLeases, readPublisherCheckpoint, startPublisher } from '../../../commands/index.js';
import { auctionIdOfStream } from '../../../domain/index.js';
import { KAFKA_HEADERS } from '../../../contracts/index.js';
import { createLogger } from '../../../infra/index.js';
import { kafkaEventSource } from '../../../projections/index.js';
import { eventually } from '../../support/system.js';
import { appendRounds, assertCarriesInOrder, decodeCollected, uniqueName, waitUntilCarried } from '../../support/kafka.js';
import { MemoryProjector } from '../../support/memory-projector.js';
import { publisherSuite } from '../../support/publisher-suite.js';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

describe('publisher: event log to Kafka (PostgreSQL, Kafka)', function () {
  this.timeout(60_000);
  const suite = publisherSuite('publisher: event log to Kafka', logger);
  const { publishers, topic, collect } = suite;

  const publisher = async (name: string, options: { partitions?: number; registry?: Registry } = {}): Promise<RunningPublisher> => {
    const p = await startPublisher({
      log: suite.opened.log,
      kafka: suite.kafka,
      leases: postgresLeases({ databaseUrl: suite.databaseUrl, name, holder: 'test', retryMs: 50 }),
      logger,
      topic: name,
      ...(options.partitions !== undefined ? { partitions: options.partitions } : {}),
      ...(options.registry !== undefined ? { metrics: createPublisherMetrics(options.registry) } : {}),
    });
    publishers.push(p);
    return p;
  };

  it('publishes every event keyed by auction id, with its headers, each auction in order in one partition', async () => {
    const name = topic('order');
    const auctions = Array.from({ length: 24 }, (_, i) => `order-${i}-${name}`);
    const registry = new Registry();
    await publisher(name, { partitions: 4, registry });
    const collector = await collect(name);
    // Appends while the publisher runs: several events per append, auctions interleaved.
    await appendRounds(suite.opened.log, auctions, 6, 3);
    // Each topic has its own checkpoint: a new topic gets the whole log.
    const { whole: expected, repeats } = await waitUntilCarried(suite.opened.log, collector.messages, 'the log on the topic');
    assert.equal(repeats, 0, 'a publisher that never failed sends each event once');
    const byId = new Map(expected.map((e) => [e.eventId, e]));
    for (const message of collector.messages) {
      const event = decodeCollected(message);
      assert.deepEqual(event, byId.get(event.eventId), 'the value is the RecordedEvent, unchanged');
      assert.equal(message.key, auctionIdOfStream(event.streamId));
      assert.deepEqual(message.headers, {
        [KAFKA_HEADERS.eventType]: event.type,
        [KAFKA_HEADERS.streamId]: event.streamId,
        [KAFKA_HEADERS.streamVersion]: String(event.streamVersion),
        [KAFKA_HEADERS.logPosition]: event.position,
        [KAFKA_HEADERS.eventId]: event.eventId,
        [KAFKA_HEADERS.contentType]: 'application/json',
      });
    }
    // Commit order across auctions too: within a partition, log positions only grow.
    const byPartition = new Map<number, string[]>();
    for (const m of [...collector.messages].sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)))) {
      byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m.headers[KAFKA_HEADERS.logPosition] ?? '']);
    }
    for (const positions of byPartition.values()) {
      for (let i = 1; i < positions.length; i++) assert.ok(suite.opened.log.compareLogPositions(positions[i - 1]!, positions[i]!) < 0, 'positions grow within a partition');
    }
    assert.ok(byPartition.size > 1, 'keys spread over partitions');

    // The topic: the partitions asked for, nothing ever deleted.
    const kafkaAdmin = suite.admin.admin();
    await kafkaAdmin.connect();
    try {
      const metadata = await kafkaAdmin.fetchTopicMetadata({ topics: [name] });
      assert.equal(metadata.topics[0]?.partitions.length, 4);
      const configs = await kafkaAdmin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name, configNames: ['retention.ms', 'retention.bytes'] }] });
      const values = Object.fromEntries((configs.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
      assert.deepEqual(values, { 'retention.ms': '-1', 'retention.bytes': '-1' });
    } finally {
      await kafkaAdmin.disconnect();
    }
    const text = await registry.metrics();
    assert.match(text, new RegExp(`gavelstream_publisher_events_total\\{topic="${name}"\\} ${expected.length}`));
    assert.match(text, /gavelstream_publisher_lag_seconds_count/);
  });

  it('resumes from its checkpoint after a restart: nothing lost, nothing sent twice after a clean stop', async () => {
    const name = topic('restart');
    const auctions = Array.from({ length: 10 }, (_, i) => `restart-${i}-${name}`);
    const first = await publisher(name, { partitions: 3 });
    const collector = await collect(name);
    await appendRounds(suite.opened.log, auctions, 3, 2);
    const { whole } = await waitUntilCarried(suite.opened.log, collector.messages, 'the first part published');
    await first.stop();
    publishers.splice(publishers.indexOf(first), 1);
    const sql = suite.opened.sql;
    const run = async (q: string, p: readonly (string | number)[]) => (await sql.query<Record<string, unknown>>(q, [...p])).rows;
    assert.equal(await readPublisherCheckpoint(run, name), whole[whole.length - 1]?.position, 'the checkpoint is the last position published');

    // Events appended while no publisher runs.
    await appendRounds(suite.opened.log, auctions, 2, 2);
    await publisher(name, { partitions: 3 });
    const { whole: all, repeats } = await waitUntilCarried(suite.opened.log, collector.messages, 'the rest published');
    assert.equal(repeats, 0);
    assert.equal(collector.messages.length, all.length);
  });

  it('after a crash between sending and saving the checkpoint, resends; a projector over Kafka ends up with each event once', async () => {
    const name = topic('crash');
    const auctions = Array.from({ length: 8 }, (_, i) => `crash-${i}-${name}`);
    const p = await publisher(name, { partitions: 2 });
    const collector = await collect(name);
    await appendRounds(suite.opened.log, auctions, 4, 2);
    const { whole: all } = await waitUntilCarried(suite.opened.log, collector.messages, 'published');
    await p.stop();
    publishers.splice(publishers.indexOf(p), 1);
    // The state a crash after sendBatch and before the checkpoint write leaves: the checkpoint
    // behind what Kafka already holds (here: half of the log behind).
    const behind = all[Math.floor(all.length / 2)]!.position;
    await suite.opened.sql.query('UPDATE publisher_checkpoints SET position = $2 WHERE name = $1', [name, behind]);
    await publisher(name, { partitions: 2 });
    const resent = all.length - Math.floor(all.length / 2) - 1;
    await eventually(async () => (collector.messages.length >= all.length + resent ? true : undefined), 'the resent half', 30_000);
    assert.equal(assertCarriesInOrder(collector.messages, all), resent, 'the events after the checkpoint were sent again');

    const projector = new MemoryProjector('crash-test');
    const running2 = await kafkaEventSource({ kafka: suite.kafka, logger, topic: name, groupIdPrefix: `${uniqueName('group')}.` }).run(projector);
    try {
      await eventually(async () => (projector.delivered >= all.length + resent ? true : undefined), 'the projector saw every copy', 30_000);
      assert.deepEqual(projector.gaps, []);
      assert.equal(projector.ignored, resent, 'the copies changed nothing');
      assert.deepEqual(projector.eventIds(), all.map((e) => e.eventId).sort());
    } finally {
      await running2.stop();
    }
  });

  it("saves a batch's checkpoint while the next is read, sends that one only after the save, and retries it when the save failed", async () => {
    const name = topic('pipelined');
    const trace: string[] = [];
    // The producer's sends and the lease's saves, in the order they happen; each save takes a
    // while, so that the next batch is ready before it ends, and the second one fails once.
    const traced = Object.create(suite.kafka) as Kafka;
    traced.producer = (config) => {
      const producer = suite.kafka.producer(config);
      const sendBatch = producer.sendBatch.bind(producer);
      producer.sendBatch = (batch) => {
        trace.push('send');
        return sendBatch(batch);
      };
      return producer;
    };
    const inner = postgresLeases({ databaseUrl: suite.databaseUrl, name, holder: 'test', retryMs: 50 });
    let saves = 0;
    const leases: LeaseProvider = {
      acquire: async (signal) => {
        const lease = await inner.acquire(signal);
        return lease === undefined ? undefined : {
          ...lease,
          save: async (position) => {
            trace.push('save');
            saves += 1;
            await new Promise((resolve) => setTimeout(resolve, 20));
            if (saves === 2) {
              trace.push('failed');
              throw new Error('the checkpoint could not be saved (once)');
            }
            await lease.save(position);
            trace.push('saved');
          },
        };
      },
    };
    const p = await startPublisher({ log: suite.opened.log, kafka: traced, leases, logger, topic: name, partitions: 2 });
    publishers.push(p);
    const collector = await collect(name);
    // Rounds published one after another: at least one batch each, so some batch follows the failed save.
    for (let round = 0; round < 4; round++) {
      await appendRounds(suite.opened.log, Array.from({ length: 3 }, (_, i) => `pipelined-${round}-${i}-${name}`), 2, 1);
      await waitUntilCarried(suite.opened.log, collector.messages, `round ${round} published`);
    }
    // Each send after the first follows the settled save of the batch before it: saved, or failed
    // (then the failed batch's successor is retried, its own save covering both).
    let last: string | undefined;
    for (const step of trace) {
      if (step === 'send') assert.ok(last === undefined || last === 'saved' || last === 'failed', `a send after "${last}": ${trace.join(' ')}`);
      last = step;
    }
    assert.ok(trace.includes('failed'), 'the failing save happened');
  });

  it('runs on an embedded database too (PGlite: an in-process lease), one publisher at a time', async () => {
    const name = topic('embedded');
    const embedded = await openEventLog({ dataDir: 'memory' });
    const leases = embeddedLeases({ sql: embedded.sql, name, holder: 'test', retryMs: 20 });
    const a = await startPublisher({ log: embedded.log, kafka: suite.kafka, leases, logger, topic: name, partitions: 2 });
    publishers.push(a);
    await eventually(async () => (a.status().active ? true : undefined), 'the first publisher active');
    const b = await startPublisher({ log: embedded.log, kafka: suite.kafka, leases, logger, topic: name, partitions: 2 });
    publishers.push(b);
    try {
      const collector = await collect(name);
      const appended = await appendRounds(embedded.log, ['emb-1', 'emb-2', 'emb-3'], 4, 2);
      await eventually(async () => (collector.messages.length >= appended.length ? true : undefined), 'published', 30_000);
      assert.equal(b.status().active, false, 'the second stands by');
      await a.stop();
      publishers.splice(publishers.indexOf(a), 1);
      await eventually(async () => (b.status().active ? true : undefined), 'the second takes over');
      const more = await appendRounds(embedded.log, ['emb-1', 'emb-2', 'emb-3'], 2, 1);
      await eventually(async () => (collector.messages.length >= appended.length + more.length ? true : undefined), 'published after takeover', 30_000);
      assert.equal(assertCarriesInOrder(collector.messages, [...appended, ...more]), 0);
    } finally {
      await b.stop();
      publishers.splice(publishers.indexOf(b), 1);
      await embedded.close();
    }
  });
});
