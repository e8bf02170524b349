// Signed checkpoints of the log: the tables, the archive that takes and serves them, the periodic runner.
export { checkpointMigrations, readHeadsAt } from './checkpoint-tables.js';
export { createLogCheckpoints } from './log-checkpoints.js';
export type { LogCheckpoints, LogCheckpointsOptions } from './log-checkpoints.js';
export { startPeriodicCheckpoints } from './periodic-checkpoints.js';
export type { PeriodicCheckpointsOptions, RunningCheckpoints } from './periodic-checkpoints.js';
