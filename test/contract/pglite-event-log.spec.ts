// The event log contract on PGlite in memory (always runs), plus what only the SQL log promises.
import assert from 'node:assert/strict';
import { createPostgresEventLog, eventLogMigrations, parsePgPosition } from '../../commands/event-log/index.js';
import type { PostgresEventLog } from '../../commands/event-log/index.js';
import { UNIQUE_VIOLATION, migrate, openPglite, sqlErrorCode, sqlErrorConstraint } from '../../infra/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { eventLogContract, metadataFor, newEvent, sqlEventLogUnderTest } from './event-log.contract.js';

eventLogContract('PGlite (DATA_DIR=memory)', async () => sqlEventLogUnderTest(await openPglite('memory')));

describe('PostgreSQL event log on PGlite: storage rules', () => {
  let sql: SqlExecutor;
  let log: PostgresEventLog;

  before(async () => {
    sql = await openPglite('memory');
    await migrate(sql, eventLogMigrations);
    log = await createPostgresEventLog(sql);
  });
  after(async () => {
    await log.close();
    await sql.close();
  });

  it('runs each migration once', async () => {
    assert.deepEqual(await migrate(sql, eventLogMigrations), []);
    const { rows } = await sql.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
    assert.deepEqual(rows.map((r) => r.id), eventLogMigrations.map((m) => m.id));
  });

  it('refuses to update or delete stored events', async () => {
    await log.appendToStream('auction-immutable', 0, [newEvent('cmd-immutable')]);
    await assert.rejects(sql.query(`UPDATE events SET type = 'Other' WHERE stream_id = 'auction-immutable'`), /append-only/);
    await assert.rejects(sql.query(`DELETE FROM events WHERE stream_id = 'auction-immutable'`), /append-only/);
    assert.equal((await log.readStream('auction-immutable')).length, 1);
  });

  it('refuses an event id already used in another stream', async () => {
    await log.appendToStream('auction-one', 0, [newEvent('cmd-shared')]);
    await assert.rejects(log.appendToStream('auction-two', 0, [newEvent('cmd-shared')]), { name: 'EventIdConflictError' });
    assert.deepEqual(await log.readStream('auction-two'), []);
  });

  it('refuses the same event id twice in one append', async () => {
    const event = { eventId: 'dup:0', type: 'BidPlaced', data: {}, metadata: metadataFor('dup') };
    await assert.rejects(log.appendToStream('auction-dup', 0, [event, event]), /same event id twice/);
  });

  it('orders positions as numbers, not as text, across digit boundaries', async () => {
    const written: string[] = [];
    for (let i = 0; i < 300; i++) {
      const result = await log.appendToStream(`auction-digits-${i % 7}`, Math.floor(i / 7), [newEvent(`cmd-digits-${i}`)]);
      assert.equal(result.kind, 'appended');
      if (result.kind === 'appended') written.push(...result.events.map((e) => e.position));
    }
    const first = parsePgPosition(written[0]!);
    const last = parsePgPosition(written[written.length - 1]!);
    assert.notEqual(String(first.transactionId).length, String(last.transactionId).length, 'the transaction ids crossed a digit boundary');
    const read: string[] = [];
    let after = '0';
    for (;;) {
      const page = await log.readAll({ after, limit: 64 });
      if (page.length === 0) break;
      read.push(...page.filter((e) => e.streamId.startsWith('auction-digits-')).map((e) => e.position));
      after = page[page.length - 1]!.position;
    }
    assert.deepEqual(read, written);
    assert.deepEqual([...written].sort((a, b) => log.compareLogPositions(a, b)), written);
  });

  it('reports the stream version', async () => {
    await log.appendToStream('auction-version', 0, [newEvent('cmd-v', 0), newEvent('cmd-v', 1)]);
    assert.equal(await log.streamVersion('auction-version'), 2);
    assert.equal(await log.streamVersion('auction-none'), 0);
  });
});

