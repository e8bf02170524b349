// The notifications inbox: every notification stored (user_notifications, sql/) before it is
// published, so the read API can list a user's notifications whoever was connected at the time.
// Stored once per id (a redelivered batch changes nothing).
import type { NotificationSink, UserNotification } from '../../contracts/index.js';
import type { Migration, SqlExecutor } from '../../infra/index.js';
import { migrationFromFile } from '../../infra/index.js';

export const notificationMigrations: readonly Migration[] = [migrationFromFile(import.meta.url, 'notifications/001-user-notifications')];

const INSERT_SQL = `
INSERT INTO user_notifications (id, user_id, at, frame)
SELECT n->'notification'->>'id', n->>'userId', (n->'notification'->>'at')::timestamptz, n->'notification'
FROM jsonb_array_elements($1::jsonb) AS x(n)
ON CONFLICT (id) DO NOTHING`;

/** A sink that stores each notification in the inbox, then hands them to `next` (the live delivery). */
export const storingSink = (sql: SqlExecutor, next: NotificationSink): NotificationSink => ({
  publish: async (notifications: readonly UserNotification[]) => {
    if (notifications.length === 0) return;
    await sql.query(INSERT_SQL, [JSON.stringify(notifications)]);
    await next.publish(notifications);
  },
});
