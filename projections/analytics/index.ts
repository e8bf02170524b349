// projections/analytics: the market figures (bids per minute, each auction's price curve and
// figures) the analytics projector keeps current in PostgreSQL from the event log.
export { analyticsMigrations, analyticsTables } from './schema.js';
export type { AnalyticsTable } from './schema.js';
