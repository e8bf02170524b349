// The account repository (commands/handler/account-repository.ts) on the PGlite log: a catch-up
// read per load, loads asked for while a read runs share the next read (one query), and a stream
// that cannot be read fails only the loads that need it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { EventLog, NewEvent, StreamRead } from '../../domain/index.js';
import { accountStreamIdOf } from '../../domain/index.js';
import { AccountRepository, CorruptStreamError, createPostgresEventLog, eventLogMigrations } from '../../commands/index.js';
import type { PostgresEventLog } from '../../commands/index.js';
import { migrate, openPglite } from '../../infra/index.js';
import type { SqlExecutor } from '../../infra/index.js';

const event = (type: string, data: Record<string, string>): NewEvent => {
  const commandId = randomUUID();
  return {
    eventId: randomUUID(), type, data,
    metadata: { commandId, idempotencyKey: null, userId: 'root', correlationId: commandId, causationId: commandId, serverTime: '2030-01-01T00:00:00.000Z', schemaVersion: 1 },
  };
};

describe('account repository', () => {
  let sql: SqlExecutor;
  let log: PostgresEventLog;
  let reads: (readonly StreamRead[])[];
  let counted: EventLog;

  before(async () => {
    sql = await openPglite('memory');
    await migrate(sql, eventLogMigrations);
    log = await createPostgresEventLog(sql);
    reads = [];
    // The log, counting its multi-stream reads.
    counted = Object.assign(Object.create(log) as EventLog, {
      readStreams: (r: readonly StreamRead[]) => {
        reads.push(r);
        return log.readStreams!(r);
      },
    });
  });
  after(async () => {
    await log.close();
    await sql.close();
  });

  it('catches up with events appended behind its back, from the version it has', async () => {
    const repo = new AccountRepository(counted);
    assert.equal((await repo.load('ann')).state.suspended, false);
    await log.appendToStream(accountStreamIdOf('ann'), 0, [event('AccountSuspended', { userId: 'ann', by: 'root', reason: 'x' })]);
    reads = [];
    const loaded = await repo.load('ann');
    assert.deepEqual([loaded.state.suspended, loaded.version], [true, 1]);
    assert.deepEqual(reads, [[{ streamId: 'account-ann', fromVersion: 1 }]]);
    reads = [];
    await repo.load('ann');
    assert.deepEqual(reads, [[{ streamId: 'account-ann', fromVersion: 2 }]]);
  });

  it('loads asked for while a read runs go together into the next read', async () => {
    const repo = new AccountRepository(counted);
    reads = [];
    const all = await Promise.all([repo.standings(['a', 'b']), repo.standings(['b', 'c']), repo.standings(['d']), repo.standings(['a'])]);
    assert.deepEqual(all.map((m) => [...m.keys()]), [['a', 'b'], ['b', 'c'], ['d'], ['a']]);
    assert.equal(reads.length, 2, JSON.stringify(reads));
    assert.deepEqual(reads[1]!.map((r) => r.streamId).sort(), ['account-a', 'account-b', 'account-c', 'account-d']);
  });

  it('a stream that cannot be read fails only the loads that name it', async () => {
    await log.appendToStream(accountStreamIdOf('broken'), 0, [event('AccountSuspended', { userId: 'broken' })]);
    const repo = new AccountRepository(counted);
    const [bad, good] = await Promise.allSettled([repo.load('x'), repo.standings(['broken', 'y']), repo.standings(['z'])]).then((r) => [r[1], r[2]]);
    assert.equal(bad!.status, 'rejected');
    assert.ok((bad as PromiseRejectedResult).reason instanceof CorruptStreamError);
    assert.equal(good!.status, 'fulfilled');
  });

  it('names a very long user id\'s stream by its hash', async () => {
    const long = '🦊'.repeat(255);
    await log.appendToStream(accountStreamIdOf(long), 0, [event('BidderBlocked', { sellerId: long, bidderId: 'bob' })]);
    const repo = new AccountRepository(counted);
    assert.deepEqual([...(await repo.load(long)).state.blockedBidders], ['bob']);
  });
});
