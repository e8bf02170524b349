// The replay loop: one page read, one page written (waiting while the output is full), until the
// source ends, the reader goes away, or the caller aborts.
import type { RecordedEvent } from '../../domain/index.js';
import type { EventSource } from './event-source.js';
import type { Progress } from './progress.js';
import { noProgress } from './progress.js';

/** Where the events go: NDJSON lines (NdjsonSink) or a Parquet file (ParquetEventSink). */
export interface EventSink {
  /** Writes a page of events; resolves when the output can take more. False once the reader has gone. */
  write(events: readonly RecordedEvent[]): Promise<boolean>;
  /** Writes what is left (a Parquet file's footer) and flushes the output. */
  finish(): Promise<void>;
  /** The reader closed the output before the end (e.g. `| head`). */
  readonly readerGone: boolean;
}

export interface ReplayOutcome {
  /** Events read from the log (matching the filters or not). */
  readonly scanned: number;
  /** Events written. */
  readonly written: number;
  /** The reader closed the output before the end (e.g. `| head`). */
  readonly readerGone: boolean;
  readonly aborted: boolean;
}

export const replayLog = async (source: EventSource, sink: EventSink, progress: Progress = noProgress, signal?: AbortSignal): Promise<ReplayOutcome> => {
  let scanned = 0;
  let written = 0;
  const pages = source.pages();
  try {
    for await (const page of pages) {
      if (signal?.aborted === true) break;
      scanned += page.scanned;
      if (!(await sink.write(page.events))) break;
      written += page.events.length;
      progress.update(scanned, written);
    }
  } finally {
    await pages.return(undefined);
  }
  if (!sink.readerGone && signal?.aborted !== true) await sink.finish();
  return { scanned, written, readerGone: sink.readerGone, aborted: signal?.aborted === true };
};
