// The SQL that reads and writes the analytics tables, set-based like the read models' store: one
// statement loads a batch's auction rows, and ONE statement writes all the batch does (the new
// bidders, the auction rows as a compare-and-set per auction, the price points, the bids-per-minute
// increments), whatever the batch holds. Parameterised by table-name suffix, so the same statements
// fill a rebuild's fresh tables.
import type { SqlExecutor } from '../../infra/index.js';
import {
  AuctionRowStore, columnNames, recordsetDefinition, storedRowCodec, tableColumns,
} from '../read-models/index.js';
import type { AnalyticsAuctionRow, MinuteIncrement, PricePoint } from './analytics-rows.js';
import type { AnalyticsTables } from './schema.js';
import { analyticsTableNames } from './schema.js';

export const analyticsAuctionColumns = tableColumns<AnalyticsAuctionRow>({
  auctionId: 'text',
  version: 'integer',
  sellerId: 'text',
  format: 'text',
  currency: 'text',
  startingPrice: 'bigint',
  reservePrice: 'bigint null',
  createdAt: 'timestamptz',
  startsAt: 'timestamptz',
  endsAt: 'timestamptz',
  firstBidAt: 'timestamptz null',
  bids: 'integer',
  distinctBidders: 'integer',
  extensions: 'integer',
  lastMinuteBids: 'integer',
  status: 'text',
  finalPrice: 'bigint null',
  reserveMet: 'boolean',
  endedAt: 'timestamptz null',
});

const AuctionStored = storedRowCodec(analyticsAuctionColumns, 'analytics_auctions');

/** One auction's changes as the write statement takes them. */
export interface AnalyticsWrite {
  readonly row: AnalyticsAuctionRow;
  /** The version the stored row is at (0: none yet). */
  readonly expectedVersion: number;
  readonly pricePoints: readonly PricePoint[];
  readonly bidders: readonly string[];
}

interface Statements {
  readonly write: string;
}

const statementsFor = (t: AnalyticsTables): Statements => {
  const all = analyticsAuctionColumns.map((c) => c.name);
  const assigned = all.filter((name) => name !== 'auction_id' && name !== 'distinct_bidders');
  return {
    // Everything a batch writes. The bidders it saw are inserted where new, and each auction's
    // distinct_bidders grows by the number inserted. Each auction row moves only from the version
    // the batch folded it from, or is inserted only if still absent: the count says whether all
    // did; if not, the caller rolls back (price points a concurrent writer stored already are then
    // skipped rather than failing first). Minutes are upserted in order (two writers of the same
    // minutes cannot deadlock) and added to: the fold adds up a batch's bids per minute first.
    write: `
WITH new_bidders AS (
  INSERT INTO ${t.bidders} (auction_id, bidder_id)
  SELECT auction_id, bidder_id FROM unnest($1::text[], $2::text[]) AS b(auction_id, bidder_id) ORDER BY auction_id, bidder_id
  ON CONFLICT DO NOTHING
  RETURNING auction_id
), added AS (
  SELECT auction_id, count(*)::integer AS n FROM new_bidders GROUP BY auction_id
), input AS (
  SELECT r.*, coalesce(a.n, 0) AS added_bidders
  FROM json_to_recordset($3::json) AS r(${recordsetDefinition(analyticsAuctionColumns)}, expected_version integer)
  LEFT JOIN added a ON a.auction_id = r.auction_id
), updated AS (
  UPDATE ${t.auctions} AS x SET (${assigned.join(', ')}) = (${assigned.map((c) => `i.${c}`).join(', ')}),
    distinct_bidders = x.distinct_bidders + i.added_bidders
  FROM input i
  WHERE i.expected_version > 0 AND x.auction_id = i.auction_id AND x.version = i.expected_version
  RETURNING x.auction_id
), inserted AS (
  INSERT INTO ${t.auctions} (${columnNames(analyticsAuctionColumns)})
  SELECT ${all.map((c) => (c === 'distinct_bidders' ? 'added_bidders' : c)).join(', ')} FROM input WHERE expected_version = 0
  ON CONFLICT (auction_id) DO NOTHING
  RETURNING auction_id
), points AS (
  INSERT INTO ${t.pricePoints} (auction_id, stream_version, at, price)
  SELECT * FROM unnest($4::text[], $5::integer[], $6::timestamptz[], $7::bigint[])
  ON CONFLICT DO NOTHING
  RETURNING 1
), minutes AS (
  INSERT INTO ${t.bidsPerMinute} AS m (minute, bids, last_minute_bids)
  SELECT * FROM unnest($8::timestamptz[], $9::integer[], $10::integer[]) AS u(minute, bids, last_minute_bids) ORDER BY minute
  ON CONFLICT (minute) DO UPDATE SET bids = m.bids + excluded.bids, last_minute_bids = m.last_minute_bids + excluded.last_minute_bids
  RETURNING 1
)
SELECT ((SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted))::integer AS written`,
  };
};

const PREPARED = { prepare: true } as const;

/** The analytics tables of one suffix, read and written inside a transaction the caller holds. */
export class AnalyticsStore extends AuctionRowStore<AnalyticsAuctionRow> {
  private readonly sql: Statements;

  constructor(readonly tables: AnalyticsTables = analyticsTableNames()) {
    super(analyticsAuctionColumns, AuctionStored, tables.auctions, tables.parkedStreams);
    this.sql = statementsFor(tables);
  }

  /**
   * Writes every auction's changes and the batch's minutes in one statement; throws
   * AuctionRowConflictError (the caller rolls back) when a row was not at its expected version.
   */
  async write(tx: SqlExecutor, writes: readonly AnalyticsWrite[], minutes: readonly MinuteIncrement[]): Promise<void> {
    if (writes.length === 0) return;
    const bidderAuctions: string[] = [];
    const bidderIds: string[] = [];
    const points: { auctionId: string[]; version: number[]; at: string[]; price: number[] } = { auctionId: [], version: [], at: [], price: [] };
    for (const w of writes) {
      for (const bidder of w.bidders) {
        bidderAuctions.push(w.row.auctionId);
        bidderIds.push(bidder);
      }
      for (const p of w.pricePoints) {
        points.auctionId.push(p.auctionId);
        points.version.push(p.streamVersion);
        points.at.push(p.at);
        points.price.push(p.price);
      }
    }
    const { rows: result } = await tx.query<{ written: number }>(this.sql.write, [
      bidderAuctions, bidderIds, this.versionedRows(writes), points.auctionId, points.version, points.at, points.price,
      minutes.map((m) => m.minute), minutes.map((m) => m.bids), minutes.map((m) => m.lastMinuteBids),
    ], PREPARED);
    AuctionRowStore.checkWritten(writes.length, result);
  }
}
