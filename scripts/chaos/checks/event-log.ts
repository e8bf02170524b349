// What the checks read from the event log of the target's PostgreSQL (commands/event-log/sql/:
// table `events`, one stream `auction-<id>` per auction): the bids of the run's auctions, each
// auction's last version, and the bids and closes of auctions that end during a run.
import type { SqlExecutor } from '../../../infra/index.js';
import type { LoggedBid } from './exactly-once.js';

const streamIds = (auctionIds: readonly string[]): string[] => auctionIds.map((id) => `auction-${id}`);

/** Every BidPlaced event of these auctions. */
export const loggedBids = async (sql: SqlExecutor, auctionIds: readonly string[]): Promise<LoggedBid[]> => {
  const { rows } = await sql.query<{ command_id: string; bid_id: string; auction_id: string; version: number; price: string; outcome: string }>(
    `SELECT metadata->>'commandId' AS command_id, data->>'bidId' AS bid_id, data->>'auctionId' AS auction_id,
            stream_version AS version, data->>'currentPrice' AS price, data->>'outcome' AS outcome
     FROM events WHERE type = 'BidPlaced' AND stream_id = ANY($1::text[])`,
    [streamIds(auctionIds)],
  );
  return rows.map((r) => ({ commandId: r.command_id, bidId: r.bid_id, auctionId: r.auction_id, version: r.version, currentPrice: Number(r.price), leading: r.outcome !== 'outbid' }));
};

/** Each auction's last version in the log (auctions with no event are absent). */
export const streamHeads = async (sql: SqlExecutor, auctionIds: readonly string[]): Promise<Map<string, number>> => {
  const { rows } = await sql.query<{ stream_id: string; head: number }>(
    'SELECT stream_id, max(stream_version) AS head FROM events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id',
    [streamIds(auctionIds)],
  );
  return new Map(rows.map((r) => [r.stream_id.slice('auction-'.length), r.head]));
};

/** One event of an auction's stream, as the closing check needs it: its version, and a bid's id and stamped time. */
export interface StreamEntry {
  readonly auctionId: string;
  readonly version: number;
  readonly type: 'BidPlaced' | 'AuctionClosed';
  readonly bidId: string | undefined;
  /** A bid's placedAt (ms since the epoch): the clock of the node that decided it. */
  readonly placedAt: number | undefined;
}

/** The BidPlaced and AuctionClosed events of these auctions, in stream order. */
export const closingEvents = async (sql: SqlExecutor, auctionIds: readonly string[]): Promise<StreamEntry[]> => {
  const { rows } = await sql.query<{ stream_id: string; version: number; type: 'BidPlaced' | 'AuctionClosed'; bid_id: string | null; placed_at: string | null }>(
    `SELECT stream_id, stream_version AS version, type, data->>'bidId' AS bid_id, data->>'placedAt' AS placed_at
     FROM events WHERE type IN ('BidPlaced', 'AuctionClosed') AND stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version`,
    [streamIds(auctionIds)],
  );
  return rows.map((r) => ({
    auctionId: r.stream_id.slice('auction-'.length),
    version: r.version,
    type: r.type,
    bidId: r.bid_id ?? undefined,
    placedAt: r.placed_at === null ? undefined : Date.parse(r.placed_at),
  }));
};
