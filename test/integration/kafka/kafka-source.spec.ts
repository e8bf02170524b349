// The projector runtime over Kafka against a real broker: order per auction, the projector's own
// checkpoint as the truth (resume after restart, committed offsets behind or ahead of it,
// redelivery), retries without advancing, and a message that is not a RecordedEvent.
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { createKafka, createLogger, ensureEventTopic } from '../../../infra/index.js';
import type { KafkaSourceErrorContext, RunningProjection } from '../../../projections/index.js';
import { PoisonMessageError, kafkaEventSource } from '../../../projections/index.js';
import { serviceUrl } from '../../support/services.js';
import { eventually } from '../../support/system.js';
import { auctionStreams, deleteTopics, produce, recordedEvents, testKafka, uniqueName } from '../../support/kafka.js';
import { RunningProjections } from '../../support/running-projections.js';
import { MemoryProjector } from '../../support/memory-projector.js';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

describe('Kafka event source (Kafka)', function () {
  this.timeout(60_000);
  let kafka: Kafka;
  let admin: Kafka;
  const topics: string[] = [];
  const running = new RunningProjections();

  before(function () {
    const brokers = serviceUrl(this, 'KAFKA_BROKERS', 'Kafka event source');
    kafka = createKafka({ brokers: brokers.split(','), logger });
    admin = testKafka(brokers);
  });

  afterEach(async () => {
    await running.stopAll();
  });

  after(async () => {
    if (admin !== undefined) await deleteTopics(admin, topics).catch(() => undefined);
  });

  /** A fresh topic with `partitions` partitions, and a group prefix of its own. */
  const fresh = async (label: string, partitions: number) => {
    const topic = uniqueName(label);
    topics.push(topic);
    await ensureEventTopic(kafka, { topic, partitions }, logger);
    return { topic, groupIdPrefix: `${uniqueName('group')}.` };
  };

  const run = async (
    projector: MemoryProjector,
    where: { topic: string; groupIdPrefix: string },
    extra: { onError?: (error: unknown, context: KafkaSourceErrorContext) => void; registry?: Registry } = {},
  ): Promise<RunningProjection> => {
    return running.track(await kafkaEventSource({ kafka, logger, ...where, retryDelayMs: { initial: 20, max: 200 }, ...extra }).run(projector));
  };

  const groupOffsets = async (groupId: string, topic: string): Promise<Record<number, string>> => {
    const a = admin.admin();
    await a.connect();
    try {
      const [entry] = await a.fetchOffsets({ groupId, topics: [topic] });
      return Object.fromEntries((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
    } finally {
      await a.disconnect();
    }
  };

  const highWatermarks = async (topic: string): Promise<Record<number, string>> => {
    const a = admin.admin();
    await a.connect();
    try {
      return Object.fromEntries((await a.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    } finally {
      await a.disconnect();
    }
  };

  it('applies each event once, each auction in order, checkpoints the last offset and commits the group offsets', async () => {
    const where = await fresh('order', 3);
    const events = recordedEvents(auctionStreams('order', 10), 6);
    await produce(admin, where.topic, events.map((event) => ({ event })));
    const projector = new MemoryProjector('order');
    const registry = new Registry();
    await run(projector, where, { registry });
    await eventually(async () => (projector.applied >= events.length ? true : undefined), 'every event applied', 30_000);
    assert.deepEqual(projector.gaps, []);
    assert.equal(projector.ignored, 0);
    assert.deepEqual(projector.eventIds(), events.map((e) => e.eventId).sort());

    const high = await highWatermarks(where.topic);
    for (const [partition, next] of Object.entries(high)) {
      if (next === '0') continue;
      assert.equal(projector.checkpoints.get(`kafka:${where.topic}:${partition}`), String(BigInt(next) - 1n), `checkpoint of partition ${partition}`);
    }
    const groupId = `${where.groupIdPrefix}order`;
    await eventually(async () => {
      const committed = await groupOffsets(groupId, where.topic);
      return Object.entries(high).every(([p, next]) => next === '0' || committed[Number(p)] === next) ? true : undefined;
    }, 'the group offsets committed (visible to Kafka tools)');
    assert.match(await registry.metrics(), /gavelstream_projector_kafka_lag_messages\{projector="order",topic="[^"]+",partition="\d"\} 0/);
  });

  it('feeds several projectors from one consumer, each from its own checkpoint, one retrying while the other goes on', async () => {
    const where = await fresh('shared', 2);
    const all = recordedEvents(auctionStreams('shared', 8), 6);
    const firstHalf = all.slice(0, 24);
    // B has applied the first half on its own before; A has applied nothing.
    await produce(admin, where.topic, firstHalf.map((event) => ({ event })));
    const b = new MemoryProjector('b');
    const alone = await run(b, where);
    await eventually(async () => (b.applied >= firstHalf.length ? true : undefined), 'B applied the first half');
    await running.stop(alone);
    await produce(admin, where.topic, all.slice(24).map((event) => ({ event })));

    const a = new MemoryProjector('a');
    a.failures = 3;
    const shared = await kafkaEventSource({ kafka, logger, ...where, retryDelayMs: { initial: 20, max: 200 }, commitIntervalMs: 100 }).runAll([a, b]);
    running.track(shared);
    await eventually(async () => (a.applied >= all.length && b.applied >= all.length ? true : undefined), 'both applied everything', 30_000);
    for (const projector of [a, b]) {
      assert.deepEqual(projector.gaps, [], projector.name);
      assert.deepEqual(projector.eventIds(), all.map((e) => e.eventId).sort(), projector.name);
    }
    assert.equal(a.failures, 0, "A's failing applies were retried");
    assert.equal(b.delivered, all.length, 'B was handed only what followed its own checkpoint');
    assert.equal(a.delivered, all.length, 'A was handed each event once');
    const high = await highWatermarks(where.topic);
    for (const [partition, next] of Object.entries(high)) {
      if (next === '0') continue;
      const last = String(BigInt(next) - 1n);
      assert.equal(a.checkpoints.get(`kafka:${where.topic}:${partition}`), last, `A's checkpoint of partition ${partition}`);
      assert.equal(b.checkpoints.get(`kafka:${where.topic}:${partition}`), last, `B's checkpoint of partition ${partition}`);
    }
    await eventually(async () => {
      const committed = await groupOffsets(`${where.groupIdPrefix}a+b`, where.topic);
      return Object.entries(high).every(([p, next]) => next === '0' || committed[Number(p)] === next) ? true : undefined;
    }, "the shared group's offsets committed");
  });

  it("resumes from the projector's checkpoint after a restart, whatever the group's committed offsets say", async () => {
    const where = await fresh('resume', 2);
    const streams = auctionStreams('resume', 6);
    const all = recordedEvents(streams, 8);
    const firstHalf = all.slice(0, 24);
    const secondHalf = all.slice(24);
    await produce(admin, where.topic, firstHalf.map((event) => ({ event })));
    const projector = new MemoryProjector('resume');
    let r = await run(projector, where);
    await eventually(async () => (projector.applied >= firstHalf.length ? true : undefined), 'the first half applied');
    await running.stop(r);

    // While stopped: more events, and the group's offsets moved back to the beginning (as by
    // `kafka-consumer-groups --reset-offsets --to-earliest`). Applied events are not handed over again.
    await produce(admin, where.topic, secondHalf.map((event) => ({ event })));
    const a = admin.admin();
    await a.connect();
    await a.resetOffsets({ groupId: `${where.groupIdPrefix}resume`, topic: where.topic, earliest: true });
    await a.disconnect();
    r = await run(projector, where);
    await eventually(async () => (projector.applied >= all.length ? true : undefined), 'the second half applied');
    assert.deepEqual(projector.gaps, []);
    assert.equal(projector.delivered, all.length, 'nothing before the checkpoint was handed to apply again');
    await running.stop(r);

    // The projector's checkpoint behind what it reflects (a crash after its commit, before the
    // next batch's): the events are redelivered and change nothing.
    // Keys spread over the partitions by hash: take a partition that holds at least 4 events (one
    // does: 48 events over 2 partitions), whichever it is.
    const high = await highWatermarks(where.topic);
    const [partition, next] = Object.entries(high).find(([, n]) => BigInt(n) >= 4n) ?? assert.fail('no partition holds 4 events');
    const before = projector.eventIds();
    projector.checkpoints.set(`kafka:${where.topic}:${partition}`, '2');
    const redelivered = Number(BigInt(next) - 3n);
    r = await run(projector, where);
    await eventually(async () => (projector.delivered >= all.length + redelivered ? true : undefined), `partition ${partition} redelivered from offset 3`);
    assert.equal(projector.ignored, redelivered, 'every redelivered event was already reflected');
    assert.deepEqual(projector.eventIds(), before, 'redelivery changed nothing');
    assert.deepEqual(projector.gaps, []);
    await running.stop(r);

    // A rebuilt read model (no checkpoint) behind the group's committed offsets, which are at the
    // end: the source seeks back to the beginning and the new read model gets everything.
    const rebuilt = new MemoryProjector('resume');
    await run(rebuilt, where);
    await eventually(async () => (rebuilt.applied >= all.length ? true : undefined), 'the rebuilt projector caught up', 30_000);
    assert.deepEqual(rebuilt.gaps, []);
    assert.deepEqual(rebuilt.eventIds(), all.map((e) => e.eventId).sort());
  });

  it('retries a failing apply without advancing, then goes on', async () => {
    const where = await fresh('retry', 1);
    const events = recordedEvents(auctionStreams('retry', 3), 5);
    await produce(admin, where.topic, events.map((event) => ({ event })));
    const projector = new MemoryProjector('retry');
    projector.failures = 4;
    const errors: unknown[] = [];
    await run(projector, where, { onError: (error) => errors.push(error) });
    await eventually(async () => (projector.applied >= events.length ? true : undefined), 'applied after the failures');
    assert.equal(errors.length, 4, 'each failure was reported');
    assert.deepEqual(projector.gaps, []);
    assert.equal(projector.calls[0]?.position, String(projector.calls[0]!.count - 1), 'the first successful apply starts at offset 0');
    assert.equal(projector.checkpoints.get(`kafka:${where.topic}:0`), String(events.length - 1));
  });

  it('stops the partition at a message that is not a RecordedEvent, reports it, and lets the other partitions go on', async () => {
    const where = await fresh('poison', 2);
    const [s0, s1] = [`auction-poison-0-${uniqueName('s')}`, `auction-poison-1-${uniqueName('s')}`];
    const events0 = recordedEvents([s0], 2);
    const events1 = recordedEvents([s1], 3);
    await produce(admin, where.topic, [
      { event: events0[0]!, partition: 0 },
      { raw: '{"type":"BidPlaced","note":"hand-written, not a RecordedEvent"}', key: 'poison', partition: 0 },
      { event: events0[1]!, partition: 0 },
      { event: events1[0]!, partition: 1 },
      { event: events1[1]!, partition: 1 },
    ]);
    const projector = new MemoryProjector('poison');
    const reported: { error: unknown; context: KafkaSourceErrorContext }[] = [];
    const registry = new Registry();
    const r = await run(projector, where, { onError: (error, context) => reported.push({ error, context }), registry });
    const poison = await eventually(async () => reported.find((x) => x.error instanceof PoisonMessageError), 'the poison message reported', 30_000);
    assert.deepEqual(poison.context, { projector: 'poison', topic: where.topic, partition: 0, offset: '1' });
    assert.match((poison.error as PoisonMessageError).reason, /not a RecordedEvent/);
    assert.match(await registry.metrics(), /gavelstream_projector_kafka_stopped_partitions\{projector="poison",topic="[^"]+",partition="0"\} 1/);
    await eventually(async () => ((projector.streams.get(s1)?.length ?? 0) >= 2 ? true : undefined), 'partition 1 applied');
    assert.equal(projector.streams.get(s0)?.length, 1, 'the event before the poison message was applied');
    assert.equal(projector.checkpoints.get(`kafka:${where.topic}:0`), '0');

    // Partition 1 keeps going while partition 0 stays stopped.
    await produce(admin, where.topic, [{ event: events1[2]!, partition: 1 }]);
    await eventually(async () => ((projector.streams.get(s1)?.length ?? 0) >= 3 ? true : undefined), 'partition 1 goes on');
    assert.equal(projector.streams.get(s0)?.length, 1, 'nothing after the poison message was applied');
    await running.stop(r);

    // An operator's decision: move the projector's checkpoint past the bad message.
    projector.checkpoints.set(`kafka:${where.topic}:0`, '1');
    reported.length = 0;
    await run(projector, where, { onError: (error, context) => reported.push({ error, context }) });
    await eventually(async () => ((projector.streams.get(s0)?.length ?? 0) >= 2 ? true : undefined), 'partition 0 resumed after the bad message');
    assert.deepEqual(projector.gaps, []);
    assert.equal(reported.filter((x) => x.error instanceof PoisonMessageError).length, 0);
  });
});
