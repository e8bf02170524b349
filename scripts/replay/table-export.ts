// Exports one analytics table (projections/analytics) by a time range on its natural time column,
// a page at a time through a cursor in one read-only transaction (a consistent snapshot while the
// projector writes; never more than a page in memory). Each column's Parquet type follows its SQL
// type (text: STRING, integer: INT32, bigint money: INT64, boolean, timestamptz: TIMESTAMP UTC).
import type { SqlExecutor } from '../../infra/index.js';
import { assertSqlIdentifier, isoMs } from '../../infra/index.js';
import type { AnalyticsTable } from '../../projections/index.js';
import type { NdjsonSink } from './ndjson-sink.js';
import type { ParquetColumn, ParquetColumnType, ParquetValue } from './parquet-sink.js';
import { ParquetSink } from './parquet-sink.js';

/** The database holds no such table (not migrated yet): exit 1, like a missing log. */
export class TableUnavailableError extends Error {
  override readonly name = 'TableUnavailableError';
}

interface TableSpec {
  /** The time the range applies to, for messages and the usage text. */
  readonly timeColumn: string;
  /** The SQL of that time (over `t`, the table, and `a`, its auction when joined). */
  readonly time: string;
  /** The join the time needs, if any. */
  readonly join?: string;
  readonly orderBy: string;
}

const specs: Readonly<Record<AnalyticsTable, TableSpec>> = {
  analytics_auctions: { timeColumn: 'created_at', time: 't.created_at', orderBy: 't.created_at, t.auction_id' },
  analytics_auction_bidders: {
    timeColumn: "its auction's created_at",
    time: 'a.created_at',
    join: 'JOIN analytics_auctions a ON a.auction_id = t.auction_id',
    orderBy: 't.auction_id, t.bidder_id',
  },
  analytics_price_points: { timeColumn: 'at', time: 't.at', orderBy: 't.at, t.auction_id, t.stream_version' },
  analytics_bids_per_minute: { timeColumn: 'minute', time: 't.minute', orderBy: 't.minute' },
};

/** What --from/--to apply to, per table (for the usage text). */
export const tableTimeColumns = Object.fromEntries(Object.entries(specs).map(([table, spec]) => [table, spec.timeColumn])) as Readonly<Record<AnalyticsTable, string>>;

const sqlTypes: Readonly<Record<string, ParquetColumnType>> = {
  text: 'STRING',
  'character varying': 'STRING',
  smallint: 'INT32',
  integer: 'INT32',
  bigint: 'INT64',
  boolean: 'BOOLEAN',
  'timestamp with time zone': 'TIMESTAMP',
};

/** The table's columns as Parquet columns, in the table's order (read from the catalog, so new columns export too). */
export const describeTable = async (sql: SqlExecutor, table: AnalyticsTable, description: string): Promise<readonly ParquetColumn[]> => {
  const { rows } = await sql.query<{ column_name: string; data_type: string; is_nullable: string }>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  if (rows.length === 0) throw new TableUnavailableError(`${description} holds no ${table} table: start Gavelstream on it once, or run npm run migrate`);
  return rows.map((row) => {
    const type = sqlTypes[row.data_type];
    if (type === undefined) throw new Error(`${table}.${row.column_name} is of type ${row.data_type}, which the export has no Parquet type for`);
    return { name: assertSqlIdentifier(row.column_name, 'a column name'), type, nullable: row.is_nullable === 'YES' };
  });
};

// Both engines give text, integers and booleans alike; bigint comes as text and times as ISO text.
const selectOf = ({ name, type }: ParquetColumn): string =>
  type === 'TIMESTAMP' ? `${isoMs(`t.${name}`)} AS ${name}` : type === 'INT64' ? `t.${name}::text AS ${name}` : `t.${name}`;

const valueOf = (column: ParquetColumn, raw: unknown): ParquetValue => {
  if (raw === null || raw === undefined) return null;
  const wrong = () => new Error(`${column.name}: unexpected ${typeof raw} ${JSON.stringify(raw)} for a ${column.type} column`);
  switch (column.type) {
    case 'STRING':
      if (typeof raw !== 'string') throw wrong();
      return raw;
    case 'INT32':
      if (typeof raw !== 'number' || !Number.isInteger(raw)) throw wrong();
      return raw;
    case 'INT64':
      if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw wrong();
      return BigInt(raw);
    case 'BOOLEAN':
      if (typeof raw !== 'boolean') throw wrong();
      return raw;
    case 'TIMESTAMP': {
      const ms = typeof raw === 'string' ? Date.parse(raw) : NaN;
      if (!Number.isFinite(ms)) throw wrong();
      return ms;
    }
  }
};

