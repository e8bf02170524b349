// The analytics role: the analytics projector (projections/analytics) keeping the market figures
// current in PostgreSQL, fed by its own event source (busSourceFor, consumer 'analytics'): with
// KAFKA_BROKERS its own Kafka consumer group (`<KAFKA_GROUP_ID_PREFIX>analytics`), with RABBITMQ_URL
// its own consumer of the stream (checkpoint `rabbitmq:<stream>` of projection 'analytics'); not
// gathered with the projector role's, so the figures never hold back the read models and the live
// cache, nor they it. Without a bus, the event log itself, in-process, from the 'log' checkpoint.
import type { Registry } from 'prom-client';
import { AnalyticsProjector } from '../../projections/index.js';
import type { EventSource, ParkingMonitor, RunningProjection } from '../../projections/index.js';
import { busSourceFor } from './bus-source.js';
import type { KafkaSourceRoleOptions } from './kafka-source.js';
import { logSourceFor } from './read-side.js';
import type { Resources } from './resources.js';

export interface AnalyticsRoleOptions {
  /** Kafka topic and consumer group prefix (default KAFKA_TOPIC and KAFKA_GROUP_ID_PREFIX). */
  readonly kafka?: Pick<KafkaSourceRoleOptions, 'topic' | 'groupIdPrefix'>;
  /** The RabbitMQ stream (default RABBITMQ_STREAM). */
  readonly stream?: string;
  readonly registry?: Registry;
  /** Where the projector reports parked streams (and /health lists them). */
  readonly parking?: ParkingMonitor;
}

/**
 * How long the analytics projector on the log waits after a batch that was not full. The figures
 * are read by people looking at charts, not by the next command: half a second of delay lets a
 * busy log's batches grow to hundreds of events, so an embedded process (one PGlite for commands,
 * read models and analytics) spends one analytics transaction where it would spend dozens. A
 * backlog (full batches) never waits; an idle log adds no wait to the first event after it.
 */
export const ANALYTICS_LINGER_MS = 500;

/**
 * The most events of one analytics transaction on the log. On PGlite a transaction holds the one
 * database thread the commands append through, so a batch of hundreds would stall every bid behind
 * it (in the bench a batch of hundreds tripled the p99 of bids); batches of 100 keep each stall short.
 */
export const ANALYTICS_BATCH_SIZE = 100;

/**
 * The analytics projector's source: its own consumer of the bus (Kafka or RabbitMQ) when there is
 * one, else the log (each batch is a transaction, so batches grow while bids stream in).
 */
export const analyticsSourceFor = (r: Resources, options: AnalyticsRoleOptions = {}): EventSource =>
  busSourceFor(r, {
    consumer: 'analytics',
    ...options.kafka,
    ...(options.stream !== undefined ? { stream: options.stream } : {}),
    ...(options.registry !== undefined ? { registry: options.registry } : {}),
  }) ?? logSourceFor(r, { lingerMs: ANALYTICS_LINGER_MS, batchSize: ANALYTICS_BATCH_SIZE });

export const startAnalyticsRole = async (r: Resources, options: AnalyticsRoleOptions = {}): Promise<RunningProjection> => {
  const { logger } = r;
  const projector = new AnalyticsProjector({
    sql: r.sql,
    ...(options.parking !== undefined ? { parking: options.parking } : {}),
    onApplied: ({ source, position, applied, delivered }) => logger.debug({ source, position, applied, delivered }, 'analytics projected'),
  });
  options.parking?.register(projector.name, () => projector.parkedStreams());
  const running = await analyticsSourceFor(r, options).run(projector);
  logger.info({ projection: projector.name }, 'analytics projection running');
  return running;
};
