// Kafka helpers for the pipeline suites: unique topic and group names on the shared broker, a
// collector that reads a whole topic back, events written to a real event log, and the checks
// that a topic carries a log's events without loss and in order per auction.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Consumer, IHeaders } from 'kafkajs';
import type { ChainHead, EventLog, LogPosition, NewEvent, RecordedEvent } from '../../domain/index.js';
import { EMPTY_CHAIN, START, sealEvents } from '../../domain/index.js';
import { decodeKafkaValue, toKafkaMessage } from '../../contracts/index.js';

export const uniqueName = (label: string): string => `gs-test-${label}-${randomUUID().slice(0, 8)}`;

/** `n` auction stream ids of their own, named after `label`. */
export const auctionStreams = (label: string, n: number): string[] => Array.from({ length: n }, (_, i) => `auction-${label}-${i}-${uniqueName('s')}`);

/** A client for test plumbing (collectors, admin), quiet unless something is really wrong. */
export const testKafka = (brokers: string): Kafka =>
  new Kafka({ clientId: 'gavelstream-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });

export interface CollectedMessage {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface Collector {
  readonly messages: CollectedMessage[];
  stop(): Promise<void>;
}

const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('utf8') : String(v)]));

/** Reads `topic` from the beginning into `messages`, in each partition's order, until stopped. */
export const collectTopic = async (kafka: Kafka, topic: string): Promise<Collector> => {
  const messages: CollectedMessage[] = [];
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('collector'), maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      messages.push({
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? '',
        value: message.value,
        headers: headerText(message.headers),
      });
    },
  });
  return { messages, stop: () => consumer.disconnect() };
};

export const deleteTopics = async (kafka: Kafka, topics: readonly string[]): Promise<void> => {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] });
  } finally {
    await admin.disconnect();
  }
};

// ---- events ----------------------------------------------------------------------------------

export const testEvent = (commandId: string, index: number, serverTime = new Date().toISOString()): NewEvent => ({
  eventId: `${commandId}:${index}`,
  type: 'TestHappened',
  data: { index },
  metadata: {
    commandId,
    idempotencyKey: null,
    userId: 'user-test',
    correlationId: `corr-${commandId}`,
    causationId: commandId,
    serverTime,
    schemaVersion: 1,
  },
});

/**
 * Appends `rounds` rounds to each of `auctions` streams, interleaved (round r of every auction
 * before round r+1), one to `perAppend` events per append. Returns what was appended.
 */
export const appendRounds = async (
  log: EventLog,
  auctions: readonly string[],
  rounds: number,
  perAppend = 1,
): Promise<RecordedEvent[]> => {
  const appended: RecordedEvent[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const auction of auctions) {
      const streamId = `auction-${auction}`;
      const version = (await log.readStream(streamId)).length;
      const count = 1 + ((round + auction.length) % perAppend);
      const commandId = `cmd-${auction}-${version}`;
      const result = await log.appendToStream(streamId, version, Array.from({ length: count }, (_, i) => testEvent(commandId, i)));
      assert.equal(result.kind, 'appended', `append to ${streamId}: ${JSON.stringify(result)}`);
      if (result.kind === 'appended') appended.push(...result.events);
    }
  }
  return appended;
};

/** The whole log after `after`, page by page. */
export const readWholeLog = async (log: EventLog, after: LogPosition = START): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  let position = after;
  for (;;) {
    const page = await log.readAll({ after: position, limit: 500 });
    events.push(...page);
    const last = page[page.length - 1];
    if (last === undefined || page.length < 500) return events;
    position = last.position;
  }
};

export const decodeCollected = (message: CollectedMessage): RecordedEvent => {
  const decoded = decodeKafkaValue(message.value);
  if (decoded._tag === 'Left') throw new Error(`${message.partition}@${message.offset}: ${decoded.left}`);
  return decoded.right;
};

/**
 * Checks that `messages` carry every event of `expected`, each auction in one partition, and
 * that the first copy of each event arrives in stream-version order. Repeats of events already
 * seen are allowed (the publisher is at-least-once; consumers drop them by stream version), but
 * only as copies: a repeat, like a first copy, is the very event the log holds at that version.
 * So, by version per stream, every event arrives exactly once. Returns the number of repeated copies.
 */
