// The projector role's event source over Kafka: one consumer group for the process's projectors
// (the read models and the live cache), so each message is fetched and decoded once. Without
// KAFKA_BROKERS there is none, and the projector role uses the in-process log source.
import type { Registry } from 'prom-client';
import type { BusEventSource, EventSource, KafkaEventSource, Projector, RunningProjection } from '../../projections/index.js';
import { kafkaEventSource } from '../../projections/index.js';
import { DEFAULT_EVENTS_TOPIC_PARTITIONS } from '../../infra/index.js';
import type { Resources } from './resources.js';

export interface KafkaSourceRoleOptions {
  /** Default 'auction-events' (tests give each system its own topic). */
  readonly topic?: string;
  /** Consumer group id prefix (default 'gavelstream.projector.'; tests give each system its own). */
  readonly groupIdPrefix?: string;
  /** Where the consumer lag gauge goes (the registry `GET /metrics` serves). */
  readonly registry?: Registry;
  /** Partitions applied at once (default: every partition of the topic). */
  readonly partitionsConsumedConcurrently?: number;
  /** Most bytes a fetch takes of one partition (default kafkajs's; tests make a backlog take many batches). */
  readonly maxBytesPerPartition?: number;
  /** The consumer's session timeout (KAFKA_SESSION_TIMEOUT_MS; default kafkajs's, 30 s). */
  readonly sessionTimeoutMs?: number;
}

/**
 * The Kafka event source when KAFKA_BROKERS is set, else undefined. The partitions of a fetch are
 * applied at once (a live-cache batch is a few Redis round trips, which then overlap), so a frame
 * does not wait for the other partitions' batches one after another.
 */
export const kafkaSourceFor = (r: Resources, options: KafkaSourceRoleOptions = {}): KafkaEventSource | undefined =>
  r.kafka === undefined
    ? undefined
    : kafkaEventSource({
        kafka: r.kafka,
        logger: r.logger,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? DEFAULT_EVENTS_TOPIC_PARTITIONS,
        ...(options.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
        ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
        ...(options.topic !== undefined ? { topic: options.topic } : {}),
        ...(options.groupIdPrefix !== undefined ? { groupIdPrefix: options.groupIdPrefix } : {}),
        ...(options.registry !== undefined ? { registry: options.registry } : {}),
      });

export interface GatheredProjectors {
  /** Takes each projector given to `run`; they start together on `start()`. */
  readonly source: EventSource;
  /** Runs every gathered projector on one consumer. */
  start(): Promise<void>;
}

/** Lets the process's sides hand over their projectors one by one, then runs them all on one consumer of `bus` (Kafka or RabbitMQ). */
export const gatherProjectors = (bus: BusEventSource): GatheredProjectors => {
  const projectors: Projector[] = [];
  let running: RunningProjection | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= running?.stop() ?? Promise.resolve());
  return {
    source: {
      run: (projector) => {
        if (running !== undefined || stopping !== undefined) return Promise.reject(new Error('the gathered projectors have started already'));
        projectors.push(projector);
        return Promise.resolve({ stop });
      },
    },
    start: async () => {
      if (projectors.length === 0 || stopping !== undefined) return;
      running = await bus.runAll(projectors);
    },
  };
};
