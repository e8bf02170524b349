// Group commit across streams: appends to different streams that arrive while an append is in
// flight go into the next single statement, each stream checked against its own expected version
// and answered on its own. A stream whose version moved meanwhile is simply not written by the
// statement (its caller then learns why, as after a single append); the others are.
import * as t from 'io-ts';
import type { LogPosition, NewEvent, RecordedEvent } from '../../domain/index.js';
import { START, canonicalEventJson } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { EventMetadataCodec, StoredJsonObjectCodec } from './stored-event-codec.js';
import { decodeOrThrow, sqlFile } from '../../infra/index.js';

/** One stream's append in a group: its events go in only if the stream is at `expectedVersion`. */
export interface StreamAppend {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly events: readonly NewEvent[];
}

// The group's statement (sql/append-group.sql says how it works); its rows also carry the log's
// head before them, which only PGlite's hand-over to the tail reads (`withLogHead`).
const APPEND_GROUP_SQL = sqlFile(import.meta.url, 'sql/append-group.sql');

const InsertedRow = t.type({
  stream_id: t.string,
  transaction_id: t.string,
  global_position: t.string,
  stream_version: t.number,
  prev_hash: t.string,
  hash: t.string,
});

const LogHeadRow = t.type({ head_transaction_id: t.union([t.string, t.null]), head_global_position: t.union([t.string, t.null]) });

/** What one group statement wrote, as a reader of the log in commit order gets it. */
export interface CommittedGroup {
  /** The log's last position before the statement's rows (START when the log was empty). */
  readonly after: LogPosition;
  /** Every event the statement wrote, in commit order, decoded as the log's reads decode them. */
  readonly events: readonly RecordedEvent[];
}

export interface GroupAppendResult {
  /** Per append in group order, its recorded events ([] for a stream that was not at its expected version). */
  readonly recorded: RecordedEvent[][];
  /** With `withLogHead` and at least one event written. */
  readonly committed: CommittedGroup | undefined;
}

/**
 * Appends each stream's events in ONE statement (one transaction, one round trip), for the streams
 * that are at their expected version; the result has, per append in `group` order, the recorded
 * events ([] for a stream that was not at its expected version). Streams must be distinct. Throws
 * the database's error (e.g. a unique violation when another process wrote first): then nothing
 * of the group was written.
 */
export const appendToStreams = async (
  sql: SqlExecutor,
  group: readonly StreamAppend[],
  position: (transactionId: string, globalPosition: string) => string,
): Promise<RecordedEvent[][]> => (await appendGroup(sql, group, position, false)).recorded;

/**
 * appendToStreams, and with `withLogHead` also what the statement committed, as a reader of the
 * log gets it, and the log's position before it. Only where nothing else commits between that
 * position and the statement's rows (PGlite: one connection, one transaction at a time) do those
 * events continue the log from there in commit order.
 */
