// projections/: from the event log (through Kafka or in-process) to read models and caches.
export * from './read-models/schema.js';
export * from './runtime/projector.js';
export * from './runtime/kafka-source.js';
export * from './cache/index.js';
