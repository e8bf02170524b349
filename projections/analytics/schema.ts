// The analytics tables' schema (sql/001-analytics.sql says what each holds).
import type { Migration } from '../../infra/index.js';
import { migrationFromFile } from '../../infra/index.js';

/** Every analytics table, in the order a rebuild creates them. */
export const analyticsTables = ['analytics_auctions', 'analytics_auction_bidders', 'analytics_price_points', 'analytics_bids_per_minute'] as const;
export type AnalyticsTable = (typeof analyticsTables)[number];

export const analyticsMigrations: readonly Migration[] = [migrationFromFile(import.meta.url, 'analytics/001-analytics')];
