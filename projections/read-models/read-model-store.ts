// The SQL that reads and writes the read-model tables, set-based: each statement takes every row of
// a batch at once, bids and bidder activity as one array per column (`unnest`), auction rows as one
// JSON array (`json_to_recordset`: json, not jsonb, which parses each record about three times
// faster), so a batch costs a fixed handful of round trips however many events and auctions it holds. Parameterised by table-name suffix, so
// the same statements fill a rebuild's fresh tables.
import type { SqlExecutor } from '../../infra/index.js';
import type { ActivityIncrement, AuctionRow, BidRow } from './auction-rows.js';
import {
  auctionViewColumns, bidHistoryColumns, bidderActivityColumns, columnNames, recordsetDefinition,
  rowsAsColumns, rowsAsCopyText, storedRowCodec, unnestFrom,
} from './table-columns.js';
import type { Column } from './table-columns.js';
import { AuctionRowStore } from './auction-row-store.js';

/** The names of one set of read-model tables: the live ones (suffix '') or a rebuild's. */
export interface ReadModelTables {
  readonly suffix: string;
  readonly auctionView: string;
  readonly bidHistory: string;
  readonly bidderActivity: string;
  readonly parkedStreams: string;
}

const suffixPattern = /^(?:_[a-z0-9]{1,20})?$/;

export const readModelTableNames = (suffix = ''): ReadModelTables => {
  if (!suffixPattern.test(suffix)) throw new Error(`a read-model table suffix is '' or _[a-z0-9]{1,20}, got ${JSON.stringify(suffix)}`);
  return { suffix, auctionView: `auction_view${suffix}`, bidHistory: `bid_history${suffix}`, bidderActivity: `bidder_activity${suffix}`, parkedStreams: `parked_streams${suffix}` };
};

const AuctionViewStored = storedRowCodec(auctionViewColumns, 'auction_view');

const assignments = <R>(list: readonly Column<R>[], except: string, from: string): string => {
  const cols = list.filter((c) => c.name !== except).map((c) => c.name);
  return `(${cols.join(', ')}) = (${cols.map((c) => `${from}.${c}`).join(', ')})`;
};

interface Statements {
  readonly writeAuctions: string;
  readonly insertBids: string;
  readonly copyBids: string;
  readonly copyAuctions: string;
  readonly copyActivity: string;
  readonly writeActivity: string;
}

const statementsFor = (t: ReadModelTables): Statements => ({
  // A compare-and-set per auction: an existing row moves only from the version this batch was
  // folded from; a new one is inserted only if still absent. The count tells whether all did.
  writeAuctions: `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS r(${recordsetDefinition(auctionViewColumns)}, expected_version integer)
), updated AS (
  UPDATE ${t.auctionView} AS av SET ${assignments(auctionViewColumns, 'auction_id', 'i')}
  FROM input i
  WHERE i.expected_version > 0 AND av.auction_id = i.auction_id AND av.version = i.expected_version
  RETURNING av.auction_id
), inserted AS (
  INSERT INTO ${t.auctionView} (${columnNames(auctionViewColumns)})
  SELECT ${columnNames(auctionViewColumns)} FROM input WHERE expected_version = 0
  ON CONFLICT (auction_id) DO NOTHING
  RETURNING auction_id
)
SELECT ((SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted))::integer AS written`,

  // Plain INSERT: the compare-and-set above guarantees these versions are new, so a duplicate
  // would mean a corrupt read model, and fails the batch loudly.
  insertBids: `
INSERT INTO ${t.bidHistory} (${columnNames(bidHistoryColumns)})
SELECT ${columnNames(bidHistoryColumns)} FROM ${unnestFrom(bidHistoryColumns)}`,

  // Increments add up (a batch with a retraction of the bidder states its highest standing maximum,
  // and a batch of retractions alone keeps the last bid time); `is_leading` is set from the batch's final leader for the bidders in the batch,
  // and recomputed for the auction's other bidders when its leader changed (the last parameter). The two parts
  // touch disjoint rows, so they can share one statement.
  writeActivity: `
WITH increments AS (
  SELECT * FROM ${unnestFrom(bidderActivityColumns)}
), leaders AS (
  SELECT * FROM json_to_recordset($${bidderActivityColumns.length + 1}::json) AS r(auction_id text, leader_id text)
), upserted AS (
  INSERT INTO ${t.bidderActivity} AS ba (${columnNames(bidderActivityColumns)})
  SELECT ${columnNames(bidderActivityColumns)} FROM increments
  ON CONFLICT (bidder_id, auction_id) DO UPDATE SET
    bid_count = ba.bid_count + excluded.bid_count,
    highest_max = CASE WHEN excluded.retraction_count > 0 THEN excluded.highest_max ELSE greatest(ba.highest_max, excluded.highest_max) END,
    last_bid_at = CASE WHEN excluded.bid_count > 0 THEN excluded.last_bid_at ELSE ba.last_bid_at END,
    is_leading = excluded.is_leading,
    retraction_count = ba.retraction_count + excluded.retraction_count
  RETURNING 1
), releaded AS (
  UPDATE ${t.bidderActivity} AS ba SET is_leading = coalesce(ba.bidder_id = l.leader_id, false)
  FROM leaders l
  WHERE ba.auction_id = l.auction_id
    AND ba.is_leading IS DISTINCT FROM coalesce(ba.bidder_id = l.leader_id, false)
    AND NOT EXISTS (SELECT 1 FROM increments i WHERE i.bidder_id = ba.bidder_id AND i.auction_id = ba.auction_id)
  RETURNING 1
)
SELECT (SELECT count(*) FROM upserted)::integer AS upserted, (SELECT count(*) FROM releaded)::integer AS releaded`,

  // The same rows as insertBids, for bulk loads (a rebuild's fresh tables) where COPY is available.
  copyBids: `COPY ${t.bidHistory} (${columnNames(bidHistoryColumns)}) FROM STDIN`,
  copyAuctions: `COPY ${t.auctionView} (${columnNames(auctionViewColumns)}) FROM STDIN`,
  copyActivity: `COPY ${t.bidderActivity} (${columnNames(bidderActivityColumns)}) FROM STDIN`,

});

