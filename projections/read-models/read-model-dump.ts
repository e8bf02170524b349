// Dumps of the read models for comparisons (a projection against a rebuild, two rebuilds): every
// row of every table as text, in primary-key order. The tests and the chaos suite (scripts/chaos/)
// both compare with it, so "equal to a rebuild" means the same thing everywhere.
import type { SqlExecutor } from '../../infra/index.js';
import { readModelTableNames } from './read-model-store.js';

export interface ReadModelDump {
  readonly auctionView: readonly string[];
  readonly bidHistory: readonly string[];
  readonly bidderActivity: readonly string[];
  readonly parkedStreams: readonly string[];
}

const rows = async (sql: SqlExecutor, text: string): Promise<string[]> => (await sql.query<{ r: string }>(text)).rows.map((row) => row.r);

/** Every row of the read-model tables (those with `suffix`: '' the live ones), as text, in key order. */
export const dumpReadModels = async (sql: SqlExecutor, suffix = ''): Promise<ReadModelDump> => {
  const t = readModelTableNames(suffix);
  return {
    auctionView: await rows(sql, `SELECT x::text AS r FROM ${t.auctionView} x ORDER BY auction_id`),
    bidHistory: await rows(sql, `SELECT x::text AS r FROM ${t.bidHistory} x ORDER BY auction_id, stream_version`),
    bidderActivity: await rows(sql, `SELECT x::text AS r FROM ${t.bidderActivity} x ORDER BY bidder_id, auction_id`),
    parkedStreams: await rows(sql, `SELECT x::text AS r FROM ${t.parkedStreams} x ORDER BY auction_id`),
  };
};
