// Rebuild of the read models: from the start of the log into fresh tables, swapped in atomically.
export { rebuildReadModels, RebuildBehindError, RebuildParkedError } from './rebuild-read-models.js';
export type { RebuildOptions, RebuildProgress, RebuildReport } from './rebuild-read-models.js';
