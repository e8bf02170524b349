// Refused bids: buffered off the hot path, written in batches, read back per auction (PGlite).
import assert from 'node:assert/strict';
import { attemptsLogMigrations, createAttemptsLog } from '../../commands/attempts/index.js';
import type { BidAttempt } from '../../commands/attempts/index.js';
import { migrate, openPglite } from '../../infra/index.js';
import type { SqlExecutor, SqlValue } from '../../infra/index.js';

const attempt = (auctionId: string, n: number, overrides: Partial<BidAttempt> = {}): BidAttempt => ({
  auctionId,
  bidderId: `bidder-${n % 3}`,
  maxAmount: 1_000 + n,
  code: 'BID_TOO_LOW',
  message: `bid ${n} is below the minimum`,
  serverTime: `2030-01-01T00:00:${String(n % 60).padStart(2, '0')}.125Z`,
  commandId: `cmd-${auctionId}-${n}`,
  idempotencyKey: n % 2 === 0 ? `key-${n}` : null,
  ...overrides,
});

describe('refused-bid attempts log (PGlite)', () => {
  let sql: SqlExecutor;

  before(async () => {
    sql = await openPglite('memory');
    await migrate(sql, attemptsLogMigrations);
  });
  after(async () => {
    await sql.close();
  });

  it('records without waiting, then writes in batches and lists an auction in order', async () => {
    const log = createAttemptsLog(sql, { batchSize: 4, flushDelayMs: 60_000 });
    const written = Array.from({ length: 10 }, (_, n) => attempt('a-1', n));
    for (const a of written) assert.equal(log.record(a), undefined, 'record returns at once, with nothing to await');
    log.record(attempt('a-2', 99, { code: 'AUCTION_NOT_OPEN', maxAmount: 9_007_199_254_740_991 }));
    await log.flush();
    const listed = await log.listForAuction('a-1');
    assert.deepEqual(
      listed.map(({ id: _id, ...rest }) => rest),
      written,
    );
    const ids = listed.map((a) => BigInt(a.id));
    assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]!), 'ids increase in recording order');
    const other = await log.listForAuction('a-2');
    assert.equal(other.length, 1);
    assert.equal(other[0]!.maxAmount, 9_007_199_254_740_991);
    assert.equal(other[0]!.code, 'AUCTION_NOT_OPEN');
    assert.deepEqual(await log.listForAuction('a-none'), []);
    await log.close();
  });

  it('pages with after and limit', async () => {
    const log = createAttemptsLog(sql);
    for (let n = 0; n < 5; n++) log.record(attempt('a-page', n));
    await log.close();
    const firstPage = await log.listForAuction('a-page', { limit: 2 });
    const secondPage = await log.listForAuction('a-page', { after: firstPage[1]!.id, limit: 2 });
    const rest = await log.listForAuction('a-page', { after: secondPage[1]!.id });
    assert.deepEqual(
      [...firstPage, ...secondPage, ...rest].map((a) => a.maxAmount),
      [1000, 1001, 1002, 1003, 1004],
    );
  });

  it('writes by itself shortly after recording', async () => {
    const log = createAttemptsLog(sql, { flushDelayMs: 5 });
    log.record(attempt('a-background', 1));
    for (let i = 0; i < 2_000 && (await log.listForAuction('a-background')).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal((await log.listForAuction('a-background')).length, 1);
    await log.close();
  });

  it('reports and drops an invalid attempt, and refuses records after close', async () => {
    const problems: [string, number][] = [];
    const log = createAttemptsLog(sql, { onError: (error, lost) => problems.push([error instanceof Error ? error.message : String(error), lost]) });
    log.record({ ...attempt('a-bad', 1), maxAmount: 10.5 });
    await log.close();
    log.record(attempt('a-bad', 2));
    assert.deepEqual(await log.listForAuction('a-bad'), []);
    assert.equal(problems.length, 2);
    assert.match(problems[0]![0], /invalid bid attempt/);
    assert.match(problems[1]![0], /closed/);
  });

  it('keeps attempts buffered when a write fails, and writes them on the next flush', async () => {
    let failing = true;
    const flaky: SqlExecutor = {
      ...sql,
      query: <R>(text: string, params?: readonly SqlValue[]) =>
        failing && text.includes('INSERT') ? Promise.reject(new Error('database unavailable')) : sql.query<R>(text, params),
    };
    const log = createAttemptsLog(flaky, { flushDelayMs: 60_000 });
    log.record(attempt('a-retry', 1));
    await assert.rejects(log.flush(), /database unavailable/);
    failing = false;
    await log.flush();
    assert.equal((await log.listForAuction('a-retry')).length, 1);
    await log.close();
  });
});
