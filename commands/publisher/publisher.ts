// The publisher: tails the event log in commit order from its checkpoint and sends every event to
// the bus (bus-sink.ts: the Kafka topic auction-events keyed by auction id, or the RabbitMQ stream
// auction-events), at least once and in order per auction.
//
// - One active publisher at a time: it publishes only while it holds the lease (lease.ts); other
//   instances stand by and take over when the holder dies.
// - Each batch the log delivers is one batch to the sink, which resolves once the broker has
//   acknowledged all of it (Kafka: acks from all in-sync replicas, idempotent producer, one request
//   in flight; RabbitMQ: publisher confirms); then the checkpoint is saved under the lease's
//   fencing epoch. The save runs while the next batch is read from the log, and that batch is sent
//   only once the save succeeded, so a fenced publisher still sends nothing after the batch whose
//   save failed (the save's failure ends the lease). A failure anywhere (a broker that went away
//   included: the sink connects again on the next attempt) retries the same batch from the same
//   position: at-least-once.
// - Ordering: the log delivers each stream's events in version order and a batch is sent only after
//   the previous one was acknowledged (on Kafka one key goes to one partition; on RabbitMQ the one
//   stream keeps the whole log in commit order). Duplicates (a retried batch, or one batch of a
//   publisher that just lost its lease) repeat events already sent, so the first copy of every
//   event still arrives in order; consumers drop repeats by stream version.
import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import type { EventLog, RecordedEvent } from '../../domain/index.js';
import type { Logger } from '../../infra/index.js';
import { pause } from '../../infra/index.js';
import type { BusSink } from './bus-sink.js';
import { kafkaSink } from './kafka-sink.js';
import { LeaseLostError } from './lease.js';
import type { LeaseProvider, PublisherLease } from './lease.js';
import type { PublisherMetrics } from './publisher-metrics.js';

export interface PublisherOptions {
  readonly log: EventLog;
  /** Where batches go; without it, `kafka` (and `topic`, `partitions`, `replicationFactor`) make a Kafka sink. */
  readonly sink?: BusSink;
  readonly kafka?: Kafka;
  readonly leases: LeaseProvider;
  readonly logger: Logger;
  /** Kafka sink only: default 'auction-events'. */
  readonly topic?: string;
  /** Partitions when the topic is created (default 12); an existing topic keeps its own. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Most events per batch sent to the bus (default 500). */
  readonly batchSize?: number;
  readonly metrics?: PublisherMetrics;
  /** The clock for the lag metric (ms since the epoch). */
  readonly now?: () => number;
}

export interface PublisherStatus {
  /** The topic or stream published to. */
  readonly topic: string;
  /** True while this instance holds the lease and publishes. */
  readonly active: boolean;
  /** The fencing epoch of the lease held, if any. */
  readonly epoch: string | undefined;
  /** Events this instance has published since it started. */
  readonly published: number;
}

export interface RunningPublisher {
  readonly topic: string;
  status(): PublisherStatus;
  /** Stops publishing (after the batch in flight), gives the lease up, disconnects from the bus. */
  stop(): Promise<void>;
}

/** A stable description of this process, written beside the checkpoint. */
export const publisherHolder = (): string => `${hostname()}:${process.pid}`;

/** The sink the options name: `sink`, or a Kafka sink of `kafka`. */
const sinkOf = (options: PublisherOptions, logger: Logger): BusSink => {
  if (options.sink !== undefined) return options.sink;
  if (options.kafka === undefined) throw new Error('the publisher needs a sink (or a Kafka client)');
  return kafkaSink({
    kafka: options.kafka,
    logger,
    ...(options.topic !== undefined ? { topic: options.topic } : {}),
    ...(options.partitions !== undefined ? { partitions: options.partitions } : {}),
    ...(options.replicationFactor !== undefined ? { replicationFactor: options.replicationFactor } : {}),
  });
};