/** Where a table's rows go: values in column order. */
export interface RowSink {
  write(rows: readonly (readonly ParquetValue[])[]): Promise<boolean>;
  finish(): Promise<void>;
  readonly readerGone: boolean;
}

/** NDJSON: one object per row, keyed by column name; times as ISO 8601 UTC, money as integers. */
export class NdjsonRowSink implements RowSink {
  constructor(
    private readonly out: NdjsonSink,
    private readonly columns: readonly ParquetColumn[],
  ) {}

  get readerGone(): boolean {
    return this.out.readerGone;
  }

  write(rows: readonly (readonly ParquetValue[])[]): Promise<boolean> {
    let chunk = '';
    for (const row of rows) chunk += `${JSON.stringify(Object.fromEntries(this.columns.map((column, c) => [column.name, jsonValue(column, row[c] ?? null)])))}\n`;
    return this.out.writeText(chunk);
  }

  finish(): Promise<void> {
    return this.out.finish();
  }
}

const jsonValue = (column: ParquetColumn, value: ParquetValue): string | number | boolean | null => {
  if (value === null) return null;
  if (column.type === 'TIMESTAMP') return new Date(Number(value)).toISOString();
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
};

/** Parquet: the table's columns with their types. */
export const parquetRowSink = (out: NdjsonSink, columns: readonly ParquetColumn[], rowGroupRows?: number, kvMetadata?: readonly { key: string; value: string }[]): RowSink => {
  const parquet = new ParquetSink(out, columns, rowGroupRows, kvMetadata);
  return {
    get readerGone() {
      return parquet.readerGone;
    },
    write: (rows) => parquet.append(rows),
    finish: () => parquet.finish(),
  };
};

export interface TableRange {
  readonly table: AnalyticsTable;
  /** At or after (ms since the epoch). */
  readonly fromMs?: number;
  /** Before (exclusive). */
  readonly toMs?: number;
}

export interface TableExportOutcome {
  readonly written: number;
  readonly readerGone: boolean;
  readonly aborted: boolean;
}

/** The table's rows in the range, in the order of its time (bidders: by auction), `pageSize` rows per fetch. */
export const exportTable = async (
  sql: SqlExecutor,
  range: TableRange,
  columns: readonly ParquetColumn[],
  sink: RowSink,
  options: { readonly pageSize: number; readonly signal?: AbortSignal; readonly onPage?: (written: number) => void },
): Promise<TableExportOutcome> => {
  const spec = specs[range.table];
  const conditions: string[] = [];
  const params: string[] = [];
  if (range.fromMs !== undefined) {
    params.push(new Date(range.fromMs).toISOString());
    conditions.push(`${spec.time} >= $${params.length}::timestamptz`);
  }
  if (range.toMs !== undefined) {
    params.push(new Date(range.toMs).toISOString());
    conditions.push(`${spec.time} < $${params.length}::timestamptz`);
  }
  const query = [
    `SELECT ${columns.map(selectOf).join(', ')} FROM ${range.table} t`,
    conditions.length > 0 && spec.join !== undefined ? spec.join : '',
    conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '',
    `ORDER BY ${spec.orderBy}`,
  ].join(' ');
  let written = 0;
  await sql.transaction(async (tx) => {
    await tx.query(`DECLARE gavelstream_export NO SCROLL CURSOR FOR ${query}`, params);
    for (;;) {
      if (options.signal?.aborted === true) return;
      const { rows } = await tx.query<Record<string, unknown>>(`FETCH ${options.pageSize} FROM gavelstream_export`);
      if (rows.length > 0) {
        if (!(await sink.write(rows.map((row) => columns.map((column) => valueOf(column, row[column.name])))))) return;
        written += rows.length;
        options.onPage?.(written);
      }
      if (rows.length < options.pageSize) return;
    }
  });
  const aborted = options.signal?.aborted === true;
  if (!sink.readerGone && !aborted) await sink.finish();
  return { written, readerGone: sink.readerGone, aborted };
};
