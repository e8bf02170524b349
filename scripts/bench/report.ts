// The benchmark's figures: one row per scenario and mode, printed as a table, with the notes
// (refused bids, stream-version check) below it and a machine-readable JSON line at the end.
import type { LoadResult } from './load.js';
import type { Mode, ScenarioName } from './options.js';

export interface VersionCheck {
  readonly streams: number;
  /** Events appended by bids: the sum of the streams' versions minus the versions their creation left. */
  readonly bidEvents: number;
  /** 201 answers counted by the load generator (warm-up included). */
  readonly accepted: number;
  /** Bid events minus counted 201s: requests in flight when a load stopped (answered after it). */
  readonly unanswered: number;
  /** At least zero and at most the requests that can have been in flight when the loads stopped. */
  readonly addsUp: boolean;
}

export interface Row {
  readonly scenario: ScenarioName;
  readonly label: string;
  readonly mode: Mode;
  readonly auctions: number;
  readonly bids?: LoadResult;
  readonly hello?: LoadResult;
  /** bids/s ÷ hello req/s. */
  readonly ratio?: number;
  readonly versions?: VersionCheck;
  readonly failed?: string;
}

const fixed = (n: number, digits: number): string => n.toFixed(digits);

const columns = [
  { title: 'scenario', width: 22, left: true },
  { title: 'mode', width: 13, left: true },
  { title: 'bids/s', width: 8 },
  { title: 'p50 ms', width: 7 },
  { title: 'p99 ms', width: 7 },
  { title: 'hello req/s', width: 11 },
  { title: 'ratio', width: 6 },
  { title: 'non-201', width: 7 },
] as const;

const line = (cells: readonly string[]): string =>
  cells
    .map((cell, i) => {
      const c = columns[i]!;
      return 'left' in c ? cell.padEnd(c.width) : cell.padStart(c.width);
    })
    .join('  ')
    .trimEnd();

const non201 = (bids: LoadResult): number => bids.responses - bids.ok;

export const formatTable = (rows: readonly Row[]): string => {
  const out = [line(columns.map((c) => c.title))];
  for (const r of rows) {
    if (r.bids === undefined || r.hello === undefined || r.ratio === undefined) {
      out.push(`${line([r.label, r.mode])}  failed: ${r.failed ?? 'no result'}`);
      continue;
    }
    out.push(line([
      r.label,
      r.mode,
      fixed(r.bids.okPerSecond, 0),
      fixed(r.bids.p50Ms, 1),
      fixed(r.bids.p99Ms, 1),
      fixed(r.hello.okPerSecond, 0),
      fixed(r.ratio, 3),
      String(non201(r.bids)),
    ]));
  }
  return out.join('\n');
};

const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([what, n]) => `${what} ×${n}`)
    .join(', ');

/** The lines under the table: what the non-201 answers were, and the stream-version check. */
export const formatNotes = (rows: readonly Row[]): string => {
  const out: string[] = [];
  for (const r of rows) {
    const name = `${r.label} / ${r.mode}`;
    if (r.bids === undefined) continue;
    const b = r.bids;
    const refused = non201(b);
    out.push(
      `${name}: ${b.responses} bid responses in ${fixed(b.durationSeconds, 1)} s, ${b.ok} accepted (201)` +
        (refused > 0 ? `, ${refused} not: ${counts(b.errorCodes)}` : '') +
        (b.errors > 0 || b.timeouts > 0 ? `; ${b.errors} connection errors, ${b.timeouts} timeouts` : '') +
        `; all responses p50 ${fixed(b.allP50Ms, 1)} ms, p99 ${fixed(b.allP99Ms, 1)} ms` +
        (r.hello !== undefined ? `; hello p50 ${fixed(r.hello.p50Ms, 2)} ms, p99 ${fixed(r.hello.p99Ms, 2)} ms` : ''),
    );
    const v = r.versions;
    if (v !== undefined) {
      out.push(
        `  stream versions ${v.addsUp ? 'add up' : 'DO NOT add up'}: ${v.streams} streams hold ${v.bidEvents} bid events; ` +
          `${v.accepted} bids answered 201 (warm-up included)` +
          (v.unanswered !== 0 ? `, ${v.unanswered} more accepted while their connection was being closed at the end of a load` : ''),
      );
    }
  }
  return out.join('\n');
};
