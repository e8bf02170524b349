// The publisher: from the event log to the bus (Kafka or RabbitMQ), one active instance at a time.
export { startPublisher, publisherHolder } from './publisher.js';
export type { PublisherOptions, PublisherStatus, RunningPublisher } from './publisher.js';
export { postgresLeases, embeddedLeases, LeaseLostError } from './lease.js';
export type { LeaseProvider, PublisherLease, PostgresLeaseOptions, EmbeddedLeaseOptions } from './lease.js';
export { publisherMigrations, readPublisherCheckpoint } from './checkpoint-table.js';
export { createPublisherMetrics } from './publisher-metrics.js';
export type { PublisherMetrics } from './publisher-metrics.js';
export type { BusSink } from './bus-sink.js';
export { kafkaSink } from './kafka-sink.js';
export type { KafkaSinkOptions } from './kafka-sink.js';
export { rabbitSink } from './rabbitmq-sink.js';
export type { RabbitSinkOptions } from './rabbitmq-sink.js';
