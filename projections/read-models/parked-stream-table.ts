// A projection's table of parked streams (runtime/parked-streams.ts): one row per auction whose
// stream it stopped at an event it cannot project, written in the same transaction as its other
// tables and its checkpoint. The read models keep theirs in `parked_streams`, the analytics
// projection in `analytics_parked_streams`; both tables have these columns, and a rebuild fills a
// suffixed copy afresh.
import * as t from 'io-ts';
import type { SqlExecutor } from '../../infra/index.js';
import { assertSqlIdentifier, decodeOrThrow } from '../../infra/index.js';
import type { ParkedStream } from '../runtime/index.js';

const ParkedStored = t.type({
  stream_id: t.string, stream_version: t.number, log_position: t.string, event_id: t.string, event_type: t.string, reason: t.string,
}, 'parked_streams');

const PREPARED = { prepare: true } as const;

export class ParkedStreamTable {
  private readonly loadSql: string;
  private readonly parkSql: string;
  private readonly listSql: string;

  constructor(readonly table: string) {
    assertSqlIdentifier(table, 'table');
    this.loadSql = `SELECT auction_id FROM ${table} WHERE auction_id = ANY($1::text[])`;
    // A stream is parked once: a redelivered batch finds it parked already and returns nothing.
    this.parkSql = `
INSERT INTO ${table} (auction_id, stream_id, stream_version, log_position, event_id, event_type, reason)
SELECT auction_id, stream_id, stream_version, log_position, event_id, event_type, reason
FROM json_to_recordset($1::json) AS r(auction_id text, stream_id text, stream_version integer, log_position text, event_id text, event_type text, reason text)
ON CONFLICT (auction_id) DO NOTHING
RETURNING auction_id`;
    this.listSql = `SELECT stream_id, stream_version, log_position, event_id, event_type, reason FROM ${table} ORDER BY stream_id`;
  }

  /** Which of these auctions' streams are parked. */
  async loadParked(tx: SqlExecutor, auctionIds: readonly string[]): Promise<Set<string>> {
    if (auctionIds.length === 0) return new Set();
    const { rows } = await tx.query<{ auction_id: string }>(this.loadSql, [auctionIds], PREPARED);
    return new Set(rows.map((r) => r.auction_id));
  }

  /** Parks these auctions' streams; returns the auction ids that were not parked before. */
  async park(tx: SqlExecutor, parked: readonly { readonly auctionId: string; readonly stream: ParkedStream }[]): Promise<Set<string>> {
    if (parked.length === 0) return new Set();
    const json = JSON.stringify(parked.map(({ auctionId, stream: p }) => ({
      auction_id: auctionId, stream_id: p.streamId, stream_version: p.streamVersion, log_position: p.position,
      event_id: p.eventId, event_type: p.eventType, reason: p.reason,
    })));
    const { rows } = await tx.query<{ auction_id: string }>(this.parkSql, [json], PREPARED);
    return new Set(rows.map((r) => r.auction_id));
  }

  /** Every parked stream, by stream id, as parked by `projection` (the one that writes this table). */
  async listParked(sql: SqlExecutor, projection: string): Promise<ParkedStream[]> {
    const { rows } = await sql.query(this.listSql);
    return rows.map((raw) => {
      const r = decodeOrThrow(ParkedStored, raw, `stored ${this.table} row`);
      return { projection, streamId: r.stream_id, streamVersion: r.stream_version, position: r.log_position, eventId: r.event_id, eventType: r.event_type, reason: r.reason };
    });
  }
}