for (const worker of [true, false]) describe(`SqlExecutor on PGlite ${worker ? 'in a worker thread' : 'on the event loop'}`, () => {
  let sql: SqlExecutor;

  before(async () => {
    sql = await openPglite('memory', { worker });
    await sql.exec('CREATE TABLE t (n integer NOT NULL)');
  });
  after(async () => {
    await sql.close();
  });

  it('commits a transaction, rolls back a failed one, and a failed savepoint alone', async () => {
    await sql.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
    });
    await assert.rejects(
      sql.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (2)');
        throw new Error('abort');
      }),
      /abort/,
    );
    await sql.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (3)');
      await assert.rejects(
        tx.transaction(async (inner) => {
          await inner.query('INSERT INTO t VALUES (4)');
          throw new Error('inner abort');
        }),
        /inner abort/,
      );
    });
    const { rows } = await sql.query<{ n: number }>('SELECT n FROM t ORDER BY n');
    assert.deepEqual(rows.map((r) => r.n), [1, 3]);
  });

  it('does not interleave other queries with a transaction', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let begun: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (begun = resolve));
    const transaction = sql.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (10)');
      begun();
      await held;
      order.push('transaction ends');
    });
    await started;
    const outside = sql.query<{ c: number }>('SELECT count(*)::integer AS c FROM t WHERE n = 10').then((r) => {
      order.push('outside query');
      return r.rows[0]?.c;
    });
    order.push('released');
    release();
    await transaction;
    assert.equal(await outside, 1, 'the outside query ran after the commit');
    assert.deepEqual(order, ['released', 'transaction ends', 'outside query']);
  });

  it('carries a database error with its SQLSTATE and constraint, and goes on after it', async () => {
    await sql.exec('CREATE TABLE IF NOT EXISTS u (k text PRIMARY KEY)');
    await sql.query(`INSERT INTO u VALUES ('a')`);
    const error: unknown = await sql.transaction((tx) => tx.query(`INSERT INTO u VALUES ('a')`)).then(() => undefined, (e: unknown) => e);
    assert.equal(sqlErrorCode(error), UNIQUE_VIOLATION);
    assert.equal(sqlErrorConstraint(error), 'u_pkey');
    assert.ok(error instanceof Error && /duplicate key/.test(error.message));
    const { rows } = await sql.query<{ c: number }>('SELECT count(*)::integer AS c FROM u');
    assert.deepEqual(rows, [{ c: 1 }]);
  });

  it('answers a prepared statement as an unprepared one, in and out of a transaction, after errors and after its table is renamed', async () => {
    await sql.exec('CREATE TABLE p (k text PRIMARY KEY, n bigint, j jsonb, a integer[], at timestamptz)');
    const insert = 'INSERT INTO p VALUES ($1, $2, $3::jsonb, $4::integer[], $5) RETURNING *';
    const params = (k: string) => [k, 7, JSON.stringify({ x: [1, 'é'] }), [1, 2], new Date('2026-01-02T03:04:05.006Z')];
    const plain = (await sql.query(insert, params('a'))).rows;
    const prepared = (await sql.query(insert, params('b'), { prepare: true })).rows;
    assert.deepEqual(prepared.map((r) => ({ ...r, k: 'a' })), plain);
    // A failing run answers its SQLSTATE and leaves the session usable, in and out of a transaction.
    const outside: unknown = await sql.query(insert, params('b'), { prepare: true }).then(() => undefined, (e: unknown) => e);
    assert.equal(sqlErrorCode(outside), UNIQUE_VIOLATION);
    const inside: unknown = await sql.transaction(async (tx) => {
      await tx.query(insert, params('c'), { prepare: true });
      await tx.query(insert, params('c'), { prepare: true });
    }).then(() => undefined, (e: unknown) => e);
    assert.equal(sqlErrorConstraint(inside), 'p_pkey');
    await sql.transaction((tx) => tx.query(insert, params('d'), { prepare: true }));
    const count = 'SELECT count(*)::integer AS c FROM p';
    assert.deepEqual((await sql.query(count, [], { prepare: true })).rows, [{ c: 3 }]);
    // The statement names its table: after a swap of tables it reads the new one (as a rebuild's swap needs).
    await sql.exec('ALTER TABLE p RENAME TO p_old; CREATE TABLE p (k text PRIMARY KEY)');
    assert.deepEqual((await sql.query(count, [], { prepare: true })).rows, [{ c: 0 }]);
  });

  it('delivers notifications to listeners', async () => {
    const payloads: string[] = [];
    const stop = await sql.listen('gs_test_channel', (p) => payloads.push(p));
    await sql.query(`SELECT pg_notify('gs_test_channel', 'hello')`);
    for (let i = 0; i < 200 && payloads.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await stop();
    assert.deepEqual(payloads, ['hello']);
  });
});