export const startPublisher = async (options: PublisherOptions): Promise<RunningPublisher> => {
  const sink = sinkOf(options, options.logger.child({ component: 'publisher' }));
  const topic = sink.destination;
  const { log, leases, metrics } = options;
  const logger = options.logger.child({ component: 'publisher', bus: sink.bus, topic });
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 500;

  await sink.open();

  const controller = new AbortController();
  const { signal } = controller;
  let current: PublisherLease | undefined;
  let published = 0;

  /** The checkpoint save of the last batch sent under the lease being served (settled when there is none). */
  let saving: Promise<void> = Promise.resolve();

  const publish = async (lease: PublisherLease, events: readonly RecordedEvent[]): Promise<void> => {
    const last = events[events.length - 1];
    if (last === undefined) return;
    if (signal.aborted) throw new Error('the publisher is stopping');
    // The previous batch's checkpoint first. A failed save fails this batch too: on PostgreSQL it
    // ended the lease; otherwise this batch is retried, and its own save covers the previous one,
    // which the bus has acknowledged.
    try {
      await saving;
    } catch (error) {
      saving = Promise.resolve();
      throw error;
    }
    await sink.send(events);
    saving = lease.save(last.position);
    // Awaited by the next batch and when the lease is given up; never left unhandled meanwhile.
    saving.catch(() => undefined);
    published += events.length;
    if (metrics !== undefined) {
      const acknowledged = now();
      metrics.events.inc({ topic }, events.length);
      metrics.batches.inc({ topic });
      for (const event of events) {
        const accepted = Date.parse(event.metadata.serverTime);
        if (Number.isFinite(accepted)) metrics.lag.observe({ topic }, Math.max(0, acknowledged - accepted) / 1000);
      }
      const lastAccepted = Date.parse(last.metadata.serverTime);
      if (Number.isFinite(lastAccepted)) metrics.lastPublished.set({ topic }, lastAccepted / 1000);
    }
  };

  const stopped = new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));

  const serve = async (lease: PublisherLease): Promise<void> => {
    current = lease;
    saving = Promise.resolve();
    metrics?.active.set({ topic }, 1);
    logger.info({ after: lease.checkpoint, epoch: lease.epoch }, 'holding the publisher lease: publishing');
    const subscription = log.subscribeToAll({
      after: lease.checkpoint,
      batchSize,
      onEvents: (events) => publish(lease, events),
      onError: (err) => {
        metrics?.errors.inc({ topic });
        if (err instanceof LeaseLostError) logger.warn({ err: err.message }, 'publishing stopped: lease lost');
        else logger.warn({ err }, 'publishing a batch failed; retrying it from the checkpoint');
      },
    });
    const reason = await Promise.race([lease.lost, stopped]);
    await subscription.stop();
    // The last batch's checkpoint, before the lease goes (a failure is the lease's loss, reported by it).
    await saving.catch(() => undefined);
    saving = Promise.resolve();
    current = undefined;
    metrics?.active.set({ topic }, 0);
    await lease.release();
    if (reason !== undefined) logger.warn({ reason: reason.message }, 'lost the publisher lease: standing by');
  };

  const loop = async (): Promise<void> => {
    metrics?.active.set({ topic }, 0);
    while (!signal.aborted) {
      let lease: PublisherLease | undefined;
      try {
        lease = await leases.acquire(signal);
      } catch (err) {
        metrics?.errors.inc({ topic });
        logger.error({ err }, 'could not take the publisher lease; retrying');
        await pause(1_000, signal);
        continue;
      }
      if (lease === undefined) break;
      await serve(lease);
    }
  };

  logger.info('publisher started: waiting for the lease');
  const running = loop().catch((err: unknown) => logger.fatal({ err }, 'the publisher loop failed'));

  return {
    topic,
    status: () => ({ topic, active: current !== undefined, epoch: current?.epoch, published }),
    stop: async () => {
      controller.abort();
      await running;
      await sink.close();
    },
  };
};