export const assertCarriesInOrder = (messages: readonly CollectedMessage[], expected: readonly RecordedEvent[]): number => {
  const partitionOf = new Map<string, number>();
  const seen = new Map<string, number>(); // stream -> highest version seen first
  const firstCopies = new Map<string, string>(); // stream and version -> the event id first carried
  const at = (streamId: string, version: number) => `${streamId}@${version}`;
  let repeats = 0;
  const byPartition = new Map<number, CollectedMessage[]>();
  for (const m of messages) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m]);
  for (const list of byPartition.values()) {
    list.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    for (const message of list) {
      const event = decodeCollected(message);
      const partition = partitionOf.get(event.streamId);
      if (partition === undefined) partitionOf.set(event.streamId, message.partition);
      else assert.equal(message.partition, partition, `${event.streamId} appears in partitions ${partition} and ${message.partition}`);
      const last = seen.get(event.streamId) ?? 0;
      if (event.streamVersion <= last) {
        repeats += 1;
        const first = firstCopies.get(at(event.streamId, event.streamVersion));
        assert.equal(event.eventId, first, `${event.streamId}: version ${event.streamVersion} carried as two different events (${first}, then ${event.eventId})`);
        continue;
      }
      assert.equal(event.streamVersion, last + 1, `${event.streamId}: version ${event.streamVersion} arrived after ${last} (a gap or a reordering)`);
      seen.set(event.streamId, event.streamVersion);
      firstCopies.set(at(event.streamId, event.streamVersion), event.eventId);
    }
  }
  const expectedLast = new Map<string, number>();
  for (const e of expected) expectedLast.set(e.streamId, Math.max(expectedLast.get(e.streamId) ?? 0, e.streamVersion));
  for (const [streamId, version] of expectedLast) {
    assert.equal(seen.get(streamId) ?? 0, version, `${streamId}: Kafka carries up to version ${seen.get(streamId) ?? 0}, the log has ${version}`);
  }
  for (const e of expected) {
    assert.equal(firstCopies.get(at(e.streamId, e.streamVersion)), e.eventId, `${e.streamId}: version ${e.streamVersion} is not the log's event ${e.eventId}`);
  }
  return repeats;
};

/**
 * RecordedEvents as a log would record them (chained, positioned), without a log: `rounds` events
 * per stream, interleaved across `streams`, positions '1:1', '1:2', ... (unique per call via `tx`).
 */
export const recordedEvents = (streams: readonly string[], rounds: number, tx = Date.now()): RecordedEvent[] => {
  const heads = new Map<string, ChainHead>();
  const events: RecordedEvent[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const streamId of streams) {
      const head = heads.get(streamId) ?? EMPTY_CHAIN;
      const [sealed] = sealEvents(streamId, head, [testEvent(`cmd-${streamId}-${round}`, 0)]);
      if (sealed === undefined) throw new Error('sealEvents returned nothing');
      heads.set(streamId, { version: sealed.streamVersion, hash: sealed.hash });
      events.push({ ...sealed, position: `${tx}:${events.length + 1}` });
    }
  }
  return events;
};

/** Raw messages for `produce`: an event as the publisher writes it, or any bytes (to a chosen partition). */
export type TestMessage = { readonly event: RecordedEvent; readonly partition?: number } | { readonly raw: string | null; readonly key: string; readonly partition: number };

/** Sends `messages` in order with an idempotent producer (Java's partitioner, as the publisher). */
export const produce = async (kafka: Kafka, topic: string, messages: readonly TestMessage[]): Promise<void> => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ('event' in m
        ? { ...toKafkaMessage(m.event), headers: { ...toKafkaMessage(m.event).headers }, ...(m.partition !== undefined ? { partition: m.partition } : {}) }
        : { key: m.key, value: m.raw, partition: m.partition })),
    });
  } finally {
    await producer.disconnect();
  }
};

/**
 * Waits until `messages` carry the whole log (as assertCarriesInOrder checks), reading the log
 * again on every poll: a log read is only as recent as the oldest transaction still running on
 * the server allows, so one read taken once may lag what the publisher has already sent.
 * Returns the log and the number of repeated copies; on timeout, fails with what is wrong.
 */
export const waitUntilCarried = async (
  log: EventLog,
  messages: readonly CollectedMessage[],
  what: string,
  timeoutMs = 30_000,
): Promise<{ whole: RecordedEvent[]; repeats: number }> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const whole = await readWholeLog(log);
    try {
      return { whole, repeats: assertCarriesInOrder(messages, whole) };
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
