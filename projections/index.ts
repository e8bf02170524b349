// projections/: from the event log (through Kafka, RabbitMQ or in-process) to read models and caches.
export * from './read-models/index.js';
export { CheckpointMovedError, logEventSource, LOG_SOURCE, ParkingMonitor, ParkedStreamCodec, ProjectionDecodeError, ProjectionGapError } from './runtime/index.js';
export type { BusEventSource, EventSource, LogSourceOptions, ParkedStream, ParkingReporter, ParkedStreamLister, ParkingMonitorOptions, Projector, RunningProjection, StreamHistory } from './runtime/index.js';
export { DEFAULT_GROUP_ID_PREFIX, PoisonMessageError, kafkaEventSource, rabbitEventSource, rabbitSourceName } from './runtime/index.js';
export type { KafkaEventSource, KafkaEventSourceOptions, KafkaSourceErrorContext, RabbitEventSource, RabbitEventSourceOptions, RabbitSourceErrorContext } from './runtime/index.js';
export * from './rebuild/index.js';
export * from './cache/index.js';
export * from './notifications/index.js';
export * from './analytics/index.js';
