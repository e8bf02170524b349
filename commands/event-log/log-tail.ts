// One reader of the log's head per process, shared by every subscription (the projectors, the
// live cache, the scheduler's feed): the newest events, read once in commit order, are kept in a
// bounded buffer that holds every event after `start` up to `end`, and each subscription takes its
// next batch from there when its position falls inside. A subscription at the head asks for one
// shared read (coalesced: however many ask while a read runs, one more read follows it); one
// further behind than the buffer reaches reads the log itself until it catches up.
//
// Why the buffer may stand for the log: a commit-order read returns only rows below the horizon
// (older than every transaction still running), and no row can later appear before such a row, so
// what the buffer holds is a prefix of the log in commit order that never changes.
//
// A writer that knows its events are the log's next ones in commit order (PGlite: one connection,
// so each append statement's rows follow exactly the log's head as that statement saw it) hands
// them over with `offer`: the buffer takes them only when they start right at its end, so readers
// at the head get them without reading back what was just written. Anything else (an offer that
// does not start at the end, events written without an offer) is read from the log as before.
import type { LogPosition, RecordedEvent } from '../../domain/index.js';

export interface TailSource {
  /** The log's events after `after` in commit order (below the horizon), at most `limit`. */
  readAll(after: LogPosition, limit: number): Promise<readonly RecordedEvent[]>;
  /** True when events exist after `after` that `readAll` may not return yet. */
  hasPendingAfter(after: LogPosition): Promise<boolean>;
  compare(a: LogPosition, b: LogPosition): number;
}

export interface LogTailOptions {
  /** Events the buffer keeps (default 5,000): a subscription further behind reads the log. */
  readonly capacity?: number;
  /** Events one read of the head takes (default 1,000). */
  readonly pageSize?: number;
}

/** Longest time a reader at the head goes without reading the log when nothing poked the tail. */
const MAX_QUIET_MS = 250;

export class LogTail {
  private events: RecordedEvent[] = [];
  /** The buffer holds every event of the log after `start` up to `end` (undefined: not begun). */
  private start: LogPosition | undefined;
  private end: LogPosition | undefined;
  private reading: Promise<void> | undefined;
  private readingNext: Promise<void> | undefined;
  private readonly pendingChecks = new Map<LogPosition, Promise<boolean>>();
  /** Something may have been written since the last read of the head began (an append, a NOTIFY, a pending row). */
  private stale = true;
  private lastReadAt = 0;
  private readonly capacity: number;
  private readonly pageSize: number;

  constructor(private readonly source: TailSource, options: LogTailOptions = {}) {
    this.capacity = options.capacity ?? 5_000;
    this.pageSize = options.pageSize ?? 1_000;
    if (!(this.pageSize >= 1 && this.capacity >= this.pageSize)) throw new Error('a log tail needs 1 <= pageSize <= capacity');
  }

  /**
   * Says that events may have been written (a local append, another process's NOTIFY): the next
   * reader at the head reads the log. Without a poke the head is read again only after
   * `MAX_QUIET_MS`, so readers that come back to the head after each batch cost no read.
   */
  poke(): void {
    this.stale = true;
  }

  /**
   * Hands over events just committed: `events` (in commit order) are every event of the log after
   * `after` up to the last of them. Taken when `after` is the buffer's end (they continue it with
   * nothing between); ignored otherwise (`reaches` tells whether a read is still needed).
   */
  offer(after: LogPosition, events: readonly RecordedEvent[]): void {
    if (this.end !== undefined && this.source.compare(after, this.end) === 0) this.push(events);
  }

  /** True when the tail has read (or been handed) the log up to `position`. */
  reaches(position: LogPosition): boolean {
    return this.end !== undefined && this.source.compare(position, this.end) <= 0;
  }

  /** The events after `after`, at most `limit`: from the buffer when it reaches `after`, else from the log. */
  async readBatch(after: LogPosition, limit: number): Promise<readonly RecordedEvent[]> {
    // The buffer begins where the first reader stands.
    if (this.start === undefined) this.start = this.end = after;
    if (!this.covers(after)) return this.source.readAll(after, limit);
    if (this.source.compare(after, this.end!) === 0) {
      if (this.stale || Date.now() - this.lastReadAt >= MAX_QUIET_MS) await this.readHead();
      else if (this.reading !== undefined) await this.reading; // it began after the last poke: it brings what there is
      else return [];
      // Reads by others meanwhile may have moved the buffer's start past `after`.
      if (!this.covers(after)) return this.source.readAll(after, limit);
    }
    return this.slice(after, limit);
  }

  /** One check per position at a time, shared by the subscriptions that ask together. */
  hasPendingAfter(after: LogPosition): Promise<boolean> {
    let check = this.pendingChecks.get(after);
    if (check === undefined) {
      check = this.source.hasPendingAfter(after).then((pending) => {
        // Rows wait behind an open transaction: the next reader at the head must look again.
        if (pending) this.stale = true;
        return pending;
      }).finally(() => this.pendingChecks.delete(after));
      this.pendingChecks.set(after, check);
    }
    return check;
  }

  private covers(after: LogPosition): boolean {
    return this.source.compare(after, this.start!) >= 0 && this.source.compare(after, this.end!) <= 0;
  }

  /**
   * Reads the events after `end` into the buffer. A caller that comes while a read runs may have
   * been woken by an append that read did not see yet, so it gets the next read, which starts once
   * the running one is done (and serves everyone who came meanwhile).
   */
  private readHead(): Promise<void> {
    if (this.reading === undefined) {
      this.reading = this.readPage().finally(() => {
        this.reading = undefined;
      });
      return this.reading;
    }
    this.readingNext ??= this.reading.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.readingNext;
  }

  private startNext(): Promise<void> {
    this.readingNext = undefined;
    return this.readHead();
  }

  private async readPage(): Promise<void> {
    this.stale = false;
    this.lastReadAt = Date.now();
    const from = this.end!;
    const page = await this.source.readAll(from, this.pageSize);
    // A full page may have left more behind it.
    if (page.length >= this.pageSize) this.stale = true;
    // An offer may have moved the end meanwhile: the page goes on from `from`, so what it holds
    // after the end continues the buffer.
    const end = this.end!;
    this.push(this.source.compare(end, from) === 0 ? page : page.filter((e) => this.source.compare(e.position, end) > 0));
  }

  /** Appends events that continue the buffer from its end, and trims it to its capacity. */
  private push(events: readonly RecordedEvent[]): void {
    const last = events[events.length - 1];
    if (last === undefined) return;
    this.events.push(...events);
    this.end = last.position;
    const excess = this.events.length - this.capacity;
    if (excess > 0) {
      this.start = this.events[excess - 1]!.position;
      this.events = this.events.slice(excess);
    }
  }

  /** The buffered events after `after` (which the buffer covers), at most `limit`. */
  private slice(after: LogPosition, limit: number): readonly RecordedEvent[] {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.source.compare(this.events[mid]!.position, after) <= 0) low = mid + 1;
      else high = mid;
    }
    return this.events.slice(low, low + limit);
  }
}
