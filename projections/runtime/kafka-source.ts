// The projector runtime over Kafka: one consumer group per projector (group id = prefix + name).
//
// - The truth is the projector's own checkpoint for source `kafka:<topic>:<partition>` (the last
//   offset it applied, stored atomically with its read model), not the group's committed offset.
//   On every assignment each partition is sought to the offset after its checkpoint (the start
//   when there is none); batches fetched before the seek took effect are dropped, and offsets
//   already applied are never handed over again. The group's offsets are still committed after
//   each applied batch, so Kafka tools show the group's lag.
// - Each batch goes to `projector.apply(events, source, lastOffset)`, in offset order. A failing
//   apply is retried (with backoff, heartbeating) without advancing; before each retry the
//   checkpoint is read again, since another consumer or a rebuild may have moved it.
// - An event that is a RecordedEvent but cannot be projected (it does not decode, even upcast) is
//   the projector's to deal with: it parks that event's stream and goes on (parked-streams.ts), so
//   the partition keeps flowing. What follows concerns only messages the publisher never writes.
// - A message that is not a RecordedEvent is never skipped silently: the events before it are
//   applied, then it is reported (PoisonMessageError, to `onError` and the log) and its partition
//   is paused (and counted in gavelstream_projector_kafka_stopped_partitions), while the other
//   partitions go on. Skipping it could lose an auction's event and break its order. The partition
//   stays stopped in this process; after a restart it stops again at the same message unless that
//   was dealt with (e.g. the projector's checkpoint moved past it by an operator).
// - Latency: fetches return as soon as one byte is there (minBytes 1), and wait at most
//   `maxWaitTimeInMs` (default 50 ms) when there is nothing.
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RecordedEvent } from '../../domain/index.js';
import { decodeKafkaValue } from '../../domain/index.js';
import type { Logger } from '../../infra/index.js';
import { DEFAULT_EVENTS_TOPIC, DEFAULT_EVENTS_TOPIC_PARTITIONS, ensureEventTopic, pause } from '../../infra/index.js';
import type { EventSource, Projector, RunningProjection } from './projector.js';

export const DEFAULT_GROUP_ID_PREFIX = 'gavelstream.projector.';

export class PoisonMessageError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    readonly reason: string,
  ) {
    super(`${topic}/${partition}@${offset} is not a RecordedEvent (${reason}); partition ${partition} is paused until this is dealt with`);
    this.name = 'PoisonMessageError';
  }
}

/** Where an error happened: which projector, partition and offset. */
export interface KafkaSourceErrorContext {
  readonly projector: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset?: string;
}

export interface KafkaEventSourceOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** Default 'auction-events'. */
  readonly topic?: string;
  /** Consumer group id = prefix + projector name (default 'gavelstream.projector.'). */
  readonly groupIdPrefix?: string;
  /** Partitions if the topic has to be created here (default 12, as the publisher). */
  readonly partitions?: number;
  /** Longest wait of an empty fetch (default 50 ms). */
  readonly maxWaitTimeInMs?: number;
  /** Partitions applied at once (default 1: the projector sees one batch at a time). */
  readonly partitionsConsumedConcurrently?: number;
  /** First and longest delay between retries of a failing apply (default 100 ms and 5 s). */
  readonly retryDelayMs?: { readonly initial: number; readonly max: number };
  /** Called for every failure (apply errors, poison messages), besides the log. */
  readonly onError?: (error: unknown, context: KafkaSourceErrorContext) => void;
  /** Adds the consumer lag and stopped-partition gauges to this registry. */
  readonly registry?: Registry;
}

interface PartitionState {
  /** The next offset the projector needs: its checkpoint + 1. */
  next: bigint;
  /** The consumer is known to fetch from `next` or before it. */
  positioned: boolean;
  /** A seek to `next` was asked for; the next fresh batch reflects it. */
  seeking: boolean;
}

interface Decoded {
  readonly offset: bigint;
  readonly event: RecordedEvent;
}

const nextAfter = (checkpoint: string | undefined): bigint => {
  if (checkpoint === undefined) return 0n;
  if (!/^\d{1,19}$/.test(checkpoint)) throw new Error(`not a Kafka offset checkpoint: ${JSON.stringify(checkpoint)}`);
  return BigInt(checkpoint) + 1n;
};

type SourceGauge = Gauge<'projector' | 'topic' | 'partition'>;

interface SourceMetrics {
  readonly lag: SourceGauge;
  readonly stopped: SourceGauge;
}

