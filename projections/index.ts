// projections/: from the event log (through Kafka or in-process) to read models and caches.
export * from './read-models/schema.js';
export * from './runtime/projector.js';
export { logEventSource, LOG_SOURCE } from './runtime/log-source.js';
export type { LogSourceOptions } from './runtime/log-source.js';
export { ReadModelProjector, READ_MODEL_PROJECTION, projectBatch } from './read-models/read-model-projector.js';
export type { BatchResult, ProjectBatchOptions, ReadModelProjectorOptions } from './read-models/read-model-projector.js';
export { ParkingMonitor, ParkedStreamCodec } from './runtime/parked-streams.js';
export type { ParkedStream, ParkingReporter, ParkedStreamLister, ParkingMonitorOptions } from './runtime/parked-streams.js';
export { ReadModelStore, AuctionRowConflictError, readModelTableNames } from './read-models/read-model-store.js';
export type { ReadModelTables } from './read-models/read-model-store.js';
export { loadCheckpoint } from './read-models/checkpoint-store.js';
export { ProjectionDecodeError, ProjectionGapError } from './read-models/projected-event.js';
export * from './rebuild/index.js';
export * from './runtime/kafka-source.js';
export * from './cache/index.js';
