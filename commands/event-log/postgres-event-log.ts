// The event log on PostgreSQL, through a SqlExecutor: the same SQL runs on `pg` and on PGlite.
// Its schema and its longer statements are in sql/, one file each (sql/001-events.sql: how the
// table fences concurrent writers, chains the hashes and records commit order).
//
// Append: one statement (autocommit, so one transaction and one round trip; appends to other
// streams that arrive meanwhile share it, see multi-stream-append.ts). For a stream at its expected
// version it takes the hash there, chains the new events onto it with sha256 in SQL, and inserts
// them at versions expected+1..; of concurrent writers exactly one wins. Only a refused append
// costs a second query, which tells a conflict from a retried command (its event ids already stored).
//
// Commit order: readers take only rows below the horizon (sql/read-all.sql), so a transaction that
// commits late has its events delivered late but never skipped.
import * as t from 'io-ts';
import type { AppendResult, EventLog, LogPosition, NewEvent, ReadAllOptions, RecordedEvent, StreamRead, SubscribeOptions, Subscription } from '../../domain/index.js';
import { START } from '../../domain/index.js';
import type { Migration, SqlExecutor } from '../../infra/index.js';
import { UNIQUE_VIOLATION, decodeOrThrow, migrationFromFile, sqlErrorCode, sqlFile } from '../../infra/index.js';
import { LogTail } from './log-tail.js';
import { GroupCommit, appendGroup, appendToStreams } from './multi-stream-append.js';
import { startPollingSubscription } from './polling-subscription.js';
import type { PollingTimings } from './polling-subscription.js';
import { EventMetadataCodec, StoredJsonObjectCodec } from './stored-event-codec.js';
import { createHash } from 'node:crypto';

/** The channel a PostgreSQL event log NOTIFYs after appends. */
export const EVENTS_CHANNEL = 'gavelstream_events';

/** The schema, each migration in its own file under sql/ (named after the id's last part). */
export const eventLogMigrations: readonly Migration[] = [migrationFromFile(import.meta.url, 'event-log/001-events')];

// The log's multi-line reads, in sql/ (each returns the columns EventRow decodes).
const READ_STREAM_SQL = sqlFile(import.meta.url, 'sql/read-stream.sql');
const READ_ALL_SQL = sqlFile(import.meta.url, 'sql/read-all.sql');
const READ_EVENTS_BY_ID_SQL = sqlFile(import.meta.url, 'sql/read-events-by-id.sql');
const READ_STREAMS_SQL = sqlFile(import.meta.url, 'sql/read-streams.sql');

const PREPARED = { prepare: true } as const;

const EventRow = t.type({
  transaction_id: t.string,
  global_position: t.string,
  stream_id: t.string,
  stream_version: t.number,
  event_id: t.string,
  type: t.string,
  data: StoredJsonObjectCodec,
  metadata: EventMetadataCodec,
  prev_hash: t.string,
  hash: t.string,
});


// ---- positions: "<transaction id>:<global position>", START ('0') before everything ----

interface PgPosition {
  readonly transactionId: bigint;
  readonly globalPosition: bigint;
}

export const formatPgPosition = (transactionId: string | bigint, globalPosition: string | bigint): LogPosition => `${transactionId}:${globalPosition}`;

export const parsePgPosition = (position: LogPosition): PgPosition => {
  if (position === START) return { transactionId: 0n, globalPosition: 0n };
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(position);
  if (match === null) throw new Error(`not a PostgreSQL log position: ${JSON.stringify(position)}`);
  return { transactionId: BigInt(match[1] ?? '0'), globalPosition: BigInt(match[2] ?? '0') };
};

export const comparePgPositions = (a: LogPosition, b: LogPosition): number => {
  const x = parsePgPosition(a);
  const y = parsePgPosition(b);
  if (x.transactionId !== y.transactionId) return x.transactionId < y.transactionId ? -1 : 1;
  if (x.globalPosition !== y.globalPosition) return x.globalPosition < y.globalPosition ? -1 : 1;
  return 0;
};

const toRecorded = (row: unknown): RecordedEvent => {
  // A valid row (nearly every one) is checked without io-ts's allocations (see decodeValid).
  const r = EventRow.is(row) ? row : decodeOrThrow(EventRow, row, 'events row');
  return {
    streamId: r.stream_id,
    streamVersion: r.stream_version,
    position: formatPgPosition(r.transaction_id, r.global_position),
    eventId: r.event_id,
    type: r.type,
    data: r.data,
    metadata: r.metadata,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
};

// ---- validation ----

const assertStreamId = (streamId: string) => {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 256) throw new Error('streamId must be a string of 1-256 characters');
};

const assertVersion = (version: number, what: string, min: number) => {
  if (!Number.isSafeInteger(version) || version < min) throw new Error(`${what} must be an integer of at least ${min}, got ${version}`);
};

export const assertDistinctEventIds = (events: readonly NewEvent[]): void => {
  const ids = new Set(events.map((e) => e.eventId));
  if (ids.size !== events.length) throw new Error('an append carries the same event id twice');
};