const createMetrics = (registry: Registry | undefined): SourceMetrics | undefined =>
  registry === undefined
    ? undefined
    : {
        lag: new Gauge({
          name: 'gavelstream_projector_kafka_lag_messages',
          help: "Messages in a partition after the last one a projector applied (the batch's high watermark - 1 - last offset)",
          labelNames: ['projector', 'topic', 'partition'] as const,
          registers: [registry],
        }),
        stopped: new Gauge({
          name: 'gavelstream_projector_kafka_stopped_partitions',
          help: 'Partitions a projector stopped at a message that is not a RecordedEvent (1 while stopped)',
          labelNames: ['projector', 'topic', 'partition'] as const,
          registers: [registry],
        }),
      };

export const kafkaEventSource = (options: KafkaEventSourceOptions): EventSource => {
  const metrics = createMetrics(options.registry);
  return { run: (projector) => runOverKafka(options, projector, metrics) };
};

const runOverKafka = async (
  options: KafkaEventSourceOptions,
  projector: Projector,
  metrics: SourceMetrics | undefined,
): Promise<RunningProjection> => {
  const topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  const groupId = `${options.groupIdPrefix ?? DEFAULT_GROUP_ID_PREFIX}${projector.name}`;
  const logger = options.logger.child({ component: 'kafka-source', projector: projector.name, topic, groupId });
  const initialDelay = options.retryDelayMs?.initial ?? 100;
  const maxDelay = options.retryDelayMs?.max ?? 5_000;
  const controller = new AbortController();
  const { signal } = controller;

  const report = (error: unknown, partition: number, offset?: string) => {
    const context: KafkaSourceErrorContext = { projector: projector.name, topic, partition, ...(offset !== undefined ? { offset } : {}) };
    if (error instanceof PoisonMessageError) logger.error({ ...context, reason: error.reason }, error.message);
    else logger.warn({ ...context, err: error }, 'projecting a batch failed; retrying it');
    try {
      options.onError?.(error, context);
    } catch {
      // A failing error callback must not stop consuming.
    }
  };

  await ensureEventTopic(options.kafka, { topic, partitions: options.partitions ?? DEFAULT_EVENTS_TOPIC_PARTITIONS }, logger);

  const consumer: Consumer = options.kafka.consumer({
    groupId,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 50,
    minBytes: 1,
    allowAutoTopicCreation: false,
  });

  // Per assignment: a rebalance may hand a partition to another member and back, and a new
  // assignment starts from the group's committed offset, so every join starts afresh.
  let generation = 0;
  const partitions = new Map<number, PartitionState>();
  const poisoned = new Set<number>();
  /** Seeks a newly assigned partition to the projector's checkpoint, unless a batch got there first. */
  const position = async (partition: number, assignment: number): Promise<void> => {
    const source = `kafka:${topic}:${partition}`;
    let delay = initialDelay;
    while (!signal.aborted && assignment === generation && !partitions.has(partition)) {
      try {
        const next = nextAfter(await projector.loadCheckpoint(source));
        if (signal.aborted || assignment !== generation || partitions.has(partition)) return;
        partitions.set(partition, { next, positioned: false, seeking: true });
        consumer.seek({ topic, partition, offset: next.toString() });
        return;
      } catch (error) {
        report(error, partition);
        await pause(delay, signal);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    generation += 1;
    partitions.clear();
    logger.debug({ assignment: payload.memberAssignment }, 'joined the group');
    // Even a partition with nothing new must start from the checkpoint: a projector behind the
    // group's committed offset would otherwise wait for the next message to notice.
    for (const partition of payload.memberAssignment[topic] ?? []) void position(partition, generation);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, restart: payload.restart }, 'the Kafka consumer crashed');
  });

  /** Retries `fn` until it succeeds, unless stopping or the assignment changed (then undefined). */
  const persist = async <T>(
    fn: () => Promise<T>,
    payload: EachBatchPayload,
    assignment: number,
    onFailure: (error: unknown) => Promise<'retry' | 'give-up'>,
  ): Promise<T | undefined> => {
    let delay = initialDelay;
    for (;;) {
      try {
        return await fn();
      } catch (error) {
        if ((await onFailure(error)) === 'give-up') return undefined;
      }
      await pause(delay, signal);
      delay = Math.min(delay * 2, maxDelay);
      if (signal.aborted || !payload.isRunning() || payload.isStale() || assignment !== generation) return undefined;
      await payload.heartbeat(); // throws when the group rebalances: kafkajs then rejoins
    }
  };

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const { partition } = batch;
    const source = `kafka:${topic}:${partition}`;
    const assignment = generation;
    const stillOurs = () => !signal.aborted && payload.isRunning() && !payload.isStale() && assignment === generation;
    if (!stillOurs() || poisoned.has(partition)) return;

    let state = partitions.get(partition);
    if (state === undefined) {
      // A batch before `position` has read the checkpoint: decide with the checkpoint here.
      const checkpoint = await persist(() => projector.loadCheckpoint(source), payload, assignment, async (error) => {
        report(error, partition);
        return 'retry';
      });
      if (!stillOurs()) return;
      state = partitions.get(partition) ?? { next: nextAfter(checkpoint), positioned: false, seeking: false };
      partitions.set(partition, state);
    }
    const current = state;

    const first = BigInt(batch.firstOffset() ?? batch.lastOffset());
    if (current.seeking) {
      // The first batch fetched after our seek: the broker starts as near `next` as it can.
      current.seeking = false;
      current.positioned = true;
      if (first > current.next) {
        logger.warn({ partition, expected: current.next.toString(), first: first.toString() }, 'offsets before this batch are gone from the topic');
      }
    }
    if (!current.positioned) {
      if (first > current.next) {
        // The group's committed offset is ahead of the projector (e.g. its read model was rebuilt).
        logger.info({ partition, from: current.next.toString(), committed: first.toString() }, "seeking to the projector's checkpoint");
        current.seeking = true;
        consumer.seek({ topic, partition, offset: current.next.toString() });
        return;
      }
      current.positioned = true;
    }

    // Decode in order, up to the first message that is not a RecordedEvent.
    let decoded: Decoded[] = [];
    let poison: { message: KafkaMessage; reason: string } | undefined;
    for (const message of batch.messages) {
      const offset = BigInt(message.offset);
      if (offset < current.next) continue; // already applied: a redelivery
      const result = decodeKafkaValue(message.value);
      if (result._tag === 'Left') {
        poison = { message, reason: result.left };
        break;
      }
      decoded.push({ offset, event: result.right });
    }

    if (decoded.length > 0) {
      const applied = await persist(
        async () => {
          const last = decoded[decoded.length - 1]!;
          await projector.apply(decoded.map((d) => d.event), source, last.offset.toString());
          return last.offset;
        },
        payload,
        assignment,
        async (error) => {
          report(error, partition, decoded[0]?.offset.toString());
          // Reread the truth: another consumer, or a rebuild, may have moved the checkpoint.
          let next: bigint;
          try {
            next = nextAfter(await projector.loadCheckpoint(source));
          } catch {
            return 'retry';
          }
          if (next === current.next) return 'retry';
          current.next = next;
          decoded = decoded.filter((d) => d.offset >= next);
          const head = decoded[0];
          if (head === undefined) return 'give-up'; // all of it is applied already
          if (head.offset > next) {
            current.positioned = false;
            current.seeking = true;
            consumer.seek({ topic, partition, offset: next.toString() });
            return 'give-up';
          }
          return 'retry';
        },
      );
      if (!stillOurs() || current.seeking) return;
      if (applied === undefined && decoded.length > 0) return; // stopping, or the partition moved
      const done = applied ?? current.next - 1n;
      if (done >= current.next) current.next = done + 1n;
      payload.resolveOffset(done.toString());
      if (metrics !== undefined) {
        const behind = BigInt(batch.highWatermark) - 1n - done;
        metrics.lag.set({ projector: projector.name, topic, partition: String(partition) }, Number(behind > 0n ? behind : 0n));
      }
    } else if (poison === undefined) {
      payload.resolveOffset(batch.lastOffset()); // every message was applied before
    }

    if (poison !== undefined && BigInt(poison.message.offset) >= current.next) {
      poisoned.add(partition);
      payload.pause();
      metrics?.stopped.set({ projector: projector.name, topic, partition: String(partition) }, 1);
      report(new PoisonMessageError(topic, partition, poison.message.offset, poison.reason), partition, poison.message.offset);
    }
  };

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachBatchAutoResolve: false, autoCommit: true, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1, eachBatch });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  logger.info('consuming');

  return {
    stop: async () => {
      controller.abort();
      await consumer.disconnect();
      for (const partition of poisoned) metrics?.stopped.remove({ projector: projector.name, topic, partition: String(partition) });
      logger.info('stopped');
    },
  };
};
