// Reads the events a replay covers, a page at a time, in commit order: the whole log through
// readAll (never more than one page in memory), or one auction's stream through readStream.
import type { EventLog, LogPosition, RecordedEvent } from '../../domain/index.js';
import { START, streamIdOf } from '../../domain/index.js';
import type { EventFilter } from './filter.js';
import { isPastUntil, matches } from './filter.js';

export interface Page {
  /** The events of this page that pass the filter, in commit order. */
  readonly events: readonly RecordedEvent[];
  /** How many events were read for this page, matching or not. */
  readonly scanned: number;
}

export interface EventSource {
  /** How many events the replay will read (matching or not), when known in advance. */
  readonly total: number | undefined;
  pages(): AsyncGenerator<Page, void, undefined>;
}

export class NoSuchAuctionError extends Error {
  override readonly name = 'NoSuchAuctionError';
  constructor(readonly auctionId: string) {
    super(`the log holds no auction ${auctionId} (no stream ${streamIdOf(auctionId)})`);
  }
}

export interface EventSourceOptions {
  readonly pageSize: number;
  /** Counts the events in a position range, for the progress bar; absent or undefined when unknown. */
  readonly countEvents?: (after: LogPosition, until?: LogPosition) => Promise<number | undefined>;
}

const wholeLog = async (log: EventLog, filter: EventFilter, options: EventSourceOptions): Promise<EventSource> => {
  const compare = (a: LogPosition, b: LogPosition) => log.compareLogPositions(a, b);
  const start = filter.after ?? START;
  const total = options.countEvents === undefined ? undefined : await options.countEvents(start, filter.until);
  return {
    total,
    async *pages() {
      let after = start;
      for (;;) {
        const page = await log.readAll({ after, limit: options.pageSize });
        let scanned = 0;
        let done = page.length < options.pageSize;
        const kept: RecordedEvent[] = [];
        for (const event of page) {
          if (isPastUntil(filter, event, compare)) {
            done = true;
            break;
          }
          scanned++;
          if (matches(filter, event, compare)) kept.push(event);
        }
        if (scanned > 0) yield { events: kept, scanned };
        const last = page[page.length - 1];
        if (done || last === undefined) return;
        after = last.position;
      }
    },
  };
};

/** One stream: readStream returns it whole (an auction's stream is bounded); it is paged from there. */
const oneAuction = async (log: EventLog, auctionId: string, filter: EventFilter, options: EventSourceOptions): Promise<EventSource> => {
  const compare = (a: LogPosition, b: LogPosition) => log.compareLogPositions(a, b);
  const stream = await log.readStream(streamIdOf(auctionId));
  if (stream.length === 0) throw new NoSuchAuctionError(auctionId);
  let end = stream.findIndex((event) => isPastUntil(filter, event, compare));
  if (end < 0) end = stream.length;
  let begin = filter.after === undefined ? 0 : stream.findIndex((event) => compare(event.position, filter.after!) > 0);
  if (begin < 0) begin = end;
  const inRange = stream.slice(begin, Math.max(begin, end));
  return {
    total: inRange.length,
    async *pages() {
      for (let i = 0; i < inRange.length; i += options.pageSize) {
        const page = inRange.slice(i, i + options.pageSize);
        yield { events: page.filter((event) => matches(filter, event, compare)), scanned: page.length };
      }
    },
  };
};

export const openEventSource = (log: EventLog, filter: EventFilter, options: EventSourceOptions): Promise<EventSource> =>
  filter.auctionId !== undefined ? oneAuction(log, filter.auctionId, filter, options) : wholeLog(log, filter, options);
