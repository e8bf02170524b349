// The analytics tables' schema (sql/001-analytics.sql says what each holds; sql/002 adds the
// projection's parked streams), and the same tables' DDL under other names for a rebuild.
import type { Migration } from '../../infra/index.js';
import { migrationFromFile } from '../../infra/index.js';

/** Every analytics table (the market figures), in the order a rebuild creates them. */
export const analyticsTables = ['analytics_auctions', 'analytics_auction_bidders', 'analytics_price_points', 'analytics_bids_per_minute'] as const;
export type AnalyticsTable = (typeof analyticsTables)[number];

/** The analytics projection's parked streams (not a figure: the projection's own bookkeeping, rebuilt with the figures). */
export const analyticsParkedStreamsTable = 'analytics_parked_streams';

export const analyticsMigrations: readonly Migration[] = [
  migrationFromFile(import.meta.url, 'analytics/001-analytics'),
  migrationFromFile(import.meta.url, 'analytics/002-parked-streams'),
];

/** The names of one set of analytics tables: the live ones (suffix '') or a rebuild's. */
export interface AnalyticsTables {
  readonly suffix: string;
  readonly auctions: string;
  readonly bidders: string;
  readonly pricePoints: string;
  readonly bidsPerMinute: string;
  readonly parkedStreams: string;
}

const suffixPattern = /^(?:_[a-z0-9]{1,20})?$/;

export const analyticsTableNames = (suffix = ''): AnalyticsTables => {
  if (!suffixPattern.test(suffix)) throw new Error(`an analytics table suffix is '' or _[a-z0-9]{1,20}, got ${JSON.stringify(suffix)}`);
  return {
    suffix,
    auctions: `analytics_auctions${suffix}`,
    bidders: `analytics_auction_bidders${suffix}`,
    pricePoints: `analytics_price_points${suffix}`,
    bidsPerMinute: `analytics_bids_per_minute${suffix}`,
    parkedStreams: `${analyticsParkedStreamsTable}${suffix}`,
  };
};

/** Every table of one set, in the order a rebuild's swap locks them (as the projector's transactions take them: auctions first). */
export const analyticsTableList = (t: AnalyticsTables): readonly string[] => [t.auctions, t.parkedStreams, t.bidders, t.pricePoints, t.bidsPerMinute];

/** An analytics table's name, and every index and constraint named after it (they start with it). */
const tableName = new RegExp(`\\b(?:${[...analyticsTables, analyticsParkedStreamsTable].join('|')})`, 'g');

/**
 * The DDL of every analytics table, as its migrations have it (every analytics migration makes or
 * changes only these tables), with each table's name (and the names starting with it) followed by
 * `suffix`: a rebuild's fresh tables, which the swap then renames into place.
 */
export const analyticsDdl = (suffix = ''): string => analyticsMigrations.map((m) => m.sql.replace(tableName, (name) => `${name}${suffix}`)).join('\n');
