// The event log contract on PostgreSQL (DATABASE_URL), in a fresh schema dropped afterwards; plus
// the wake-up of a subscriber in another process (another pool) through LISTEN/NOTIFY.
import assert from 'node:assert/strict';
import { createPostgresEventLog, eventLogMigrations } from '../../commands/event-log/index.js';
import type { RecordedEvent } from '../../domain/index.js';
import { migrate, openPostgres } from '../../infra/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { serviceUrl } from '../support/services.js';
import { eventLogContract, eventually, newEvent, sqlEventLogUnderTest } from './event-log.contract.js';

const freshSchema = (label: string) => `gs_test_${label}_${process.pid}_${Date.now().toString(36)}`;

eventLogContract('PostgreSQL', async (ctx) => {
  const url = serviceUrl(ctx, 'DATABASE_URL', 'PostgreSQL event log contract');
  const schema = freshSchema('log');
  const admin = await openPostgres(url, { max: 1 });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  return sqlEventLogUnderTest(await openPostgres(url, { schema }), async () => {
    await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
    await admin.close();
  });
});

describe('PostgreSQL event log across processes', () => {
  let admin: SqlExecutor | undefined;
  const pools: SqlExecutor[] = [];
  const schema = freshSchema('notify');
  let url = '';

  before(async function () {
    url = serviceUrl(this, 'DATABASE_URL', 'PostgreSQL LISTEN/NOTIFY');
    admin = await openPostgres(url, { max: 1 });
    await admin.exec(`CREATE SCHEMA ${schema}`);
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
    if (admin !== undefined) {
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    }
  });

  it('runs migrations once when several processes start together', async () => {
    const starters = await Promise.all([1, 2, 3].map(() => openPostgres(url, { schema, max: 2 })));
    pools.push(...starters);
    const applied = await Promise.all(starters.map((sql) => migrate(sql, eventLogMigrations)));
    assert.deepEqual(applied.map((ids) => ids.length).sort(), [0, 0, eventLogMigrations.length]);
  });

  it("wakes a subscriber through NOTIFY after another process's append (its poll is an hour)", async () => {
    const writerSql = await openPostgres(url, { schema });
    const readerSql = await openPostgres(url, { schema });
    pools.push(writerSql, readerSql);
    await migrate(writerSql, eventLogMigrations);
    const writer = await createPostgresEventLog(writerSql);
    const reader = await createPostgresEventLog(readerSql, { pollIntervalMs: 3_600_000 });
    const first = await writer.appendToStream('auction-notify', 0, [newEvent('cmd-notify-1')]);
    assert.equal(first.kind, 'appended');
    const after = first.kind === 'appended' ? first.events[0]!.position : '0';
    await eventually('the first event to be readable', async () => ((await reader.readAll({ after: '0', limit: 10 })).length > 0 ? true : undefined));

    const received: RecordedEvent[] = [];
    const subscription = reader.subscribeToAll({ after, onEvents: async (events) => void received.push(...events) });
    try {
      // Let the subscription read once, find nothing and settle into its (hour-long) wait.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await writer.appendToStream('auction-notify', 1, [newEvent('cmd-notify-2')]);
      await eventually('the NOTIFY wake-up', () => (received.length > 0 ? true : undefined));
    } finally {
      await subscription.stop();
      await reader.close();
      await writer.close();
    }
    assert.deepEqual(
      received.map((e) => e.eventId),
      ['cmd-notify-2:0'],
    );
  });
});
