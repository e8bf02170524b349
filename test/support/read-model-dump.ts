// Dumps of the read models for comparisons: every row of every table as text, in primary-key order,
// and the tables' definitions (columns, constraints, indexes, by name) as the catalog holds them.
import type { SqlExecutor } from '../../infra/index.js';
import { readModelTableNames } from '../../projections/index.js';

export interface ReadModelDump {
  readonly auctionView: readonly string[];
  readonly bidHistory: readonly string[];
  readonly bidderActivity: readonly string[];
}

const rows = async (sql: SqlExecutor, text: string): Promise<string[]> => (await sql.query<{ r: string }>(text)).rows.map((row) => row.r);

export const dumpReadModels = async (sql: SqlExecutor, suffix = ''): Promise<ReadModelDump> => {
  const t = readModelTableNames(suffix);
  return {
    auctionView: await rows(sql, `SELECT x::text AS r FROM ${t.auctionView} x ORDER BY auction_id`),
    bidHistory: await rows(sql, `SELECT x::text AS r FROM ${t.bidHistory} x ORDER BY auction_id, stream_version`),
    bidderActivity: await rows(sql, `SELECT x::text AS r FROM ${t.bidderActivity} x ORDER BY bidder_id, auction_id`),
  };
};

/** Columns, constraints and indexes of the read-model tables, as the catalog describes them. */
export const dumpReadModelSchema = async (sql: SqlExecutor, suffix = ''): Promise<Record<string, string[]>> => {
  const t = readModelTableNames(suffix);
  const out: Record<string, string[]> = {};
  for (const table of [t.auctionView, t.bidHistory, t.bidderActivity]) {
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

/** The log's last position (what a caught-up projection's 'log' checkpoint reads). */
export const headPosition = async (log: { readAll(o: { after: string; limit: number }): Promise<readonly { position: string }[]> }, from = '0'): Promise<string> => {
  let after = from;
  for (;;) {
    const page = await log.readAll({ after, limit: 1_000 });
    const last = page[page.length - 1];
    if (last === undefined) return after;
    after = last.position;
  }
};
