// Events that cannot be read, stored as an older version's bug or a manual insert would store
// them: a row inserted straight into the PostgreSQL/PGlite `events` table, past every check of the
// write side (with a correct hash-chain link, so that only its content is wrong).
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../../domain/index.js';
import { hashEvent, streamIdOf } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';

export interface RawEvent {
  readonly type: string;
  readonly data: JsonObject;
  /** Default 1. */
  readonly schemaVersion?: number;
  readonly userId?: string;
  readonly serverTime?: string;
}

/**
 * A BidPlaced no reader can decode, whatever the identity rules: an amount with a fraction of a
 * cent and no outcome (money is whole minor units).
 */
export const unreadableBid = (auctionId: string): RawEvent => ({
  type: 'BidPlaced',
  data: { auctionId, bidId: randomUUID(), bidderId: 'mallory', maxAmount: 1234.5, placedAt: new Date().toISOString() },
  userId: 'mallory',
});

/** Appends `event` to the auction's stream by a direct INSERT; returns its stream version. */
export const insertRawEvent = async (sql: SqlExecutor, auctionId: string, event: RawEvent): Promise<number> => {
  const streamId = streamIdOf(auctionId);
  const { rows } = await sql.query<{ version: number; hash: string }>(
    `SELECT stream_version AS version, hash FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1`,
    [streamId],
  );
  const streamVersion = (rows[0]?.version ?? 0) + 1;
  const prevHash = rows[0]?.hash ?? '';
  const eventId = randomUUID();
  const metadata = {
    commandId: randomUUID(),
    idempotencyKey: null,
    userId: event.userId ?? 'mallory',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    serverTime: event.serverTime ?? new Date().toISOString(),
    schemaVersion: event.schemaVersion ?? 1,
  };
  const hash = hashEvent(prevHash, { streamId, streamVersion, eventId, type: event.type, data: event.data, metadata });
  await sql.query(
    `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, prev_hash, hash) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)`,
    [streamId, streamVersion, eventId, event.type, JSON.stringify(event.data), JSON.stringify(metadata), prevHash, hash],
  );
  return streamVersion;
};

/** What projectors reported: parked streams in order, and skipped events per projection. */
export class RecordingParking {
  readonly parkedStreams: { projection: string; streamId: string; streamVersion: number; position: string; eventType: string; reason: string }[] = [];
  readonly skippedEvents = new Map<string, number>();
  parked(stream: { projection: string; streamId: string; streamVersion: number; position: string; eventType: string; reason: string }): void {
    this.parkedStreams.push(stream);
  }
  skipped(projection: string, count: number): void {
    this.skippedEvents.set(projection, (this.skippedEvents.get(projection) ?? 0) + count);
  }
}
