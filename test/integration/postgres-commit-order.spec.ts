// The race that makes naive log tailing skip events (DESIGN.md section 8), reproduced on PostgreSQL:
// a slow transaction appends first (smaller global position) and holds before COMMIT; a fast one
// appends after it and commits. A reader that took "everything visible after my checkpoint" would
// now return the fast event, move its checkpoint past it, and never see the slow one. The log's
// reader must hold back until the slow transaction ends, then return both, the slow one first.
// Deterministic: explicit transactions and promises order every step; waits are for conditions.
import assert from 'node:assert/strict';
import { appendEventsWithin, createPostgresEventLog, eventLogMigrations, parsePgPosition } from '../../commands/event-log/index.js';
import type { PostgresEventLog } from '../../commands/event-log/index.js';
import type { RecordedEvent } from '../../domain/index.js';
import { migrate, openPostgres } from '../../infra/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { serviceUrl } from '../support/services.js';
import { eventually, newEvent } from '../contract/event-log.contract.js';

describe('PostgreSQL event log: commit order under concurrent transactions', function () {
  let admin: SqlExecutor | undefined;
  let sql: SqlExecutor | undefined;
  let log: PostgresEventLog | undefined;
  const schema = `gs_test_order_${process.pid}_${Date.now().toString(36)}`;

  before(async function () {
    const url = serviceUrl(this, 'DATABASE_URL', 'PostgreSQL commit-order race');
    admin = await openPostgres(url, { max: 1 });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    sql = await openPostgres(url, { schema });
    await migrate(sql, eventLogMigrations);
    log = await createPostgresEventLog(sql, { pollIntervalMs: 100 });
  });

  after(async () => {
    await log?.close();
    await sql?.close();
    if (admin !== undefined) {
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    }
  });

  it('never returns a fast commit past a slower transaction, and skips nothing once it commits', async () => {
    if (log === undefined || sql === undefined) throw new Error('not opened');
    const eventLog = log;
    const db = sql;

    // A subscriber's checkpoint: the last event it has processed.
    const [first] = await eventLog.appendToStream('auction-before', 0, [newEvent('cmd-before')]).then((r) => (r.kind === 'appended' ? r.events : []));
    assert.ok(first !== undefined);
    const checkpoint = first.position;
    await eventually('the checkpoint event to be readable', async () => ((await eventLog.readAll({ after: '0', limit: 10 })).length > 0 ? true : undefined));

    const delivered: RecordedEvent[] = [];
    const subscription = eventLog.subscribeToAll({ after: checkpoint, onEvents: async (events) => void delivered.push(...events) });

    // 1. The slow transaction appends (its insert takes a transaction id and a global position) and holds.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalAppended: (events: RecordedEvent[]) => void = () => undefined;
    const slowAppended = new Promise<RecordedEvent[]>((resolve) => (signalAppended = resolve));
    const slowTransaction = db.transaction(async (tx) => {
      const events = await appendEventsWithin(tx, 'auction-slow', 0, [newEvent('cmd-slow')]);
      signalAppended(events);
      await held;
      return events;
    });
    const [slow] = await slowAppended;
    assert.ok(slow !== undefined);

    try {
      // 2. The fast transaction appends after it and commits.
      const fastResult = await eventLog.appendToStream('auction-fast', 0, [newEvent('cmd-fast')]);
      assert.equal(fastResult.kind, 'appended');
      const fast = fastResult.kind === 'appended' ? fastResult.events[0] : undefined;
      assert.ok(fast !== undefined);
      assert.ok(parsePgPosition(fast.position).globalPosition > parsePgPosition(slow.position).globalPosition, 'the fast event got the later global position');

      // The race is real: by global position, the fast event is visible and the slow one is not.
      const naive = await db.query<{ event_id: string }>('SELECT event_id FROM events WHERE global_position > $1::bigint ORDER BY global_position', [
        parsePgPosition(checkpoint).globalPosition.toString(),
      ]);
      assert.deepEqual(
        naive.rows.map((r) => r.event_id),
        ['cmd-fast:0'],
      );

      // 3. The log's reader does not return the fast event while the slow transaction is open.
      const meanwhile = await eventLog.readAll({ after: checkpoint, limit: 100 });
      assert.deepEqual(meanwhile, []);
      assert.equal(delivered.length, 0, 'the subscription delivered nothing past the open transaction');
    } finally {
      // 4. The slow transaction commits.
      release();
      await slowTransaction;
    }

    // 5. From the same checkpoint, both events, the slow one first; the subscription agrees.
    const both = await eventually('both events in readAll', async () => {
      const events = await eventLog.readAll({ after: checkpoint, limit: 100 });
      return events.length >= 2 ? events : undefined;
    });
    assert.deepEqual(
      both.map((e) => e.eventId),
      ['cmd-slow:0', 'cmd-fast:0'],
    );
    assert.equal(both[0]!.position, slow.position);
    assert.ok(eventLog.compareLogPositions(both[0]!.position, both[1]!.position) < 0);
    await eventually('the subscription to deliver both', () => (delivered.length >= 2 ? true : undefined));
    await subscription.stop();
    assert.deepEqual(
      delivered.map((e) => e.eventId),
      ['cmd-slow:0', 'cmd-fast:0'],
    );
  });
});
