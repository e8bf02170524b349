// The read-model columns, each once: its field of the in-memory row, its SQL type, and its name
// (the field in snake_case unless said otherwise); hence how rows travel to PostgreSQL (an array
// per column read by `unnest`, or a JSON array read by `json_to_recordset`) and how stored rows
// come back (cast to text where the drivers differ, then checked by an io-ts codec).
import * as t from 'io-ts';
import { UtcTimestamp } from '../../domain/index.js';
import type { SqlScalar } from '../../infra/index.js';
import { IntFromText, copyField, decodeOrThrow, isoMs, snakeCase } from '../../infra/index.js';
import type { ActivityIncrement, AuctionRow, BidRow } from './auction-rows.js';

type SqlType = 'text' | 'bigint' | 'integer' | 'boolean' | 'timestamptz';

export interface Column<R> {
  readonly name: string;
  readonly type: SqlType;
  readonly key: keyof R & string;
  readonly nullable?: true;
}

/** A field's SQL type, with ` null` exactly when the field may be null (checked against the row's type). */
type TypeOfField<V> = null extends V ? `${SqlType} null` : SqlType;

/** A column: its type, or its type and its name where that is not the field's name in snake_case. */
type ColumnSpec<V> = TypeOfField<V> | { readonly type: TypeOfField<V>; readonly name: string };
/** Any field's column, as `columns` reads it. */
type AnyColumnSpec = ColumnSpec<string> | ColumnSpec<string | null>;

/** Every field of R, in column order, as a column (a field left out does not compile). */
export const tableColumns = <R>(specs: { readonly [K in keyof R & string]-?: ColumnSpec<R[K]> }): readonly Column<R>[] =>
  Object.entries(specs as Readonly<Record<string, AnyColumnSpec>>).map(([field, spec]) => {
    const { type: typeSpec, name = snakeCase(field) } = typeof spec === 'string' ? { type: spec } : spec;
    const [type, nullable] = typeSpec.split(' ') as [SqlType, 'null' | undefined];
    const key = field as keyof R & string;
    return nullable === undefined ? { name, type, key } : { name, type, key, nullable: true };
  });

export const auctionViewColumns = tableColumns<AuctionRow>({
  auctionId: 'text',
  sellerId: 'text',
  format: 'text',
  title: 'text',
  description: 'text',
  currency: 'text',
  startingPrice: 'bigint',
  currentPrice: 'bigint',
  reservePrice: 'bigint null',
  buyNowPrice: 'bigint null',
  buyNowAvailable: 'boolean',
  bidCount: 'integer',
  leaderId: 'text null',
  leaderPseudonym: 'text null',
  reserveMet: 'boolean',
  outcome: 'text',
  winnerId: 'text null',
  winnerPseudonym: 'text null',
  finalPrice: 'bigint null',
  startsAt: 'timestamptz',
  endsAt: 'timestamptz',
  softCloseWindowSeconds: 'integer null',
  softCloseExtensionSeconds: 'integer null',
  clockDecrementAmount: 'bigint null',
  clockDecrementEverySeconds: 'integer null',
  clockFloorPrice: 'bigint null',
  saleId: 'text null',
  lotNumber: 'integer null',
  createdAt: 'timestamptz',
  endedAt: 'timestamptz null',
  version: 'integer',
  logPosition: 'text',
});

export const bidHistoryColumns = tableColumns<BidRow>({
  auctionId: 'text',
  streamVersion: 'integer',
  bidId: 'text',
  bidderId: 'text',
  bidderPseudonym: 'text',
  maxAmount: 'bigint',
  outcome: 'text',
  priceAfter: 'bigint',
  leaderPseudonym: 'text null',
  placedAt: 'timestamptz',
  endsAtAfter: 'timestamptz',
  extended: 'boolean',
  eventId: 'text',
  commandId: 'text',
  logPosition: 'text',
  prevHash: 'text',
  hash: 'text',
  retractedBidIds: 'text null',
});

export const bidderActivityColumns = tableColumns<ActivityIncrement>({
  bidderId: 'text',
  auctionId: 'text',
  bidCount: 'integer',
  highestMax: 'bigint',
  firstBidAt: 'timestamptz',
  lastBidAt: 'timestamptz',
  leading: { type: 'boolean', name: 'is_leading' },
  retractionCount: 'integer',
});

