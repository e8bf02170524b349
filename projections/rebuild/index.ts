// Rebuild of the read models and of the analytics tables: from the start of the log into fresh
// tables, swapped in atomically.
export { rebuildReadModels } from './rebuild-read-models.js';
export type { RebuildOptions } from './rebuild-read-models.js';
export { RebuildBehindError, RebuildParkedError } from './rebuild-steps.js';
export type { RebuildProgress, RebuildReport } from './rebuild-steps.js';
export { rebuildAnalytics } from './rebuild-analytics.js';
export type { AnalyticsRebuildOptions } from './rebuild-analytics.js';
