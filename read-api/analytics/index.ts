// read-api/analytics: the analysts' HTTP reads over the analytics tables that the analytics
// projector keeps (projections/analytics/sql/001-analytics.sql): market figures, series and each
// auction's figures, as JSON or CSV. Mounted by read-api/routes.ts.
export { mountAnalyticsRoutes } from './routes.js';
export * from './responses.js';
export { Bucket, AnalyticsStatus, MAX_PERIODS } from './params.js';