export const appendGroup = async (
  sql: SqlExecutor,
  group: readonly StreamAppend[],
  position: (transactionId: string, globalPosition: string) => string,
  withLogHead: boolean,
): Promise<GroupAppendResult> => {
  const rows = group.flatMap((append, req) =>
    append.events.map((event, index) => ({
      req,
      streamId: append.streamId,
      expected: append.expectedVersion,
      ord: index + 1,
      eventId: event.eventId,
      type: event.type,
      canonical: canonicalEventJson({ ...event, streamId: append.streamId, streamVersion: append.expectedVersion + index + 1 }),
    })),
  );
  const { rows: inserted } = await sql.query(APPEND_GROUP_SQL, [JSON.stringify(rows)], { prepare: true });
  const byStream = new Map<string, RecordedEvent[]>();
  const appendOf = new Map(group.map((append) => [append.streamId, append]));
  const canonicalOf = new Map(rows.map((row) => [`${row.req}:${row.ord}`, row.canonical]));
  const reqOf = new Map(group.map((append, req) => [append.streamId, req]));
  const committed: RecordedEvent[] = [];
  for (const row of inserted) {
    const r = decodeOrThrow(InsertedRow, row, 'appended row');
    const append = appendOf.get(r.stream_id);
    const event = append?.events[r.stream_version - append.expectedVersion - 1];
    if (append === undefined || event === undefined) throw new Error('a group append returned an unexpected row');
    let recorded = byStream.get(r.stream_id);
    if (recorded === undefined) byStream.set(r.stream_id, (recorded = []));
    const link = { streamId: r.stream_id, streamVersion: r.stream_version, position: position(r.transaction_id, r.global_position), prevHash: r.prev_hash, hash: r.hash };
    recorded.push({ ...event, ...link });
    if (withLogHead) {
      // As a read of the log returns it: data and metadata as stored (the canonical JSON, parsed), decoded alike.
      const stored = JSON.parse(canonicalOf.get(`${reqOf.get(r.stream_id)}:${r.stream_version - append.expectedVersion}`) ?? 'null') as { data?: unknown; metadata?: unknown } | null;
      const data = decodeOrThrow(StoredJsonObjectCodec, stored?.data, 'appended data');
      const metadata = decodeOrThrow(EventMetadataCodec, stored?.metadata, 'appended metadata');
      committed.push({ eventId: event.eventId, type: event.type, data, metadata, ...link });
    }
  }
  const recorded = group.map((append) => {
    const recorded = byStream.get(append.streamId) ?? [];
    if (recorded.length !== 0 && recorded.length !== append.events.length) throw new Error(`a group append wrote part of ${append.streamId}`);
    return recorded.sort((a, b) => a.streamVersion - b.streamVersion);
  });
  const first = inserted[0];
  if (!withLogHead || first === undefined) return { recorded, committed: undefined };
  const head = decodeOrThrow(LogHeadRow, first, 'log head');
  const after = head.head_transaction_id === null || head.head_global_position === null ? START : position(head.head_transaction_id, head.head_global_position);
  return { recorded, committed: { after, events: committed } };
};

interface Waiting {
  readonly append: StreamAppend;
  readonly resolve: (recorded: RecordedEvent[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The queue in front of the appends: at most `maxInFlight` statements at a time; appends that
 * arrive meanwhile wait and go together into the next statement (one per stream in a group; a
 * second append to a stream waits for the next group). A lone append runs at once (a group of
 * one), so an idle log adds no wait. When a group's statement fails (nothing of it was written), its appends run again
 * one at a time, so each gets its own answer.
 */
export class GroupCommit {
  private readonly waiting: Waiting[] = [];
  private running = 0;

  constructor(
    private readonly group: (appends: readonly StreamAppend[]) => Promise<RecordedEvent[][]>,
    private readonly maxInFlight: number,
    private readonly maxGroup = 256,
  ) {}

  append(append: StreamAppend): Promise<RecordedEvent[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ append, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.maxInFlight && this.waiting.length > 0) {
      const taken = this.take();
      this.running += 1;
      void this.flush(taken).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  /** The oldest waiting appends, one per stream, in arrival order. */
  private take(): Waiting[] {
    const streams = new Set<string>();
    const taken: Waiting[] = [];
    for (let i = 0; i < this.waiting.length && taken.length < this.maxGroup; ) {
      const w = this.waiting[i]!;
      if (streams.has(w.append.streamId)) {
        i += 1;
        continue;
      }
      streams.add(w.append.streamId);
      taken.push(w);
      this.waiting.splice(i, 1);
    }
    return taken;
  }

  private async flush(taken: readonly Waiting[]): Promise<void> {
    if (taken.length > 1) {
      try {
        const results = await this.group(taken.map((w) => w.append));
        taken.forEach((w, i) => w.resolve(results[i]!));
        return;
      } catch {
        // Nothing of the group was written: each append alone, with its own answer.
      }
    }
    await Promise.all(taken.map((w) => this.group([w.append]).then((results) => w.resolve(results[0]!), w.reject)));
  }
}
