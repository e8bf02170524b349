// A user's notifications as the notifier stored them (user_notifications), newest first.
import { NotificationFrame } from '../contracts/index.js';
import type { SqlExecutor } from '../infra/index.js';
import { isoUs } from '../infra/index.js';
import { decodeRow } from './rows.js';

const PAGE_SQL = (after: boolean) => `
SELECT frame, ${isoUs('at')} AS sort_key, id
FROM user_notifications
WHERE user_id = $1 ${after ? 'AND (at, id) < ($3::timestamptz, $4::text)' : ''}
ORDER BY at DESC, id DESC
LIMIT $2`;

export interface StoredNotification {
  readonly frame: NotificationFrame;
  readonly sortKey: string;
  readonly id: string;
}

/** One page (`limit + 1` rows, so the caller knows whether more follow) after `after`. */
export const notificationPage = async (
  sql: SqlExecutor, userId: string, after: { readonly k: string; readonly i: string } | undefined, limit: number,
): Promise<StoredNotification[]> => {
  const params = after === undefined ? [userId, limit + 1] : [userId, limit + 1, after.k, after.i];
  const { rows } = await sql.query<{ frame: unknown; sort_key: string; id: string }>(PAGE_SQL(after !== undefined), params);
  return rows.map((row) => ({ frame: decodeRow(NotificationFrame, row.frame, 'user_notifications'), sortKey: row.sort_key, id: row.id }));
};
