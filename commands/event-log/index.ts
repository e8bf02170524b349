// The event log's adapters (PostgreSQL/PGlite and EventStoreDB), the reader, the shared tail.
// (The factory that picks one and runs the write side's migrations is commands/open-event-log.ts.)
export { closeBoth } from './close-both.js';
export { openEventLogReader, openSqlReader, EventLogUnavailableError } from './open-event-log-reader.js';
export type { EventLogReader, EventLogReaderOptions } from './open-event-log-reader.js';
export {
  createPostgresEventLog,
  eventLogMigrations,
  appendEventsWithin,
  EventIdConflictError,
  EVENTS_CHANNEL,
  comparePgPositions,
  formatPgPosition,
  parsePgPosition,
} from './postgres-event-log.js';
export type { PostgresEventLog, PostgresEventLogOptions } from './postgres-event-log.js';
export { openEventStoreEventLog, compareEsdbPositions, formatEsdbPosition, parseEsdbPosition, esdbEventUuid } from './eventstore-event-log.js';
export type { EventStoreEventLogOptions } from './eventstore-event-log.js';
export type { PollingTimings } from './polling-subscription.js';
export { LogTail } from './log-tail.js';
export { appendToStreams } from './multi-stream-append.js';
export type { StreamAppend } from './multi-stream-append.js';
export type { LogTailOptions, TailSource } from './log-tail.js';
