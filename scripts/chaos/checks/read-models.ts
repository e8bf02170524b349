// "Read models equal a clean rebuild": once the projector has caught up with the whole log, the
// live tables are dumped (every row, in key order: projections' dumpReadModels), the project's
// rebuild (projections/rebuild, what `npm run rebuild` runs) builds fresh tables from the start
// of the log and swaps them in, and the tables are dumped again. The two dumps must be equal.
// Live projectors may keep running through the swap (README, Rebuild); nothing is written
// meanwhile, since the load has stopped and the system has settled.
import type { EventLog } from '../../../domain/index.js';
import { createPostgresEventLog } from '../../../commands/index.js';
import type { SqlExecutor } from '../../../infra/index.js';
import { pseudonymiser } from '../../../infra/index.js';
import { dumpReadModels, rebuildReadModels } from '../../../projections/index.js';
import type { ReadModelDump } from '../../../projections/index.js';

/** Auction streams whose auction_view row is not at the stream's last version (all streams of the log). */
export const streamsBehind = async (sql: SqlExecutor): Promise<number> => {
  const { rows } = await sql.query<{ n: number }>(`
    SELECT count(*)::int AS n
    FROM (SELECT stream_id, max(stream_version) AS v FROM events WHERE stream_id LIKE 'auction-%' GROUP BY stream_id) e
    LEFT JOIN auction_view a ON 'auction-' || a.auction_id = e.stream_id
    WHERE a.version IS DISTINCT FROM e.v`);
  return rows[0]?.n ?? -1;
};

export interface RebuildComparison {
  /** Rows compared (all tables, the projection's side). */
  readonly rows: number;
  readonly problems: readonly string[];
}

const tables: readonly (keyof ReadModelDump)[] = ['auctionView', 'bidHistory', 'bidderActivity', 'parkedStreams'];

/** The rows of each table that only one side has (a few of each, for the report). */
export const dumpDifferences = (projected: ReadModelDump, rebuilt: ReadModelDump, shown = 3): string[] => {
  const problems: string[] = [];
  for (const table of tables) {
    const a = new Set(projected[table]);
    const b = new Set(rebuilt[table]);
    const onlyProjected = projected[table].filter((r) => !b.has(r));
    const onlyRebuilt = rebuilt[table].filter((r) => !a.has(r));
    if (onlyProjected.length + onlyRebuilt.length === 0 && projected[table].length === rebuilt[table].length) continue;
    problems.push(
      `${table}: ${projected[table].length} rows projected, ${rebuilt[table].length} rebuilt; ` +
        `only projected: ${onlyProjected.slice(0, shown).join(' | ') || '-'}; only rebuilt: ${onlyRebuilt.slice(0, shown).join(' | ') || '-'}`,
    );
  }
  return problems;
};

export const compareWithRebuild = async (sql: SqlExecutor, log: EventLog, pseudonymSecret: string): Promise<RebuildComparison> => {
  const projected = await dumpReadModels(sql);
  await rebuildReadModels({ sql, log, pseudonym: pseudonymiser(pseudonymSecret), logWithin: (tx) => createPostgresEventLog(tx) });
  const rebuilt = await dumpReadModels(sql);
  return { rows: tables.reduce((n, t) => n + projected[t].length, 0), problems: dumpDifferences(projected, rebuilt) };
};
