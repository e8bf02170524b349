// The replay loop: one page read, one page written (waiting while the output is full), until the
// source ends, the reader goes away, or the caller aborts.
import type { EventSource } from './event-source.js';
import type { NdjsonSink } from './ndjson-sink.js';
import type { Progress } from './progress.js';
import { noProgress } from './progress.js';

export interface ReplayOutcome {
  /** Events read from the log (matching the filters or not). */
  readonly scanned: number;
  /** Events written. */
  readonly written: number;
  /** The reader closed the output before the end (e.g. `| head`). */
  readonly readerGone: boolean;
  readonly aborted: boolean;
}

export const replayLog = async (source: EventSource, sink: NdjsonSink, progress: Progress = noProgress, signal?: AbortSignal): Promise<ReplayOutcome> => {
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