/** Some of the event ids are stored, but not as exactly these events of this stream. */
export class EventIdConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly eventIds: readonly string[],
  ) {
    super(`event ids ${eventIds.join(', ')} are already stored, but not as this append to ${streamId}: event ids must derive from the command id`);
    this.name = 'EventIdConflictError';
  }
}

/**
 * Appends inside a transaction the caller holds (or in its own autocommit statement when given the
 * pool). Returns the recorded events, or [] when the stream is not at `expectedVersion`; throws
 * the database's unique violation (SQLSTATE 23505) when another writer got there first or an event
 * id is already stored. Most callers want `appendToStream` of the log instead.
 */
export const appendEventsWithin = async (
  sql: SqlExecutor,
  streamId: string,
  expectedVersion: number,
  events: readonly NewEvent[],
): Promise<RecordedEvent[]> => (await appendToStreams(sql, [{ streamId, expectedVersion, events }], formatPgPosition))[0]!;

export interface PostgresEventLogOptions extends PollingTimings {
  /** NOTIFY other processes after appends (default: on PostgreSQL yes, on PGlite no: one process). */
  readonly notify?: boolean;
  /** Statements appending at once; appends arriving meanwhile go together into the next (default: PGlite 1, PostgreSQL 4). */
  readonly appendsInFlight?: number;
  /** Errors of the background LISTEN/NOTIFY work (subscriptions report theirs through onError). */
  readonly onError?: (error: unknown) => void;
}

export interface PostgresEventLog extends EventLog {
  /** The stream's last version (0 when it does not exist). */
  streamVersion(streamId: string): Promise<number>;
}

