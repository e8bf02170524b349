// What every SQL projection's store (the read models', the analytics') does the same way with its
// table of one row per auction and its parked streams: load a batch's rows (locked on PostgreSQL,
// in auction-id order), pass each row's compare-and-set as one JSON array with its expected version,
// refuse a write that did not move every row (AuctionRowConflictError), and keep the parked streams
// (ParkedStreamTable). The stores extend it with their own writes.
import type * as t from 'io-ts';
import type { SqlExecutor } from '../../infra/index.js';
import type { ParkedStream } from '../runtime/index.js';
import { ParkedStreamTable } from './parked-stream-table.js';
import type { Column } from './table-columns.js';
import { decodeStoredRows, rowsAsRecords, selectList } from './table-columns.js';

/**
 * Two writers advanced the same auction at once (another instance of the projection, or a
 * rebuild's catch-up): this transaction lost and is rolled back. Retrying it is safe: it reloads
 * the rows and finds the events already reflected.
 */
export class AuctionRowConflictError extends Error {
  constructor(readonly expected: number, readonly written: number) {
    super(`${expected - written} of ${expected} auction rows were advanced by another writer meanwhile`);
    this.name = 'AuctionRowConflictError';
  }
}

const PREPARED = { prepare: true } as const;

/** The per-auction table and the parked streams of one projection's tables. */
export class AuctionRowStore<Row extends { readonly auctionId: string }> {
  private readonly load: string;
  private readonly loadOnPglite: string;
  private readonly parked: ParkedStreamTable;

  /** `columns` and `codec`: those of `auctionTable`, whose key is auction_id. */
  constructor(private readonly columns: readonly Column<Row>[], private readonly codec: t.Mixed, auctionTable: string, parkedTable: string) {
    // FOR UPDATE: a second writer of the same auctions waits here, then reads what the first wrote.
    // Rows are locked in auction-id order (and new ones inserted in that order), so two writers whose
    // batches share auctions cannot deadlock.
    this.load = `SELECT ${selectList(columns)} FROM ${auctionTable} WHERE auction_id = ANY($1::text[]) ORDER BY auction_id FOR UPDATE`;
    // PGlite runs one transaction at a time (one connection), so no second writer can be waiting:
    // there the locks would only cost (each locked row is written, about doubling the batch's load).
    // The compare-and-set of the writes stays the fence on both.
    this.loadOnPglite = `SELECT ${selectList(columns)} FROM ${auctionTable} WHERE auction_id = ANY($1::text[]) ORDER BY auction_id`;
    this.parked = new ParkedStreamTable(parkedTable);
  }

  /** The stored rows of these auctions (on PostgreSQL locked until the transaction ends), by auction id. */
  async loadAuctions(tx: SqlExecutor, auctionIds: readonly string[]): Promise<Map<string, Row>> {
    if (auctionIds.length === 0) return new Map();
    const { rows } = await tx.query(tx.kind === 'pglite' ? this.loadOnPglite : this.load, [auctionIds], PREPARED);
    const decoded = decodeStoredRows<Row>(this.columns, this.codec, rows);
    return new Map(decoded.map((row) => [row.auctionId, row]));
  }

  /** Which of these auctions' streams are parked. */
  loadParked(tx: SqlExecutor, auctionIds: readonly string[]): Promise<Set<string>> {
    return this.parked.loadParked(tx, auctionIds);
  }

  /** Parks these auctions' streams; returns the auction ids that were not parked before. */
  park(tx: SqlExecutor, parked: readonly { readonly auctionId: string; readonly stream: ParkedStream }[]): Promise<Set<string>> {
    return this.parked.park(tx, parked);
  }

  /** Every parked stream, by stream id, as parked by `projection` (the one that writes these tables). */
  listParked(sql: SqlExecutor, projection: string): Promise<ParkedStream[]> {
    return this.parked.listParked(sql, projection);
  }

  /** The rows as the compare-and-set's JSON array: each row's columns and its `expected_version`. */
  protected versionedRows(changes: readonly { readonly row: Row; readonly expectedVersion: number }[]): string {
    const records = rowsAsRecords(this.columns, changes.map((c) => c.row));
    return JSON.stringify(records.map((record, i) => ({ ...record, expected_version: changes[i]?.expectedVersion })));
  }

  /** Throws AuctionRowConflictError unless the statement's `written` count is every row's. */
  protected static checkWritten(expected: number, result: readonly { readonly written: number }[]): void {
    const written = result[0]?.written ?? 0;
    if (written !== expected) throw new AuctionRowConflictError(expected, written);
  }
}
