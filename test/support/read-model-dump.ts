// Dumps of the read models for comparisons: every row of every table as text, in primary-key order
// (the projections' own dumpReadModels, re-exported here for the tests), and the tables' definitions
// (columns, constraints, indexes, by name) as the catalog holds them.
import type { SqlExecutor } from '../../infra/index.js';
import { eventually } from './system.js';
import { readModelTableNames } from '../../projections/index.js';

export { dumpReadModels } from '../../projections/index.js';
export type { ReadModelDump } from '../../projections/index.js';

/** Columns, constraints and indexes of the read-model tables, as the catalog describes them. */
export const dumpReadModelSchema = async (sql: SqlExecutor, suffix = ''): Promise<Record<string, string[]>> => {
  const t = readModelTableNames(suffix);
  const out: Record<string, string[]> = {};
  for (const table of [t.auctionView, t.bidHistory, t.bidderActivity, t.parkedStreams]) {
    const columns = await sql.query<{ d: string }>(
      `SELECT column_name || ' ' || data_type || ' ' || is_nullable AS d FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const constraints = await sql.query<{ d: string }>(
      `SELECT conname || ': ' || pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE conrelid = to_regclass($1) ORDER BY conname`,
      [table],
    );
    const indexes = await sql.query<{ d: string }>(
      `SELECT indexname || ': ' || indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 ORDER BY indexname`,
      [table],
    );
    out[table] = [...columns.rows, ...constraints.rows, ...indexes.rows].map((r) => r.d);
  }
  return out;
};

/** Bidder-activity rows whose is_leading disagrees with their auction's leader (should be none). */
export const misledBidders = async (sql: SqlExecutor): Promise<number> => {
  const { rows: found } = await sql.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM bidder_activity ba JOIN auction_view av ON av.auction_id = ba.auction_id
     WHERE ba.is_leading <> coalesce(ba.bidder_id = av.leader_id, false)`,
  );
  return found[0]?.n ?? -1;
};

export const checkpointOf = async (sql: SqlExecutor, projection: string, source: string): Promise<string | undefined> => {
  const { rows: found } = await sql.query<{ position: string }>('SELECT position FROM projection_checkpoints WHERE projection = $1 AND source = $2', [projection, source]);
  return found[0]?.position;
};

type LogReader = { readAll(o: { after: string; limit: number }): Promise<readonly { position: string }[]> };

/** The last position the log's commit-order reads return now. */
export const headPosition = async (log: LogReader, from = '0'): Promise<string> => {
  let after = from;
  for (;;) {
    const page = await log.readAll({ after, limit: 1_000 });
    const last = page[page.length - 1];
    if (last === undefined) return after;
    after = last.position;
  }
};

/**
 * The position of the last event stored in the PostgreSQL log, once commit-order reads return it.
 * Reads stop below the oldest transaction still running anywhere in the cluster (the log's rule
 * for never skipping a late commit), so on a shared server a fresh append may stay invisible for a
 * moment; tests that compare "everything" wait for this first.
 */
export const settledHead = async (sql: SqlExecutor, log: LogReader): Promise<string> => {
  const { rows: last } = await sql.query<{ p: string }>(
    `SELECT transaction_id::text || ':' || global_position::text AS p FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  const position = last[0]?.p ?? '0';
  await eventually(async () => ((await headPosition(log)) === position ? true : undefined), `the log's reads to reach ${position}`, 30_000);
  return position;
};
