// Writes rows as a Parquet file to a stream as they arrive, with hyparquet-writer's incremental
// ParquetWriter: rows are buffered column by column until a row group is full, then that group is
// encoded and its bytes handed to the output (waiting while the output is full) before more rows
// are taken. Memory holds one row group's rows and bytes, plus the footer's metadata (a few
// hundred bytes per row group and column), whatever the export's size.
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet-writer';
import type { NdjsonSink } from './ndjson-sink.js';

/** The column types an export writes, each as analysts' tools read it. */
export type ParquetColumnType =
  /** UTF-8 text (BYTE_ARRAY, STRING): a JS string. */
  | 'STRING'
  /** 32-bit integer: a JS number. */
  | 'INT32'
  /** 64-bit integer (money in minor units): a JS bigint. */
  | 'INT64'
  | 'BOOLEAN'
  /** INT64 TIMESTAMP(MILLIS, isAdjustedToUTC=true): a JS number, milliseconds since the epoch. */
  | 'TIMESTAMP';

export interface ParquetColumn {
  readonly name: string;
  readonly type: ParquetColumnType;
  readonly nullable: boolean;
}

export type ParquetValue = string | number | bigint | boolean | null;

/** Rows per row group unless told otherwise: a few MB of events, read back in one go by a reader. */
export const DEFAULT_ROW_GROUP_ROWS = 10_000;

const schemaElement = ({ name, type, nullable }: ParquetColumn): SchemaElement => {
  const repetition_type = nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (type) {
    case 'STRING':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
    case 'TIMESTAMP':
      return { name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }, repetition_type };
    default:
      return { name, type, repetition_type };
  }
};

/** The file's schema: a flat root over the columns. */
export const parquetSchema = (columns: readonly ParquetColumn[]): SchemaElement[] => [{ name: 'root', num_children: columns.length }, ...columns.map(schemaElement)];

/** hyparquet-writer's byte buffer, emptied into the output after each row group and at the end. */
class StreamedBytes extends ByteWriter {
  constructor(private readonly send: (bytes: Uint8Array) => Promise<boolean>) {
    super(1 << 16);
  }

  flush(): Promise<void> {
    const bytes = new Uint8Array(this.buffer, 0, this.index).slice();
    this.index = 0;
    return this.send(bytes).then(() => undefined);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

export class ParquetSink {
  private readonly writer: ParquetWriter;
  private columnsData: ParquetValue[][];
  private buffered = 0;

  /** `out` carries the bytes (its stream is ended by `finish`); `rowGroupRows` rows per row group. */
  constructor(
    private readonly out: NdjsonSink,
    private readonly columns: readonly ParquetColumn[],
    private readonly rowGroupRows: number = DEFAULT_ROW_GROUP_ROWS,
    kvMetadata: readonly { key: string; value: string }[] = [],
  ) {
    this.writer = new ParquetWriter({
      writer: new StreamedBytes((bytes) => out.writeBytes(bytes)),
      schema: parquetSchema(columns),
      kvMetadata: [...kvMetadata],
      createdBy: 'gavelstream replay (hyparquet-writer)',
    });
    this.columnsData = columns.map(() => []);
  }

  get readerGone(): boolean {
    return this.out.readerGone;
  }

  /** Takes rows (values in column order); writes each row group as it fills. False once the reader has gone. */
  async append(rows: readonly (readonly ParquetValue[])[]): Promise<boolean> {
    for (const row of rows) {
      for (let c = 0; c < this.columns.length; c++) this.columnsData[c]!.push(row[c] ?? null);
      this.buffered++;
      if (this.buffered >= this.rowGroupRows && !(await this.writeGroup())) return false;
    }
    return !this.out.readerGone;
  }

  /** Writes the last row group and the footer, and ends the output. */
  async finish(): Promise<void> {
    if (this.buffered > 0 && !(await this.writeGroup())) return;
    await this.writer.finish();
    await this.out.finish();
  }

  private async writeGroup(): Promise<boolean> {
    const columnData = this.columns.map((column, c) => ({ name: column.name, data: this.columnsData[c]! }));
    const rows = this.buffered;
    this.columnsData = this.columns.map(() => []);
    this.buffered = 0;
    await this.writer.write({ columnData, rowGroupSize: rows });
    return !this.out.readerGone;
  }
}
