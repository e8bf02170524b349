// The publisher role: from the event log to Kafka, when KAFKA_BROKERS is set, or to the RabbitMQ
// stream, when RABBITMQ_URL is set (and KAFKA_BROKERS is not). Any number of
// processes may run it; one publishes while the others stand by (the lease: a PostgreSQL advisory
// lock with DATABASE_URL; in-process with PGlite, which only one process can open).
import type { Registry } from 'prom-client';
import type { RunningPublisher } from '../../commands/index.js';
import { createPublisherMetrics, embeddedLeases, kafkaSink, postgresLeases, publisherHolder, rabbitSink, startPublisher } from '../../commands/index.js';
import { DEFAULT_EVENTS_STREAM, DEFAULT_EVENTS_TOPIC } from '../../infra/index.js';
import type { Resources } from './resources.js';

export interface PublisherRoleOptions {
  /** Default 'auction-events' (tests give each system its own topic). */
  readonly topic?: string;
  /** The RabbitMQ stream (default RABBITMQ_STREAM, else 'auction-events'; tests give each system its own). */
  readonly stream?: string;
  /** Partitions when the topic is created (default 12). */
  readonly partitions?: number;
  /** Where the publisher's metrics go (the registry `GET /metrics` serves). */
  readonly registry?: Registry;
  /** How often a standby tries the lease (default 500 ms). */
  readonly leaseRetryMs?: number;
  /** application_name of the lease's PostgreSQL connection (default 'gavelstream-publisher'). */
  readonly applicationName?: string;
}

/**
 * The checkpoint and lease name of a publisher to a RabbitMQ stream. Kafka's is the topic's bare
 * name (as before RabbitMQ was supported): a stream of the same name gets a checkpoint of its own,
 * so moving from one bus to the other publishes the whole log to the new one.
 */
export const rabbitPublisherName = (stream: string): string => `rabbitmq:${stream}`;

/** Starts the publisher, or returns undefined when there is no bus to publish to. */
export const startPublisherRole = async (r: Resources, options: PublisherRoleOptions = {}): Promise<RunningPublisher | undefined> => {
  const { config, logger } = r;
  const kafka = r.kafka;
  const rabbitmqUrl = r.rabbitmqUrl;
  if (kafka === undefined && rabbitmqUrl === undefined) {
    logger.info('publisher role: neither KAFKA_BROKERS nor RABBITMQ_URL is set, so there is nothing to publish to (projectors follow the log in-process)');
    return undefined;
  }
  const topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  const stream = options.stream ?? config.rabbitmqStream ?? DEFAULT_EVENTS_STREAM;
  const name = kafka !== undefined ? topic : rabbitPublisherName(stream);
  const holder = publisherHolder();
  if (config.databaseUrl === undefined && config.eventstoreUrl !== undefined) {
    // Each process would have its own PGlite checkpoint and lock over one shared log.
    logger.warn('publisher role with EVENTSTORE_URL but without DATABASE_URL: the lease is in-process, so run exactly one publisher process (or set DATABASE_URL)');
  }
  const leases = config.databaseUrl !== undefined
    ? postgresLeases({
        databaseUrl: config.databaseUrl,
        name,
        holder,
        ...(options.leaseRetryMs !== undefined ? { retryMs: options.leaseRetryMs } : {}),
        ...(options.applicationName !== undefined ? { applicationName: options.applicationName } : {}),
        onError: (err) => logger.warn({ err, component: 'publisher-lease' }, 'publisher lease: connection problem; retrying'),
      })
    : embeddedLeases({ sql: r.sql, name, holder });
  const sink = kafka !== undefined
    ? kafkaSink({ kafka, logger, topic, ...(options.partitions !== undefined ? { partitions: options.partitions } : {}) })
    : rabbitSink({ url: rabbitmqUrl!, logger, stream });
  return startPublisher({
    log: r.log,
    sink,
    leases,
    logger,
    ...(options.registry !== undefined ? { metrics: createPublisherMetrics(options.registry) } : {}),
  });
};
