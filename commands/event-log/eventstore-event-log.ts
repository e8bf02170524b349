// The event log on EventStoreDB (@eventstore/db-client v6), behind the same port as PostgreSQL.
//
// - Expected version n <-> expected revision n-1; 0 <-> NO_STREAM. Stream version = revision + 1.
// - LogPosition "<commit>:<prepare>" from $all (START = '0'); system events ($...) are excluded.
// - ESDB event ids are UUIDs: ours derive from the command id, so each is mapped to a name-based
//   UUID (itself when it already is one); the original id travels in the metadata. A retried
//   command therefore carries the same ids and is recognised as a duplicate.
// - The hash chain is computed here (sealEvents) from the stream's last event, read just before
//   the append; the append is fenced by the expected revision, so that event is still the last
//   one when it commits. prevHash/hash are stored in the ESDB metadata beside the writer's metadata.
import { createHash } from 'node:crypto';
import * as t from 'io-ts';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
import type { AllStreamSubscription, Position, ReadPosition, RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import type { AppendResult, EventLog, LogPosition, NewEvent, ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from '../../domain/index.js';
import { EMPTY_CHAIN, START, sealEvents } from '../../domain/index.js';
import type { ChainHead } from '../../domain/index.js';
import { EventIdConflictError, assertDistinctEventIds } from './postgres-event-log.js';
import { EventMetadataCodec, JsonObjectCodec } from './stored-event-codec.js';
import { decodeOrThrow } from '../../infra/index.js';

/** What the ESDB event metadata holds: the writer's metadata, the original event id and the chain link. */
const StoredMetadata = t.type({
  eventId: t.string,
  prevHash: t.string,
  hash: t.string,
  metadata: EventMetadataCodec,
});

// ---- positions ----

export const formatEsdbPosition = (position: Position): LogPosition => `${position.commit}:${position.prepare}`;

export const parseEsdbPosition = (position: LogPosition): Position => {
  if (position === START) return { commit: 0n, prepare: 0n };
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(position);
  if (match === null) throw new Error(`not an EventStoreDB log position: ${JSON.stringify(position)}`);
  return { commit: BigInt(match[1] ?? '0'), prepare: BigInt(match[2] ?? '0') };
};

export const compareEsdbPositions = (a: LogPosition, b: LogPosition): number => {
  const x = parseEsdbPosition(a);
  const y = parseEsdbPosition(b);
  if (x.commit !== y.commit) return x.commit < y.commit ? -1 : 1;
  if (x.prepare !== y.prepare) return x.prepare < y.prepare ? -1 : 1;
  return 0;
};

const readPositionAfter = (after: LogPosition): ReadPosition => (after === START ? ESDB_START : parseEsdbPosition(after));

// ---- event ids ----

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A fixed namespace for the name-based (version 5 layout) UUIDs of event ids. */
const EVENT_ID_NAMESPACE = Buffer.from('6f0c7e1a9b2d4c5e8f3a1b2c3d4e5f60', 'hex');

export const esdbEventUuid = (eventId: string): string => {
  if (uuidPattern.test(eventId)) return eventId.toLowerCase();
  const bytes = createHash('sha1').update(EVENT_ID_NAMESPACE).update(eventId, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

// ---- decoding ----

const isSystem = (event: EsdbRecordedEvent): boolean => event.streamId.startsWith('$') || event.type.startsWith('$');

/** An ESDB event as ours, or throws when it is not one of ours. */
const decodeEvent = (event: EsdbRecordedEvent): RecordedEvent => {
  if (!event.isJson) throw new Error(`event ${event.id} in ${event.streamId} is not JSON`);
  if (event.position === undefined) throw new Error('EventStoreDB did not return event positions (server 22.6 or later is needed)');
  const stored = decodeOrThrow(StoredMetadata, event.metadata, `metadata of event ${event.id} in ${event.streamId}`);
  return {
    streamId: event.streamId,
    streamVersion: Number(event.revision) + 1,
    position: formatEsdbPosition(event.position),
    eventId: stored.eventId,
    type: event.type,
    data: decodeOrThrow(JsonObjectCodec, event.data, `data of event ${event.id}`),
    metadata: stored.metadata,
    prevHash: stored.prevHash,
    hash: stored.hash,
  };
};

/** For $all: other applications' events in the same database are skipped, not errors. */
const decodeIfOurs = (event: EsdbRecordedEvent | undefined): RecordedEvent | undefined => {
  if (event === undefined || isSystem(event) || !event.isJson) return undefined;
  try {
    return decodeEvent(event);
  } catch {
    return undefined;
  }
};

const isStreamNotFound = (error: unknown): boolean => error instanceof StreamNotFoundError;

export interface EventStoreEventLogOptions {
  /** Events per read from $all (default 500). */
  readonly pageSize?: number;
}

class EsdbEventLog implements EventLog {
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly pageSize: number,
  ) {}

  private async head(streamId: string): Promise<ChainHead> {
    try {
      for await (const resolved of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        if (resolved.event !== undefined) {
          const last = decodeEvent(resolved.event);
          return { version: last.streamVersion, hash: last.hash };
        }
      }
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
    }
    return EMPTY_CHAIN;
  }

  async appendToStream(streamId: string, expectedVersion: number, events: readonly NewEvent[]): Promise<AppendResult> {
    this.assertOpen();
    if (streamId.length === 0 || streamId.startsWith('$')) throw new Error('streamId must be non-empty and not a system stream');
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) throw new Error(`expectedVersion must be an integer of at least 0, got ${expectedVersion}`);
    assertDistinctEventIds(events);
    const head = await this.head(streamId);
    if (head.version !== expectedVersion) return this.refused(streamId, events);
    if (events.length === 0) return { kind: 'appended', nextVersion: expectedVersion, events: [] };
    const sealed = sealEvents(streamId, head, events);
    try {
      await this.client.appendToStream(
        streamId,
        sealed.map((e) =>
          jsonEvent({
            id: esdbEventUuid(e.eventId),
            type: e.type,
            data: e.data,
            metadata: {
              eventId: e.eventId,
              prevHash: e.prevHash,
              hash: e.hash,
              metadata: e.metadata,
              $correlationId: e.metadata.correlationId,
              $causationId: e.metadata.causationId,
            },
          }),
        ),
        { expectedRevision: expectedVersion === 0 ? NO_STREAM : BigInt(expectedVersion - 1) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return this.refused(streamId, events);
      throw error;
    }
    // Read the events back for their $all positions (one per event; the append reports only one).
    const stored = (await this.readStream(streamId, expectedVersion + 1)).slice(0, sealed.length);
    if (stored.length !== sealed.length || stored.some((e, i) => e.eventId !== sealed[i]?.eventId || e.hash !== sealed[i]?.hash)) {
      throw new Error(`appended to ${streamId} but could not read the events back`);
    }
    return { kind: 'appended', nextVersion: expectedVersion + sealed.length, events: stored };
  }

  private async refused(streamId: string, events: readonly NewEvent[]): Promise<AppendResult> {
    const all = await this.readStream(streamId, 1);
    const actualVersion = all[all.length - 1]?.streamVersion ?? 0;
    if (events.length === 0) return { kind: 'conflict', actualVersion };
    const ids = new Set(events.map((e) => e.eventId));
    const stored = all.filter((e) => ids.has(e.eventId));
    const last = stored[stored.length - 1];
    if (last === undefined) return { kind: 'conflict', actualVersion };
    if (stored.length === ids.size) return { kind: 'duplicate', nextVersion: last.streamVersion, events: stored };
    throw new EventIdConflictError(streamId, stored.map((e) => e.eventId));
  }

  async readStream(streamId: string, fromVersion = 1): Promise<readonly RecordedEvent[]> {
    this.assertOpen();
    if (!Number.isSafeInteger(fromVersion) || fromVersion < 1) throw new Error(`fromVersion must be an integer of at least 1, got ${fromVersion}`);
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { direction: FORWARDS, fromRevision: BigInt(fromVersion - 1) })) {
        if (resolved.event !== undefined) events.push(decodeEvent(resolved.event));
      }
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions): Promise<readonly RecordedEvent[]> {
    this.assertOpen();
    if (!Number.isSafeInteger(options.limit) || options.limit < 1) throw new Error(`limit must be a positive integer, got ${options.limit}`);
    const events: RecordedEvent[] = [];
    let cursor = options.after;
    for (;;) {
      let read = 0;
      let lastSeen: LogPosition | undefined;
      for await (const resolved of this.client.readAll({ fromPosition: readPositionAfter(cursor), maxCount: this.pageSize, direction: FORWARDS, resolveLinkTos: false })) {
        read++;
        const position = resolved.event?.position;
        if (position === undefined) continue;
        const at = formatEsdbPosition(position);
        // $all reads start at the given position, inclusive: skip what is not strictly after it.
        if (cursor !== START && compareEsdbPositions(at, cursor) <= 0) continue;
        lastSeen = at;
        const event = decodeIfOurs(resolved.event);
        if (event !== undefined) events.push(event);
        if (events.length >= options.limit) return events;
      }
      if (read < this.pageSize || lastSeen === undefined) return events;
      cursor = lastSeen;
    }
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const batchSize = options.batchSize ?? 500;
    let stopped = false;
    let current: AllStreamSubscription | undefined;
    let wakeStop: () => void = () => undefined;
    const stoppedSignal = new Promise<void>((resolve) => (wakeStop = resolve));
    const pause = (ms: number) => Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms)), stoppedSignal]);
    const report = (error: unknown) => {
      try {
        options.onError?.(error);
      } catch {
        // ignore
      }
    };
    let after = options.after;
    const deliver = async (batch: readonly RecordedEvent[]): Promise<void> => {
      for (let delay = 100; !stopped; delay = Math.min(delay * 2, 5_000)) {
        try {
          await options.onEvents(batch);
          const last = batch[batch.length - 1];
          if (last !== undefined) after = last.position;
          return;
        } catch (error) {
          report(error);
          await pause(delay);
        }
      }
    };
    const run = async () => {
      let delay = 100;
      while (!stopped) {
        const subscription = this.client.subscribeToAll({ fromPosition: readPositionAfter(after), filter: excludeSystemEvents(), resolveLinkTos: false });
        current = subscription;
        try {
          let batch: RecordedEvent[] = [];
          for await (const resolved of subscription) {
            if (stopped) break;
            const event = decodeIfOurs(resolved.event);
            if (event !== undefined && (after === START || compareEsdbPositions(event.position, after) > 0)) batch.push(event);
            if (batch.length > 0 && (batch.length >= batchSize || subscription.readableLength === 0)) {
              await deliver(batch);
              batch = [];
              delay = 100;
            }
          }
          // The server ended the subscription: resubscribe from the last delivered position.
          if (!stopped) await pause(delay);
        } catch (error) {
          if (!stopped) {
            report(error);
            await pause(delay);
            delay = Math.min(delay * 2, 5_000);
          }
        } finally {
          await subscription.unsubscribe().catch(() => undefined);
          current = undefined;
        }
      }
    };
    const done = run();
    const tracked: Subscription = {
      stop: async () => {
        stopped = true;
        this.subscriptions.delete(tracked);
        wakeStop();
        await current?.unsubscribe().catch(() => undefined);
        await done;
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  compareLogPositions(a: LogPosition, b: LogPosition): number {
    return compareEsdbPositions(a, b);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  private assertOpen() {
    if (this.closed) throw new Error('the event log is closed');
  }
}

/** Connects to EventStoreDB (`esdb://...`; `kurrentdb://` is accepted as the same scheme). */
export const openEventStoreEventLog = async (url: string, options: EventStoreEventLogOptions = {}): Promise<EventLog> => {
  const connectionString = url.replace(/^kurrentdb(\+discover)?:/, 'esdb$1:');
  const client = EventStoreDBClient.connectionString(connectionString);
  return new EsdbEventLog(client, options.pageSize ?? 500);
};
