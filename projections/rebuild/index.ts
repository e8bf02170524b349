// Rebuild of the read models and of the analytics tables: from the start of the log into fresh
// tables, swapped in atomically.
export { rebuildReadModels, RebuildBehindError, RebuildParkedError } from './rebuild-read-models.js';
export type { RebuildOptions, RebuildProgress, RebuildReport } from './rebuild-read-models.js';
export { rebuildAnalytics } from './rebuild-analytics.js';
export type { AnalyticsRebuildOptions } from './rebuild-analytics.js';
