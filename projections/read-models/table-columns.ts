// The read-model columns, each once: its SQL type, the field of the in-memory row it holds, and
// hence how rows travel to PostgreSQL (an array per column read by `unnest`, or a JSON array read
// by `json_to_recordset`) and how stored
// rows come back (cast to text where the drivers differ, then checked by an io-ts codec).
import * as t from 'io-ts';
import { UtcTimestamp } from '../../domain/index.js';
import type { SqlScalar } from '../../infra/index.js';
import { IntFromText, copyField, decodeOrThrow } from '../../infra/index.js';
import type { ActivityIncrement, AuctionRow, BidRow } from './auction-rows.js';

type SqlType = 'text' | 'bigint' | 'integer' | 'boolean' | 'timestamptz';

export interface Column<R> {
  readonly name: string;
  readonly type: SqlType;
  readonly key: keyof R & string;
  readonly nullable?: true;
}

const col = <R>(name: string, type: SqlType, key: keyof R & string, nullable?: true): Column<R> =>
  nullable === true ? { name, type, key, nullable } : { name, type, key };

/** Every field of R has a column: a compile-time check on each list below. */
type Covers<R, C extends readonly { key: string }[]> = Exclude<keyof R, C[number]['key']> extends never ? C : never;
const columns = <R>() => <const C extends readonly Column<R>[]>(list: Covers<R, C>): C => list;

export const auctionViewColumns = columns<AuctionRow>()([
  col('auction_id', 'text', 'auctionId'),
  col('seller_id', 'text', 'sellerId'),
  col('title', 'text', 'title'),
  col('description', 'text', 'description'),
  col('currency', 'text', 'currency'),
  col('starting_price', 'bigint', 'startingPrice'),
  col('current_price', 'bigint', 'currentPrice'),
  col('reserve_price', 'bigint', 'reservePrice', true),
  col('buy_now_price', 'bigint', 'buyNowPrice', true),
  col('buy_now_available', 'boolean', 'buyNowAvailable'),
  col('bid_count', 'integer', 'bidCount'),
  col('leader_id', 'text', 'leaderId', true),
  col('leader_pseudonym', 'text', 'leaderPseudonym', true),
  col('reserve_met', 'boolean', 'reserveMet'),
  col('outcome', 'text', 'outcome'),
  col('winner_id', 'text', 'winnerId', true),
  col('winner_pseudonym', 'text', 'winnerPseudonym', true),
  col('final_price', 'bigint', 'finalPrice', true),
  col('starts_at', 'timestamptz', 'startsAt'),
  col('ends_at', 'timestamptz', 'endsAt'),
  col('soft_close_window_seconds', 'integer', 'softCloseWindowSeconds', true),
  col('soft_close_extension_seconds', 'integer', 'softCloseExtensionSeconds', true),
  col('created_at', 'timestamptz', 'createdAt'),
  col('ended_at', 'timestamptz', 'endedAt', true),
  col('version', 'integer', 'version'),
  col('log_position', 'text', 'logPosition'),
]);

export const bidHistoryColumns = columns<BidRow>()([
  col('auction_id', 'text', 'auctionId'),
  col('stream_version', 'integer', 'streamVersion'),
  col('bid_id', 'text', 'bidId'),
  col('bidder_id', 'text', 'bidderId'),
  col('bidder_pseudonym', 'text', 'bidderPseudonym'),
  col('max_amount', 'bigint', 'maxAmount'),
  col('outcome', 'text', 'outcome'),
  col('price_after', 'bigint', 'priceAfter'),
  col('leader_pseudonym', 'text', 'leaderPseudonym'),
  col('placed_at', 'timestamptz', 'placedAt'),
  col('ends_at_after', 'timestamptz', 'endsAtAfter'),
  col('extended', 'boolean', 'extended'),
  col('event_id', 'text', 'eventId'),
  col('command_id', 'text', 'commandId'),
  col('log_position', 'text', 'logPosition'),
  col('prev_hash', 'text', 'prevHash'),
  col('hash', 'text', 'hash'),
]);

export const bidderActivityColumns = columns<ActivityIncrement>()([
  col('bidder_id', 'text', 'bidderId'),
  col('auction_id', 'text', 'auctionId'),
  col('bid_count', 'integer', 'bidCount'),
  col('highest_max', 'bigint', 'highestMax'),
  col('first_bid_at', 'timestamptz', 'firstBidAt'),
  col('last_bid_at', 'timestamptz', 'lastBidAt'),
  col('is_leading', 'boolean', 'leading'),
]);

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

/** Timestamps as ISO 8601 UTC with milliseconds, the form the events carry. */
export const isoTimestampSql = (expression: string): string => `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A select list that reads back the same on `pg` and PGlite: bigint as text, timestamps as ISO text. */
export const selectList = <R>(list: readonly Column<R>[], alias = ''): string =>
  list
    .map((c) => {
      const ref = alias === '' ? c.name : `${alias}.${c.name}`;
      if (c.type === 'bigint') return `${ref}::text AS ${c.name}`;
      if (c.type === 'timestamptz') return `${isoTimestampSql(ref)} AS ${c.name}`;
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