const PREPARED = { prepare: true } as const;

/** The read-model tables of one suffix, read and written inside a transaction the caller holds. */
export class ReadModelStore extends AuctionRowStore<AuctionRow> {
  private readonly sql: Statements;

  constructor(readonly tables: ReadModelTables = readModelTableNames()) {
    super(auctionViewColumns, AuctionViewStored, tables.auctionView, tables.parkedStreams);
    this.sql = statementsFor(tables);
  }

  /** Writes each auction's new row if it is still at `expectedVersion` (0: absent); throws AuctionRowConflictError otherwise. */
  async writeAuctions(tx: SqlExecutor, changes: readonly { readonly row: AuctionRow; readonly expectedVersion: number }[]): Promise<void> {
    if (changes.length === 0) return;
    const { rows } = await tx.query<{ written: number }>(this.sql.writeAuctions, [this.versionedRows(changes)], PREPARED);
    AuctionRowStore.checkWritten(changes.length, rows);
  }

  async insertBids(tx: SqlExecutor, bids: readonly BidRow[]): Promise<void> {
    if (bids.length === 0) return;
    await tx.query(this.sql.insertBids, rowsAsColumns(bidHistoryColumns, bids), PREPARED);
  }

  /**
   * The same as insertBids, by COPY where the executor has it (PostgreSQL): much cheaper for large
   * batches, dearer for small ones (a round trip more), so for bulk loads.
   */
  async insertBidsInBulk(sql: SqlExecutor, bids: readonly BidRow[]): Promise<void> {
    if (bids.length === 0) return;
    if (sql.copyFrom === undefined) return this.insertBids(sql, bids);
    await sql.copyFrom(this.sql.copyBids, rowsAsCopyText(bidHistoryColumns, bids));
  }

  /**
   * Auction rows that are new to the table, in bulk: by COPY where the executor has it (a row
   * already there fails it with a unique violation), else as writeAuctions from version 0.
   */
  async insertAuctionsInBulk(sql: SqlExecutor, rows: readonly AuctionRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (sql.copyFrom === undefined) return this.writeAuctions(sql, rows.map((row) => ({ row, expectedVersion: 0 })));
    await sql.copyFrom(this.sql.copyAuctions, rowsAsCopyText(auctionViewColumns, rows));
  }

  /**
   * Bidder activity rows that are new to the table (no row of that bidder and auction yet), in
   * bulk: by COPY where the executor has it (a row already there fails it), else as writeActivity.
   */
  async insertActivityInBulk(sql: SqlExecutor, rows: readonly ActivityIncrement[]): Promise<void> {
    if (rows.length === 0) return;
    if (sql.copyFrom === undefined) return this.writeActivity(sql, rows, []);
    await sql.copyFrom(this.sql.copyActivity, rowsAsCopyText(bidderActivityColumns, rows));
  }

  /** Adds the increments and recomputes `leading` in the auctions whose leader changed. */
  async writeActivity(
    tx: SqlExecutor,
    increments: readonly ActivityIncrement[],
    newLeaders: readonly { readonly auctionId: string; readonly leaderId: string | null }[],
  ): Promise<void> {
    if (increments.length === 0 && newLeaders.length === 0) return;
    const leaders = JSON.stringify(newLeaders.map((l) => ({ auction_id: l.auctionId, leader_id: l.leaderId })));
    await tx.query(this.sql.writeActivity, [...rowsAsColumns(bidderActivityColumns, increments), leaders], PREPARED);
  }
}
