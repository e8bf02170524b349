// The publisher: from the event log to Kafka, one active instance at a time.
export { startPublisher, publisherHolder } from './publisher.js';
export type { PublisherOptions, PublisherStatus, RunningPublisher } from './publisher.js';
export { postgresLeases, embeddedLeases, LeaseLostError } from './lease.js';
export type { LeaseProvider, PublisherLease, PostgresLeaseOptions, EmbeddedLeaseOptions } from './lease.js';
export { publisherMigrations, readPublisherCheckpoint } from './checkpoint-table.js';
export { createPublisherMetrics } from './publisher-metrics.js';
export type { PublisherMetrics } from './publisher-metrics.js';
