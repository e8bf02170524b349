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
import { READ_MODEL_LINGER_MS, logSourceFor } from './read-side.js';
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
 * The analytics projector's source: its own consumer of the bus (Kafka or RabbitMQ) when there is
 * one, else the log (with the read models' linger: each batch is a transaction, so batches grow
 * while bids stream in).
 */
export const analyticsSourceFor = (r: Resources, options: AnalyticsRoleOptions = {}): EventSource =>
  busSourceFor(r, {
    consumer: 'analytics',
    ...options.kafka,
    ...(options.stream !== undefined ? { stream: options.stream } : {}),
    ...(options.registry !== undefined ? { registry: options.registry } : {}),
  }) ?? logSourceFor(r, { lingerMs: READ_MODEL_LINGER_MS });

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
