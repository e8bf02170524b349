// The refused-bids table `bid_attempts`: written by the command side (commands/attempts/), read by
// the read API's audit routes. One page query and one row codec, for both.
import * as t from 'io-ts';
import type { SqlExecutor } from '../infra/index.js';
import { IntFromText, decodeOrThrow } from '../infra/index.js';

const utcMs = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const AttemptRow = t.type({
  id: t.string,
  auction_id: t.string,
  bidder_id: t.string,
  max_amount: IntFromText,
  code: t.string,
  message: t.string,
  server_time: t.string,
  command_id: t.string,
  idempotency_key: t.union([t.string, t.null]),
  recorded_at: t.string,
});

/** A stored refused bid. `id` (a bigint as text) orders attempts as they were stored; times are ISO 8601 UTC. */
export interface StoredBidAttempt {
  readonly id: string;
  readonly auctionId: string;
  readonly bidderId: string;
  readonly maxAmount: number;
  readonly code: string;
  readonly message: string;
  readonly serverTime: string;
  readonly commandId: string;
  readonly idempotencyKey: string | null;
  readonly recordedAt: string;
}

// Ordered by the column: `ORDER BY id` would sort the text alias ('10' before '9').
const PAGE_SQL = `
SELECT id::text AS id, auction_id, bidder_id, max_amount::text AS max_amount, code, message,
       ${utcMs('server_time')} AS server_time, command_id, idempotency_key, ${utcMs('recorded_at')} AS recorded_at
FROM bid_attempts WHERE auction_id = $1 AND id > $2::bigint
ORDER BY bid_attempts.id LIMIT $3`;

/** The auction's refused bids in the order they were stored, after attempt id `afterId` ('0' for the first page). */
export const bidAttemptPage = async (sql: SqlExecutor, auctionId: string, afterId: string, limit: number): Promise<StoredBidAttempt[]> => {
  const { rows } = await sql.query(PAGE_SQL, [auctionId, afterId, limit], { prepare: true });
  return rows.map((raw) => {
    const r = decodeOrThrow(AttemptRow, raw, 'bid_attempts row');
    return {
      id: r.id,
      auctionId: r.auction_id,
      bidderId: r.bidder_id,
      maxAmount: r.max_amount,
      code: r.code,
      message: r.message,
      serverTime: r.server_time,
      commandId: r.command_id,
      idempotencyKey: r.idempotency_key,
      recordedAt: r.recorded_at,
    };
  });
};
