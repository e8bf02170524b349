// The projector runtime over Kafka: one consumer group per run (group id = prefix + the projectors'
// names joined by '+'). `run(projector)` feeds one projector; `runAll(projectors)` feeds several
// from one consumer, so a process that runs the read models and the live cache fetches and decodes
// each message once. Each projector keeps its own checkpoints and is handed only what follows them;
// the consumer is positioned at the lowest. A partition's batch goes to all of them at once, and the
// partition's next batch waits until each has applied it (or the partition moved).
//
// - The truth is the projector's own checkpoint for source `kafka:<topic>:<partition>` (the last
//   offset it applied, stored atomically with its read model), not the group's committed offset.
//   On every assignment each partition is sought to the offset after its checkpoint (the start
//   when there is none); batches fetched before the seek took effect are dropped, and offsets
//   already applied are never handed over again. The group's offsets (the lowest applied by all
//   the run's projectors) are still committed, every `commitIntervalMs` and on stop rather than
//   after each batch (a round trip per partition batch), so Kafka tools show the group's lag.
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
// - Latency: fetches return as soon as one byte is there (minBytes 1), so a long
//   `maxWaitTimeInMs` (default 1 s) adds no latency and only spares idle fetches. Partitions are
//   applied `partitionsConsumedConcurrently` at a time (default 1); the batches of one fetch all
//   wait for the slowest, and the next fetch waits for them.
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RecordedEvent } from '../../domain/index.js';
import { decodeKafkaValue } from '../../contracts/index.js';
import { DEFAULT_EVENTS_TOPIC, DEFAULT_EVENTS_TOPIC_PARTITIONS, ensureEventTopic, pause } from '../../infra/index.js';
import type { BusEventSource, Projector, RunningProjection } from './projector.js';
import { PoisonMessageError } from './poison-message.js';
import type { BusSourceOptions } from './bus-source-steps.js';
import { lowestOffset, nextOffsetAfter, sourceGauge } from './bus-source-steps.js';

export const DEFAULT_GROUP_ID_PREFIX = 'gavelstream.projector.';

/** Where an error happened: which projector, partition and offset. */
export interface KafkaSourceErrorContext {
  readonly projector: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset?: string;
}

export interface KafkaEventSourceOptions extends BusSourceOptions<KafkaSourceErrorContext> {
  readonly kafka: Kafka;
  /** Default 'auction-events'. */
  readonly topic?: string;
  /** Consumer group id = prefix + projector name (default 'gavelstream.projector.'). */
  readonly groupIdPrefix?: string;
  /** Partitions if the topic has to be created here (default 12, as the publisher). */
  readonly partitions?: number;
  /** Longest wait of an empty fetch (default 1000 ms); a fetch returns as soon as a message is there. */
  readonly maxWaitTimeInMs?: number;
  /** How often the group's offsets are committed (default 1000 ms; they are also committed on stop). */
  readonly commitIntervalMs?: number;
  /** Most bytes a fetch takes of one partition (default kafkajs's 1 MB; Kafka still returns at least one record batch). */
  readonly maxBytesPerPartition?: number;
  /**
   * The consumer's session timeout (default kafkajs's, 30 s): a member that stopped heartbeating
   * (its process killed) keeps its partitions this long, so the group resumes after it. Heartbeats
   * go every third of it at most (kafkajs's default interval, 3 s, when that is shorter).
   */
  readonly sessionTimeoutMs?: number;
  /** Partitions applied at once (default 1: the projector sees one batch at a time). */
  readonly partitionsConsumedConcurrently?: number;
}

interface PartitionState {
  /** Per projector (in the run's order): the next offset it needs, its checkpoint + 1. */
  readonly next: bigint[];
  /** The consumer is known to fetch from the lowest `next` or before it. */
  positioned: boolean;
  /** A seek to the lowest `next` was asked for; the next fresh batch reflects it. */
  seeking: boolean;
}

interface Decoded {
  readonly offset: bigint;
  readonly event: RecordedEvent;
}

const nextAfter = (checkpoint: string | undefined): bigint => nextOffsetAfter(checkpoint, 'Kafka offset');

type SourceGauge = Gauge<'projector' | 'topic' | 'partition'>;

interface SourceMetrics {
  readonly lag: SourceGauge;
  readonly stopped: SourceGauge;
}

const labelNames = ['projector', 'topic', 'partition'] as const;

const createMetrics = (registry: Registry | undefined): SourceMetrics | undefined =>
  registry === undefined
    ? undefined
    : {
        lag: sourceGauge(
          registry,
          'gavelstream_projector_kafka_lag_messages',
          "Messages in a partition after the last one a projector applied (the batch's high watermark - 1 - last offset)",
          labelNames,
        ),
        stopped: sourceGauge(
          registry,
          'gavelstream_projector_kafka_stopped_partitions',
          'Partitions a projector stopped at a message that is not a RecordedEvent (1 while stopped)',
          labelNames,
        ),
      };

