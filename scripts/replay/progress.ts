// A one-line progress bar on a terminal (stderr): events read, events written, the rate, and the
// percentage and a bar when the total is known. Redrawn at most every 100 ms, cleared at the end.
import type { Writable } from 'node:stream';

export interface ProgressFigures {
  readonly scanned: number;
  readonly written: number;
  readonly total: number | undefined;
  readonly elapsedMs: number;
}

const BAR_WIDTH = 24;
const count = (n: number) => n.toLocaleString('en-US');

/** The line drawn for these figures (pure, so it can be tested). */
export const formatProgress = ({ scanned, written, total, elapsedMs }: ProgressFigures): string => {
  const rate = elapsedMs > 0 ? Math.round((scanned * 1000) / elapsedMs) : 0;
  const parts = [`replay ${count(scanned)}${total !== undefined ? `/${count(total)}` : ''} events read`];
  if (written !== scanned) parts.push(`${count(written)} written`);
  parts.push(`${count(rate)}/s`);
  let line = parts.join(', ');
  if (total !== undefined && total > 0) {
    const fraction = Math.min(1, scanned / total);
    const filled = Math.round(fraction * BAR_WIDTH);
    line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}% ${line}`;
  }
  return line;
};

export interface Progress {
  update(scanned: number, written: number): void;
  /** Clears the bar and prints a closing summary. */
  done(): void;
}

export const noProgress: Progress = { update: () => undefined, done: () => undefined };

/** A progress bar on `stream` (a TTY), or nothing when it is not one. */
export const createProgress = (stream: Writable & { isTTY?: boolean; columns?: number }, total: number | undefined, now: () => number = Date.now): Progress => {
  if (stream.isTTY !== true) return noProgress;
  const started = now();
  let lastDrawn = -Infinity;
  let last: ProgressFigures = { scanned: 0, written: 0, total, elapsedMs: 0 };
  const draw = () => {
    const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 100;
    const width = Math.max(20, columns - 1);
    stream.write(`\r\x1b[2K${formatProgress(last).slice(0, width)}`);
  };
  return {
    update(scanned, written) {
      const t = now();
      last = { scanned, written, total, elapsedMs: t - started };
      if (t - lastDrawn >= 100) {
        lastDrawn = t;
        draw();
      }
    },
    done() {
      const seconds = ((now() - started) / 1000).toFixed(1);
      stream.write(`\r\x1b[2Kreplay: ${count(last.written)} events written (${count(last.scanned)} read) in ${seconds} s\n`);
    },
  };
};
