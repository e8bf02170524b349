// projections/analytics: the market figures (bids per minute, each auction's price curve and
// figures) the analytics projector keeps current in PostgreSQL from the event log: the schema, the
// pure fold from an auction's events to its rows, the store that writes them, the projector, and a
// dump of every row (for comparing the projection with a rebuild).
export { analyticsDdl, analyticsMigrations, analyticsParkedStreamsTable, analyticsTableList, analyticsTableNames, analyticsTables } from './schema.js';
export type { AnalyticsTable, AnalyticsTables } from './schema.js';
export { LAST_MINUTE_MS, foldAnalytics, isLastMinuteBid, minuteOf } from './analytics-rows.js';
export type { AnalyticsAuctionRow, AnalyticsChanges, AnalyticsFoldResult, AnalyticsStatus, MinuteIncrement, PricePoint } from './analytics-rows.js';
export { AnalyticsStore, analyticsAuctionColumns } from './analytics-store.js';
export type { AnalyticsWrite } from './analytics-store.js';
export { ANALYTICS_PROJECTION, AnalyticsProjector, projectAnalyticsBatch } from './analytics-projector.js';
export type { AnalyticsBatchOptions, AnalyticsBatchResult, AnalyticsProjectorOptions } from './analytics-projector.js';
export { dumpAnalytics } from './analytics-dump.js';
export type { AnalyticsDump } from './analytics-dump.js';
