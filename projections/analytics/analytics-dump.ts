// A dump of the analytics tables for comparisons (the live projection against a rebuild): every
// row of every table as text, in primary-key order, as the read models' dump does.
import type { SqlExecutor } from '../../infra/index.js';
import { analyticsTableNames } from './schema.js';

export interface AnalyticsDump {
  readonly auctions: readonly string[];
  readonly bidders: readonly string[];
  readonly pricePoints: readonly string[];
  readonly bidsPerMinute: readonly string[];
  readonly parkedStreams: readonly string[];
}

const rows = async (sql: SqlExecutor, text: string): Promise<string[]> => (await sql.query<{ r: string }>(text)).rows.map((row) => row.r);

/** Every row of the analytics tables (those with `suffix`: '' the live ones), as text, in key order. */
export const dumpAnalytics = async (sql: SqlExecutor, suffix = ''): Promise<AnalyticsDump> => {
  const t = analyticsTableNames(suffix);
  return {
    auctions: await rows(sql, `SELECT x::text AS r FROM ${t.auctions} x ORDER BY auction_id`),
    bidders: await rows(sql, `SELECT x::text AS r FROM ${t.bidders} x ORDER BY auction_id, bidder_id`),
    pricePoints: await rows(sql, `SELECT x::text AS r FROM ${t.pricePoints} x ORDER BY auction_id, stream_version`),
    bidsPerMinute: await rows(sql, `SELECT x::text AS r FROM ${t.bidsPerMinute} x ORDER BY minute`),
    parkedStreams: await rows(sql, `SELECT x::text AS r FROM ${t.parkedStreams} x ORDER BY auction_id`),
  };
};
