// The watchlist table (sql/001-watchlist.sql): a user adds and removes auctions; both are
// idempotent, so a retried PUT or DELETE answers as the first did.
import type { Migration, SqlExecutor } from '../../infra/index.js';
import { migrationFromFile, sqlFile } from '../../infra/index.js';

export const watchlistMigrations: readonly Migration[] = [migrationFromFile(import.meta.url, 'watchlist/001-watchlist')];

/** The most auctions one watchlist holds (a few more when adds race). */
export const WATCHLIST_LIMIT = 500;

const WATCH_SQL = sqlFile(import.meta.url, 'sql/watch.sql');
const WATCHED_AT_SQL = `SELECT to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS added_at FROM watchlist WHERE user_id = $1 AND auction_id = $2`;

export type WatchResult =
  | { readonly kind: 'watching'; readonly addedAt: string; readonly added: boolean }
  | { readonly kind: 'full'; readonly limit: number };

export interface WatchlistStore {
  /** Puts the auction on the user's list (when it is not full); `added` is false when it was there already. */
  watch(userId: string, auctionId: string, now: Date): Promise<WatchResult>;
  /** Takes the auction off the user's list; false when it was not on it. */
  unwatch(userId: string, auctionId: string): Promise<boolean>;
  /** Who watches the auction (whom its ending-soon and cancellation notices reach). */
  watchers(auctionId: string): Promise<string[]>;
}

export const createWatchlistStore = (sql: SqlExecutor, limit = WATCHLIST_LIMIT): WatchlistStore => ({
  watch: async (userId, auctionId, now) => {
    const { rows } = await sql.query<{ added_at: string | null; added: boolean }>(WATCH_SQL, [userId, auctionId, now.toISOString(), limit], { prepare: true });
    const row = rows[0];
    if (row?.added_at != null) return { kind: 'watching', addedAt: row.added_at, added: row.added };
    // Not added and not seen: the list is full, or a concurrent add of the same auction won.
    const again = await sql.query<{ added_at: string }>(WATCHED_AT_SQL, [userId, auctionId]);
    const addedAt = again.rows[0]?.added_at;
    return addedAt === undefined ? { kind: 'full', limit } : { kind: 'watching', addedAt, added: false };
  },
  unwatch: async (userId, auctionId) => {
    const { rows } = await sql.query('DELETE FROM watchlist WHERE user_id = $1 AND auction_id = $2 RETURNING auction_id', [userId, auctionId], { prepare: true });
    return rows.length > 0;
  },
  watchers: async (auctionId) => {
    const { rows } = await sql.query<{ user_id: string }>('SELECT user_id FROM watchlist WHERE auction_id = $1 ORDER BY user_id', [auctionId], { prepare: true });
    return rows.map((row) => row.user_id);
  },
});
