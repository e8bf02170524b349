// The event log's port: what the write side, the publisher, replays and the auditors' chain
// verification need from an append-only log. Types only; adapters live in commands/event-log/.

/** A JSON value as stored in the log. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/**
 * A position in the whole log, in commit order. Opaque to callers except through
 * `compareLogPositions` of the adapter that produced it; `START` precedes every event.
 * Encoded as a string so that it travels in JSON, Kafka headers and checkpoint rows unchanged.
 */
export type LogPosition = string;
export const START: LogPosition = '0';

export interface EventMetadata {
  readonly commandId: string;
  readonly idempotencyKey: string | null;
  readonly userId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** The server's time when the command was accepted (ISO 8601 UTC). */
  readonly serverTime: string;
  readonly schemaVersion: number;
}

/** What a writer hands the log: the event id derives from the command id (never random). */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

/** An event as the log returns it: the writer's event plus where it sits and its chain link. */
export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  /** 1 for the stream's first event. */
  readonly streamVersion: number;
  readonly position: LogPosition;
  /** Hex sha256 of the previous event in the stream ('' before the first). */
  readonly prevHash: string;
  /** Hex sha256(prevHash + RFC 8785 canonical JSON of the event), see hash-chain.ts. */
  readonly hash: string;
}

/** The stream version an append expects: 0 means "the stream must not exist yet". */
export type ExpectedVersion = number;

export type AppendResult =
  | { readonly kind: 'appended'; readonly nextVersion: number; readonly events: readonly RecordedEvent[] }
  /** Every event id was already in the stream at these versions: a retried command; nothing was written. */
  | { readonly kind: 'duplicate'; readonly nextVersion: number; readonly events: readonly RecordedEvent[] }
  | { readonly kind: 'conflict'; readonly actualVersion: number };

export interface ReadAllOptions {
  /** Events strictly after this position. */
  readonly after: LogPosition;
  readonly limit: number;
}

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running. */
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  readonly after: LogPosition;
  /** Called with batches in commit order; the next batch waits for the returned promise. */
  readonly onEvents: (events: readonly RecordedEvent[]) => Promise<void>;
  readonly onError?: (error: unknown) => void;
  readonly batchSize?: number;
}

/** One stream's events from `fromVersion` (inclusive), as one part of a `readStreams`. */
export interface StreamRead {
  readonly streamId: string;
  readonly fromVersion: number;
}

export interface EventLog {
  /** Appends atomically, if and only if the stream is at `expectedVersion`. */
  appendToStream(streamId: string, expectedVersion: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult>;
  /** The stream's events from `fromVersion` (inclusive, default 1), in stream order. */
  readStream(streamId: string, fromVersion?: number): Promise<readonly RecordedEvent[]>;
  /**
   * Several streams' events at once (each from its `fromVersion`), grouped by stream, each in
   * stream order; one round trip where the adapter can (PostgreSQL). Optional: without it, callers
   * read each stream with `readStream`.
   */
  readStreams?(reads: readonly StreamRead[]): Promise<readonly RecordedEvent[]>;
  /** The whole log in commit order; never skips an event that a slower transaction commits later. */
  readAll(options: ReadAllOptions): Promise<readonly RecordedEvent[]>;
  /** Catch up from `after`, then stay live. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  compareLogPositions(a: LogPosition, b: LogPosition): number;
  close(): Promise<void>;
}