class PgEventLog implements PostgresEventLog {
  private readonly wakers = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private listening: Promise<(() => Promise<void>) | undefined> | undefined;
  private notifyRunning: Promise<void> | undefined;
  private notifyAgain = false;
  private closed = false;
  private readonly notify: boolean;
  private readonly onError: (error: unknown) => void;
  /** The head of the log, read once for every subscription of this process. */
  private readonly tail: LogTail;
  /** Appends to many streams that arrive together share one statement. */
  private readonly groupCommit: GroupCommit;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly options: PostgresEventLogOptions,
  ) {
    this.notify = options.notify ?? sql.kind === 'postgres';
    this.onError = options.onError ?? (() => undefined);
    this.tail = new LogTail({
      readAll: (after, limit) => this.readAll({ after, limit }),
      hasPendingAfter: (after) => this.hasPendingAfter(after),
      compare: comparePgPositions,
    });
    // On PGlite (one connection, one transaction at a time) an append statement's rows follow the
    // log's head as that statement saw it, with nothing committed between: the statement returns
    // that head, and its events go straight into the shared tail, which takes them only when they
    // continue it exactly (log-tail.ts). On PostgreSQL a slower transaction may still commit rows
    // before them in commit order, so its tail reads the log.
    const handOver = sql.kind === 'pglite';
    // PGlite runs one statement at a time anyway; PostgreSQL takes a few at once (the pool's other
    // connections serve reads and projections).
    this.groupCommit = new GroupCommit(
      async (appends) => {
        const { recorded, committed } = await appendGroup(this.sql, appends, formatPgPosition, handOver);
        if (committed !== undefined) this.tail.offer(committed.after, committed.events);
        return recorded;
      },
      options.appendsInFlight ?? (sql.kind === 'pglite' ? 1 : 4),
    );
  }

  async appendToStream(streamId: string, expectedVersion: number, events: readonly NewEvent[]): Promise<AppendResult> {
    this.assertOpen();
    assertStreamId(streamId);
    assertVersion(expectedVersion, 'expectedVersion', 0);
    assertDistinctEventIds(events);
    if (events.length === 0) {
      const actual = await this.streamVersion(streamId);
      return actual === expectedVersion ? { kind: 'appended', nextVersion: actual, events: [] } : { kind: 'conflict', actualVersion: actual };
    }
    let recorded: RecordedEvent[];
    try {
      recorded = await this.groupCommit.append({ streamId, expectedVersion, events });
    } catch (error) {
      if (sqlErrorCode(error) === UNIQUE_VIOLATION) return this.refused(streamId, events);
      throw error;
    }
    const last = recorded[recorded.length - 1];
    if (last === undefined) return this.refused(streamId, events);
    this.appended(this.tail.reaches(last.position));
    return { kind: 'appended', nextVersion: last.streamVersion, events: recorded };
  }

  /** Why an append wrote nothing: a retried command (its ids are stored) or a conflict. */
  private async refused(streamId: string, events: readonly NewEvent[]): Promise<AppendResult> {
    const ids = events.map((e) => e.eventId);
    const stored = (await this.sql.query(READ_EVENTS_BY_ID_SQL, [ids])).rows.map(toRecorded);
    if (stored.length === 0) return { kind: 'conflict', actualVersion: await this.streamVersion(streamId) };
    const last = stored[stored.length - 1];
    if (last !== undefined && stored.length === ids.length && stored.every((e) => e.streamId === streamId)) {
      return { kind: 'duplicate', nextVersion: last.streamVersion, events: stored };
    }
    throw new EventIdConflictError(streamId, stored.map((e) => e.eventId));
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.sql.query<{ version: number }>('SELECT coalesce(max(stream_version), 0)::integer AS version FROM events WHERE stream_id = $1', [streamId]);
    return rows[0]?.version ?? 0;
  }

  async readStream(streamId: string, fromVersion = 1): Promise<readonly RecordedEvent[]> {
    this.assertOpen();
    assertStreamId(streamId);
    assertVersion(fromVersion, 'fromVersion', 1);
    const { rows } = await this.sql.query(READ_STREAM_SQL, [streamId, fromVersion], PREPARED);
    return rows.map(toRecorded);
  }

  async readStreams(reads: readonly StreamRead[]): Promise<readonly RecordedEvent[]> {
    this.assertOpen();
    if (reads.length === 0) return [];
    for (const r of reads) {
      assertStreamId(r.streamId);
      assertVersion(r.fromVersion, 'fromVersion', 1);
    }
    const { rows } = await this.sql.query(READ_STREAMS_SQL, [reads.map((r) => r.streamId), reads.map((r) => r.fromVersion)], PREPARED);
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions): Promise<readonly RecordedEvent[]> {
    this.assertOpen();
    assertVersion(options.limit, 'limit', 1);
    const after = parsePgPosition(options.after);
    const { rows } = await this.sql.query(READ_ALL_SQL, [after.transactionId.toString(), after.globalPosition.toString(), options.limit], PREPARED);
    return rows.map(toRecorded);
  }

  /**
   * True when rows exist after `after` that are not yet below the horizon. PGlite runs one
   * transaction at a time, so a read there always sees every committed row: nothing is pending.
   */
  private async hasPendingAfter(position: LogPosition): Promise<boolean> {
    if (this.sql.kind === 'pglite') return false;
    const after = parsePgPosition(position);
    const { rows } = await this.sql.query<{ pending: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)) AS pending',
      [after.transactionId.toString(), after.globalPosition.toString()],
      PREPARED,
    );
    return rows[0]?.pending === true;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.assertOpen();
    this.startListening();
    const subscription = startPollingSubscription(
      {
        readBatch: (after, limit) => this.tail.readBatch(after, limit),
        hasPendingAfter: (after) => this.tail.hasPendingAfter(after),
        onWake: (wake) => {
          this.wakers.add(wake);
          return () => this.wakers.delete(wake);
        },
      },
      options,
      this.options,
    );
    const tracked: Subscription = {
      stop: async () => {
        this.subscriptions.delete(tracked);
        await subscription.stop();
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  compareLogPositions(a: LogPosition, b: LogPosition): number {
    return comparePgPositions(a, b);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    const unlisten = await this.listening;
    if (unlisten !== undefined) await unlisten().catch(this.onError);
    await this.notifyRunning;
  }

  private assertOpen() {
    if (this.closed) throw new Error('the event log is closed');
  }

  /** Wakes the subscriptions; `inTail`: the tail holds what woke them already, so it need not read the log. */
  private wakeAll(inTail = false) {
    if (!inTail) this.tail.poke();
    for (const wake of this.wakers) wake();
  }

  private startListening() {
    if (this.listening !== undefined || !this.notify) return;
    this.listening = this.sql.listen(EVENTS_CHANNEL, () => this.wakeAll()).catch((error: unknown) => {
      // Subscriptions still poll; report and carry on.
      this.onError(error);
      return undefined;
    });
  }

  /** Wakes local subscribers now, and other processes' through one NOTIFY for a burst of appends. */
  private appended(inTail: boolean) {
    this.wakeAll(inTail);
    if (!this.notify) return;
    if (this.notifyRunning !== undefined) {
      this.notifyAgain = true;
      return;
    }
    this.notifyRunning = (async () => {
      do {
        this.notifyAgain = false;
        try {
          await this.sql.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, '']);
        } catch (error) {
          this.onError(error);
        }
      } while (this.notifyAgain && !this.closed);
      this.notifyRunning = undefined;
    })();
  }
}

/**
 * The PostgreSQL event log over `sql` (pg or PGlite); run `eventLogMigrations` first. Closing the
 * log stops its subscriptions and listener, not the executor it was given.
 */
export const createPostgresEventLog = async (sql: SqlExecutor, options: PostgresEventLogOptions = {}): Promise<PostgresEventLog> => {
  // The chain is hashed in SQL over UTF-8; make sure the server agrees with Node on a non-ASCII sample.
  const sample = 'gavelstream \u00e9\u20ac\u{1f528}';
  const { rows } = await sql.query<{ hash: string }>(`SELECT encode(sha256(convert_to($1::text, 'UTF8')), 'hex') AS hash`, [sample]);
  const expected = createHash('sha256').update(sample, 'utf8').digest('hex');
  if (rows[0]?.hash !== expected) throw new Error('the database does not hash UTF-8 text as Node does: check its encoding (UTF8 expected)');
  return new PgEventLog(sql, options);
};
