// The event log as Parquet: one row per event, in commit order, with a flat typed schema analysts'
// tools read as it is (DuckDB, pandas, Spark). The event's data and metadata are JSON text columns,
// exactly the `data` and `metadata` of the NDJSON line (README, "Analysts: replaying the log").
import type { RecordedEvent } from '../../domain/index.js';
import { RecordedEventCodec, auctionIdOfStream } from '../../domain/index.js';
import type { NdjsonSink } from './ndjson-sink.js';
import type { ParquetColumn, ParquetValue } from './parquet-sink.js';
import { ParquetSink } from './parquet-sink.js';
import type { EventSink } from './replay-log.js';

/** The event log's Parquet columns, in file order. */
export const eventColumns: readonly ParquetColumn[] = [
  { name: 'position', type: 'STRING', nullable: false },
  { name: 'stream_id', type: 'STRING', nullable: false },
  { name: 'stream_version', type: 'INT32', nullable: false },
  { name: 'event_id', type: 'STRING', nullable: false },
  { name: 'type', type: 'STRING', nullable: false },
  { name: 'schema_version', type: 'INT32', nullable: false },
  { name: 'server_time', type: 'TIMESTAMP', nullable: false },
  { name: 'auction_id', type: 'STRING', nullable: true },
  { name: 'data', type: 'STRING', nullable: false },
  { name: 'metadata', type: 'STRING', nullable: false },
  { name: 'prev_hash', type: 'STRING', nullable: false },
  { name: 'hash', type: 'STRING', nullable: false },
];

/** One event's row, in the order of `eventColumns`. */
export const eventRow = (event: RecordedEvent): ParquetValue[] => {
  const encoded = RecordedEventCodec.encode(event);
  return [
    encoded.position,
    encoded.streamId,
    encoded.streamVersion,
    encoded.eventId,
    encoded.type,
    encoded.metadata.schemaVersion,
    Date.parse(encoded.metadata.serverTime),
    auctionIdOfStream(encoded.streamId) ?? null,
    JSON.stringify(encoded.data),
    JSON.stringify(encoded.metadata),
    encoded.prevHash,
    encoded.hash,
  ];
};

/** The replay's sink for `--format parquet`. */
export class ParquetEventSink implements EventSink {
  private readonly parquet: ParquetSink;

  constructor(out: NdjsonSink, rowGroupRows?: number, kvMetadata?: readonly { key: string; value: string }[]) {
    this.parquet = new ParquetSink(out, eventColumns, rowGroupRows, kvMetadata);
  }

  get readerGone(): boolean {
    return this.parquet.readerGone;
  }

  write(events: readonly RecordedEvent[]): Promise<boolean> {
    return this.parquet.append(events.map(eventRow));
  }

  finish(): Promise<void> {
    return this.parquet.finish();
  }
}
