// The refused-bids table `bid_attempts`: written by the command side (commands/attempts/), read by
// the read API's audit routes. One page query and one row codec, for both.
import * as t from 'io-ts';
import type { CamelCased, SqlExecutor } from '../infra/index.js';
import { IntFromText, decodeCamelCased, isoMs } from '../infra/index.js';

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
export type StoredBidAttempt = CamelCased<t.TypeOf<typeof AttemptRow>>;

// Ordered by the column: `ORDER BY id` would sort the text alias ('10' before '9').
const PAGE_SQL = `
SELECT id::text AS id, auction_id, bidder_id, max_amount::text AS max_amount, code, message,
       ${isoMs('server_time')} AS server_time, command_id, idempotency_key, ${isoMs('recorded_at')} AS recorded_at
FROM bid_attempts WHERE auction_id = $1 AND id > $2::bigint
ORDER BY bid_attempts.id LIMIT $3`;

/** The auction's refused bids in the order they were stored, after attempt id `afterId` ('0' for the first page). */
export const bidAttemptPage = async (sql: SqlExecutor, auctionId: string, afterId: string, limit: number): Promise<StoredBidAttempt[]> => {
  const { rows } = await sql.query(PAGE_SQL, [auctionId, afterId, limit], { prepare: true });
  return rows.map((raw) => decodeCamelCased(AttemptRow, raw, 'bid_attempts row'));
};
