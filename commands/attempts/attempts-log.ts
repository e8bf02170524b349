// Refused bids, kept in the append-only table `bid_attempts` (sql/001-bid-attempts.sql says why).
// The writer is off the request's hot path: `record` only buffers; batches are inserted in the
// background (one statement per batch). `flush()`/`close()` drain the buffer (shutdown, tests).
import * as t from 'io-ts';
import { UserId } from '../../domain/index.js';
import type { Migration, SqlExecutor } from '../../infra/index.js';
import { migrationFromFile } from '../../infra/index.js';
import { bidAttemptPage } from '../../contracts/index.js';

export const attemptsLogMigrations: readonly Migration[] = [migrationFromFile(import.meta.url, 'attempts/001-bid-attempts')];

const SafeInteger = new t.Type<number, number, unknown>(
  'SafeInteger',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) ? t.success(u) : t.failure(u, c, 'expected a whole number')),
  t.identity,
);

const IsoTime = new t.Type<string, string, unknown>(
  'IsoTime',
  (u): u is string => typeof u === 'string' && !Number.isNaN(Date.parse(u)),
  (u, c) => (typeof u === 'string' && !Number.isNaN(Date.parse(u)) ? t.success(u) : t.failure(u, c, 'expected an ISO 8601 time')),
  t.identity,
);

/** A refused bid as the command side records it. `maxAmount` in minor units. */
export const BidAttemptCodec = t.type({
  auctionId: t.string,
  bidderId: UserId,
  maxAmount: SafeInteger,
  code: t.string,
  message: t.string,
  serverTime: IsoTime,
  commandId: t.string,
  idempotencyKey: t.union([t.string, t.null]),
});
export type BidAttempt = t.TypeOf<typeof BidAttemptCodec>;

/** A stored attempt: its id orders attempts as they were stored. */
export interface RecordedBidAttempt extends BidAttempt {
  readonly id: string;
}

const INSERT_SQL = `
INSERT INTO bid_attempts (auction_id, bidder_id, max_amount, code, message, server_time, command_id, idempotency_key)
SELECT a->>'auctionId', a->>'bidderId', (a->>'maxAmount')::bigint, a->>'code', a->>'message',
       (a->>'serverTime')::timestamptz, a->>'commandId', a->>'idempotencyKey'
FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(a, ord)
ORDER BY ord`;

export interface AttemptsLogOptions {
  /** Attempts per INSERT (default 200). */
  readonly batchSize?: number;
  /** How long a lone attempt may wait for company before it is written (default 20 ms). */
  readonly flushDelayMs?: number;
  /** Attempts kept while the database is unreachable; beyond it the oldest are dropped (default 100 000). */
  readonly maxBuffered?: number;
  /** Failed background writes, invalid attempts and dropped attempts (`lost` counts attempts given up). */
  readonly onError?: (error: unknown, lost: number) => void;
}

export interface AttemptsLog {
  /** Buffers the attempt and returns at once; it is written within `flushDelayMs` or so. */
  record(attempt: BidAttempt): void;
  /** Writes everything buffered so far; rejects if a write fails (the attempts stay buffered). */
  flush(): Promise<void>;
  /** Flushes, then refuses further records. Does not close the executor. */
  close(): Promise<void>;
  /** The auction's refused bids in the order they were stored, `after` an id (paging). */
  listForAuction(auctionId: string, options?: { readonly after?: string; readonly limit?: number }): Promise<readonly RecordedBidAttempt[]>;
}

export const createAttemptsLog = (sql: SqlExecutor, options: AttemptsLogOptions = {}): AttemptsLog => {
  const batchSize = options.batchSize ?? 200;
  const flushDelayMs = options.flushDelayMs ?? 20;
  const maxBuffered = options.maxBuffered ?? 100_000;
  const onError = options.onError ?? (() => undefined);
  let buffer: BidAttempt[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const writeBatch = async (batch: readonly BidAttempt[]) => {
    await sql.query(INSERT_SQL, [JSON.stringify(batch)]);
  };

  /** Drains the buffer batch by batch; a failed batch goes back to the front. Serialised. */
  const drain = (): Promise<void> => {
    const run = writing.then(async () => {
      while (buffer.length > 0) {
        const batch = buffer.slice(0, batchSize);
        buffer = buffer.slice(batch.length);
        try {
          await writeBatch(batch);
        } catch (error) {
          buffer = [...batch, ...buffer];
          throw error;
        }
      }
    });
    writing = run.catch(() => undefined);
    return run;
  };

  const schedule = (delay: number) => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      drain().catch((error: unknown) => {
        onError(error, 0);
        if (!closed && buffer.length > 0) schedule(1_000);
      });
    }, delay);
  };

  return {
    record: (attempt) => {
      if (closed) {
        onError(new Error('attempts log is closed'), 1);
        return;
      }
      if (!BidAttemptCodec.is(attempt)) {
        onError(new Error(`invalid bid attempt: ${JSON.stringify(attempt)}`), 1);
        return;
      }
      buffer.push(attempt);
      if (buffer.length > maxBuffered) {
        const lost = buffer.length - maxBuffered;
        buffer = buffer.slice(lost);
        onError(new Error(`attempts buffer full: dropped the ${lost} oldest`), lost);
      }
      if (buffer.length >= batchSize && timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      schedule(buffer.length >= batchSize ? 0 : flushDelayMs);
    },
    flush: () => drain(),
    close: async () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await drain();
    },
    listForAuction: async (auctionId, page = {}) => {
      const limit = page.limit ?? 1_000;
      if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
      const after = page.after ?? '0';
      if (!/^\d{1,19}$/.test(after)) throw new Error('after must be an attempt id');
      return (await bidAttemptPage(sql, auctionId, after, limit)).map(({ recordedAt: _recordedAt, ...attempt }) => attempt);
    },
  };
};
