// The notifications inbox (projections/notifications/inbox.ts) on PGlite: what the notifier sends
// is stored before it is published, once per id however often it is sent.
import assert from 'node:assert/strict';
import type { NotificationFrame, UserNotification } from '../../../contracts/index.js';
import type { SqlExecutor } from '../../../infra/index.js';
import { migrate, openSqlExecutor } from '../../../infra/index.js';
import { MemoryNotificationBus, notificationMigrations, storingSink } from '../../../projections/index.js';

const frame = (id: string, at: string): NotificationFrame => ({
  type: 'notification', id, kind: 'outbid', auctionId: 'a1', title: 'Leica M3', currency: 'EUR', currentPrice: 41_000 as never,
  endsAt: '2026-03-01T11:00:00.000Z' as never, at: at as never,
});

describe('notifications inbox (PGlite)', () => {
  let sql: SqlExecutor;
  before(async () => {
    sql = await openSqlExecutor({ dataDir: 'memory' });
    await migrate(sql, notificationMigrations);
  });
  after(async () => sql?.close());

  it('stores each notification before publishing it, once per id however often it is sent', async () => {
    const bus = new MemoryNotificationBus();
    const heard: string[] = [];
    await bus.subscribeUser('alice', (n) => heard.push(n.id));
    const sink = storingSink(sql, bus);
    const batch: UserNotification[] = [
      { userId: 'alice', notification: frame('n-1', '2026-03-01T10:01:00.000Z') },
      { userId: 'bob', notification: frame('n-2', '2026-03-01T10:02:00.000Z') },
    ];
    await sink.publish(batch);
    await sink.publish(batch); // a redelivered batch
    const { rows } = await sql.query<{ id: string; user_id: string; frame: NotificationFrame }>('SELECT id, user_id, frame FROM user_notifications ORDER BY id');
    assert.deepEqual(rows.map((r) => [r.id, r.user_id]), [['n-1', 'alice'], ['n-2', 'bob']]);
    assert.deepEqual(rows[0]!.frame, batch[0]!.notification);
    assert.deepEqual(heard, ['n-1', 'n-1'], 'the live delivery is at least once; the client keeps each id once');
  });
});
