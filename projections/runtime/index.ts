// projections/runtime: what every projector runs on. The projector and event-source contract, the
// sources (the event log itself, a Kafka consumer group, a RabbitMQ stream), what a projector does with a
// delivered batch before projecting it (group per auction, drop what it reflects, refuse a gap,
// decode, fill a gap from the log), the SQL projectors' batch step, and the streams it parks when
// an event cannot be projected.
export * from './projector.js';
export { logEventSource, LOG_SOURCE } from './log-source.js';
export type { LogSourceOptions } from './log-source.js';
export * from './kafka-source.js';
export * from './rabbitmq-source.js';
export * from './poison-message.js';
export * from './projected-event.js';
export * from './project-auction-batch.js';
export { ParkingMonitor, ParkedStreamCodec, byStreamId, parkedStreamOf, skippedFrom } from './parked-streams.js';
export type { ParkedStream, ParkingReporter, ParkedStreamLister, ParkingMonitorOptions } from './parked-streams.js';
