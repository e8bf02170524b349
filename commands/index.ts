// commands/: the write side. Composition roots in scripts/ take what they need from here.
export * from './handler/index.js';
export * from './http/index.js';
export * from './locks/index.js';
export * from './scheduler/index.js';
export * from './event-log/index.js';
export { openEventLog, commandMigrations } from './open-event-log.js';
export type { OpenEventLogOptions, OpenedEventLog } from './open-event-log.js';
export * from './attempts/index.js';
export * from './publisher/index.js';
export * from './checkpoints/index.js';
export * from './watchlist/index.js';
export * from './accounts/index.js';
export * from './sales/index.js';