export const columnNames = <R>(list: readonly Column<R>[]): string => list.map((c) => c.name).join(', ');

/** The `AS r(name type, ...)` definition of a `json_to_recordset` over these columns. */
export const recordsetDefinition = <R>(list: readonly Column<R>[]): string => list.map((c) => `${c.name} ${c.type}`).join(', ');

/**
 * The `unnest($first::type[], ...) AS r(name, ...)` over these columns: rows as one array
 * parameter per column (see `rowsAsColumns`), cheaper to build and to read than a JSON array.
 */
export const unnestFrom = <R>(list: readonly Column<R>[], first = 1): string =>
  `unnest(${list.map((c, i) => `$${first + i}::${c.type}[]`).join(', ')}) AS r(${columnNames(list)})`;

/** Rows as one array per column, in `list` order: the parameters of `unnestFrom`. */
export const rowsAsColumns = <R>(list: readonly Column<R>[], rows: readonly R[]): SqlScalar[][] => {
  const columns = list.map((): SqlScalar[] => []);
  for (const row of rows) {
    for (let i = 0; i < list.length; i++) columns[i]!.push(row[list[i]!.key] as SqlScalar);
  }
  return columns;
};

/** Rows as COPY's text format, columns in `list` order: the data of `COPY table (columnNames) FROM STDIN`. */
export const rowsAsCopyText = <R>(list: readonly Column<R>[], rows: readonly R[]): string => {
  const keys = list.map((c) => c.key);
  let text = '';
  for (const row of rows) {
    let line = copyField(row[keys[0]!] as SqlScalar);
    for (let i = 1; i < keys.length; i++) line += `\t${copyField(row[keys[i]!] as SqlScalar)}`;
    text += `${line}\n`;
  }
  return text;
};

/** Rows as objects keyed by column name. */
export const rowsAsRecords = <R>(list: readonly Column<R>[], rows: readonly R[]): Record<string, unknown>[] =>
  rows.map((row) => Object.fromEntries(list.map((c) => [c.name, row[c.key]])));

/** Rows as the JSON array `json_to_recordset` reads (keys are column names). */
export const rowsAsJson = <R>(list: readonly Column<R>[], rows: readonly R[]): string => JSON.stringify(rowsAsRecords(list, rows));

/** A select list that reads back the same on `pg` and PGlite: bigint as text, timestamps as ISO text. */
export const selectList = <R>(list: readonly Column<R>[], alias = ''): string =>
  list
    .map((c) => {
      const ref = alias === '' ? c.name : `${alias}.${c.name}`;
      if (c.type === 'bigint') return `${ref}::text AS ${c.name}`;
      if (c.type === 'timestamptz') return `${isoMs(ref)} AS ${c.name}`;
      return ref;
    })
    .join(', ');

const codecOf = <R>(c: Column<R>): t.Mixed => {
  const base: t.Mixed =
    c.type === 'bigint' ? IntFromText : c.type === 'integer' ? t.Int : c.type === 'boolean' ? t.boolean : c.type === 'timestamptz' ? UtcTimestamp : t.string;
  return c.nullable === true ? t.union([base, t.null]) : base;
};

/** The io-ts codec of a stored row read with `selectList`, keyed by column name. */
export const storedRowCodec = <R>(list: readonly Column<R>[], name: string) =>
  t.type(Object.fromEntries(list.map((c) => [c.name, codecOf(c)])), name);

/** Decodes stored rows into in-memory rows, failing loudly on anything unexpected. */
export const decodeStoredRows = <R>(list: readonly Column<R>[], codec: t.Mixed, rows: readonly unknown[]): R[] =>
  rows.map((raw) => {
    const stored = decodeOrThrow(codec, raw, `stored ${codec.name} row`) as Record<string, unknown>;
    return Object.fromEntries(list.map((c) => [c.key, stored[c.name]])) as R;
  });

/** Each read-model table's columns, by table name (a test holds them to the tables the migrations make). */
export const readModelColumns: Readonly<Record<string, readonly Omit<Column<unknown>, 'key'>[]>> = {
  auction_view: auctionViewColumns,
  bid_history: bidHistoryColumns,
  bidder_activity: bidderActivityColumns,
};