/** A Kafka event source; `runAll` feeds several projectors from one consumer. */
export interface KafkaEventSource extends BusEventSource {
  /** One consumer group for all of `projectors` (in this order), each from its own checkpoints. */
  runAll(projectors: readonly Projector[]): Promise<RunningProjection>;
}

export const kafkaEventSource = (options: KafkaEventSourceOptions): KafkaEventSource => {
  const metrics = createMetrics(options.registry);
  return {
    run: (projector) => runOverKafka(options, [projector], metrics),
    runAll: (projectors) => runOverKafka(options, projectors, metrics),
  };
};

const runOverKafka = async (
  options: KafkaEventSourceOptions,
  projectors: readonly Projector[],
  metrics: SourceMetrics | undefined,
): Promise<RunningProjection> => {
  if (projectors.length === 0) throw new Error('a Kafka event source needs at least one projector');
  const topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  const names = projectors.map((p) => p.name);
  const runName = names.join('+');
  const groupId = `${options.groupIdPrefix ?? DEFAULT_GROUP_ID_PREFIX}${runName}`;
  const logger = options.logger.child({ component: 'kafka-source', projectors: names, topic, groupId });
  const initialDelay = options.retryDelayMs?.initial ?? 100;
  const maxDelay = options.retryDelayMs?.max ?? 5_000;
  const commitIntervalMs = options.commitIntervalMs ?? 1_000;
  const controller = new AbortController();
  const { signal } = controller;

  const report = (error: unknown, projector: string, partition: number, offset?: string) => {
    const context: KafkaSourceErrorContext = { projector, topic, partition, ...(offset !== undefined ? { offset } : {}) };
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
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
    minBytes: 1,
    ...(options.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
    ...(options.sessionTimeoutMs !== undefined
      ? { sessionTimeout: options.sessionTimeoutMs, heartbeatInterval: Math.min(3_000, Math.floor(options.sessionTimeoutMs / 3)) }
      : {}),
    allowAutoTopicCreation: false,
  });

  // Per assignment: a rebalance may hand a partition to another member and back, and a new
  // assignment starts from the group's committed offset, so every join starts afresh.
  let generation = 0;
  const partitions = new Map<number, PartitionState>();
  const poisoned = new Set<number>();
  /** Per partition: the next offset every projector has passed, not committed to the group yet. */
  const uncommitted = new Map<number, bigint>();
  const loadCheckpoints = (source: string): Promise<bigint[]> =>
    Promise.all(projectors.map(async (p) => nextAfter(await p.loadCheckpoint(source))));
  const seekTo = (partition: number, state: PartitionState) => {
    state.positioned = false;
    state.seeking = true;
    consumer.seek({ topic, partition, offset: lowestOffset(state.next).toString() });
  };
  /** Seeks a newly assigned partition to the projectors' checkpoints, unless a batch got there first. */
  const position = async (partition: number, assignment: number): Promise<void> => {
    const source = `kafka:${topic}:${partition}`;
    let delay = initialDelay;
    while (!signal.aborted && assignment === generation && !partitions.has(partition)) {
      try {
        const next = await loadCheckpoints(source);
        if (signal.aborted || assignment !== generation || partitions.has(partition)) return;
        const state: PartitionState = { next, positioned: false, seeking: false };
        partitions.set(partition, state);
        seekTo(partition, state);
        return;
      } catch (error) {
        report(error, runName, partition);
        await pause(delay, signal);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    generation += 1;
    partitions.clear();
    uncommitted.clear();
    logger.debug({ assignment: payload.memberAssignment }, 'joined the group');
    // Even a partition with nothing new must start from the checkpoint: a projector behind the
    // group's committed offset would otherwise wait for the next message to notice.
    for (const partition of payload.memberAssignment[topic] ?? []) void position(partition, generation);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, restart: payload.restart }, 'the Kafka consumer crashed');
  });

  /** Commits what every projector has applied since the last commit (for Kafka tools; the checkpoints are the truth). */
  const commit = async (): Promise<void> => {
    if (uncommitted.size === 0) return;
    const offsets = [...uncommitted].map(([partition, next]) => ({ topic, partition, offset: next.toString() }));
    uncommitted.clear();
    try {
      await consumer.commitOffsets(offsets);
    } catch (err) {
      // A rebalance meanwhile: the partitions' new owners commit their own progress.
      logger.debug({ err }, 'committing the group offsets failed');
    }
  };
  let committing: Promise<void> = Promise.resolve();
  const committer = setInterval(() => {
    committing = committing.then(commit);
  }, commitIntervalMs);
  committer.unref();

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
      // A batch before `position` has read the checkpoints: decide with the checkpoints here.
      const next = await persist(() => loadCheckpoints(source), payload, assignment, async (error) => {
        report(error, runName, partition);
        return 'retry';
      });
      if (!stillOurs() || next === undefined) return;
      state = partitions.get(partition) ?? { next, positioned: false, seeking: false };
      partitions.set(partition, state);
    }
    const current = state;

    const first = BigInt(batch.firstOffset() ?? batch.lastOffset());
    if (current.seeking) {
      // The first batch fetched after our seek: the broker starts as near the lowest `next` as it can.
      current.seeking = false;
      current.positioned = true;
      if (first > lowestOffset(current.next)) {
        logger.warn({ partition, expected: lowestOffset(current.next).toString(), first: first.toString() }, 'offsets before this batch are gone from the topic');
      }
    }
    if (!current.positioned) {
      if (first > lowestOffset(current.next)) {
        // The group's committed offset is ahead of a projector (e.g. its read model was rebuilt).
        logger.info({ partition, from: lowestOffset(current.next).toString(), committed: first.toString() }, "seeking to the projectors' checkpoints");
        seekTo(partition, current);
        return;
      }
      current.positioned = true;
    }

    // Decode in order, once for every projector, up to the first message that is not a RecordedEvent.
    const from = lowestOffset(current.next);
    const decoded: Decoded[] = [];
    let poison: { message: KafkaMessage; reason: string } | undefined;
    for (const message of batch.messages) {
      const offset = BigInt(message.offset);
      if (offset < from) continue; // already applied by every projector: a redelivery
      const result = decodeKafkaValue(message.value);
      if (result._tag === 'Left') {
        poison = { message, reason: result.left };
        break;
      }
      decoded.push({ offset, event: result.right });
    }

    /** Hands projector `i` what follows its checkpoint; false when it stopped short (stopping, or the partition moved). */
    const applyTo = async (i: number): Promise<boolean> => {
      const projector = projectors[i]!;
      let mine = decoded.filter((d) => d.offset >= current.next[i]!);
      if (mine.length === 0) return true;
      const applied = await persist(
        async () => {
          const last = mine[mine.length - 1]!;
          await projector.apply(mine.map((d) => d.event), source, last.offset.toString());
          return last.offset;
        },
        payload,
        assignment,
        async (error) => {
          report(error, projector.name, partition, mine[0]?.offset.toString());
          // Reread the truth: another consumer, or a rebuild, may have moved the checkpoint.
          let next: bigint;
          try {
            next = nextAfter(await projector.loadCheckpoint(source));
          } catch {
            return 'retry';
          }
          if (next === current.next[i]) return 'retry';
          current.next[i] = next;
          mine = mine.filter((d) => d.offset >= next);
          const head = mine[0];
          if (head === undefined) return 'give-up'; // all of it is applied already
          if (head.offset > next) {
            seekTo(partition, current);
            return 'give-up';
          }
          return 'retry';
        },
      );
      if (applied === undefined) return mine.length === 0;
      if (applied >= current.next[i]!) current.next[i] = applied + 1n;
      if (metrics !== undefined) {
        const behind = BigInt(batch.highWatermark) - 1n - applied;
        metrics.lag.set({ projector: projector.name, topic, partition: String(partition) }, Number(behind > 0n ? behind : 0n));
      }
      return true;
    };

    if (decoded.length > 0) {
      const done = await Promise.all(projectors.map((_, i) => applyTo(i)));
      if (!stillOurs() || current.seeking || done.includes(false)) return;
    }
    // Every projector has applied everything before the lowest `next`.
    const passed = lowestOffset(current.next);
    if (passed > 0n) {
      payload.resolveOffset((passed - 1n).toString());
      uncommitted.set(partition, passed);
    }

    if (poison !== undefined && BigInt(poison.message.offset) >= lowestOffset(current.next)) {
      poisoned.add(partition);
      payload.pause();
      for (const name of names) metrics?.stopped.set({ projector: name, topic, partition: String(partition) }, 1);
      const error = new PoisonMessageError(topic, partition, poison.message.offset, poison.reason);
      report(error, runName, partition, poison.message.offset);
    }
  };

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachBatchAutoResolve: false, autoCommit: false, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1, eachBatch });
  } catch (error) {
    clearInterval(committer);
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  logger.info('consuming');

  return {
    stop: async () => {
      controller.abort();
      clearInterval(committer);
      await committing;
      await commit(); // what was applied by now (a batch still in flight is committed by the next run)
      await consumer.disconnect();
      for (const partition of poisoned) for (const name of names) metrics?.stopped.remove({ projector: name, topic, partition: String(partition) });
      logger.info('stopped');
    },
  };
};
