// What the suite prints per fault (issue 11): bids acknowledged, bids found in the log, duplicates,
// retries answered differently, frames missed or doubled, time to recover (from the fault's end to
// the first accepted command, and to convergence); then each violation, naming what and where.
export interface FaultReport {
  readonly fault: string;
  readonly title: string;
  /** Idempotency-Keys sent (one bid each). */
  readonly keys: number;
  readonly acknowledged: number;
  readonly foundInLog: number;
  readonly lost: number;
  readonly duplicates: number;
  /** Keys whose later answers differ from the first, or whose answer differs from the log's bid. */
  readonly answeredDifferently: number;
  /** Refused keys the log holds anyway, and bids no client sent. */
  readonly wronglyAccepted: number;
  readonly unresolved: number;
  /** Keys answered finally more than once (retries and confirmations), all checked equal. */
  readonly replayed: number;
  readonly framesReceived: number;
  readonly framesMissed: number;
  readonly framesDoubled: number;
  readonly resyncs: number;
  readonly reconnections: number;
  /** Every attempt's answer, by status and code (or network failure). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly faultMs: number;
  readonly firstCommandMs: number | undefined;
  readonly convergedMs: number | undefined;
  readonly readModelRows: number;
  readonly readModelsEqual: boolean;
  /** What the fault's own check found, in one line. */
  readonly faultSummary?: string;
  readonly violations: readonly string[];
}

const seconds = (ms: number | undefined): string => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

const columns: readonly [string, (r: FaultReport) => string][] = [
  ['fault', (r) => r.fault],
  ['acked', (r) => String(r.acknowledged)],
  ['in log', (r) => String(r.foundInLog)],
  ['lost', (r) => String(r.lost)],
  ['dup', (r) => String(r.duplicates)],
  ['differ', (r) => String(r.answeredDifferently)],
  ['wrong', (r) => String(r.wronglyAccepted)],
  ['frames', (r) => String(r.framesReceived)],
  ['missed', (r) => String(r.framesMissed)],
  ['doubled', (r) => String(r.framesDoubled)],
  ['first 201', (r) => seconds(r.firstCommandMs)],
  ['converged', (r) => seconds(r.convergedMs)],
  ['rebuild', (r) => (r.readModelsEqual ? 'equal' : 'DIFFERS')],
  ['result', (r) => (r.violations.length === 0 ? 'ok' : `FAIL (${r.violations.length})`)],
];

/** The table of all faults run, as Markdown (it reads as well in a terminal). */
export const formatTable = (reports: readonly FaultReport[]): string => {
  const header = columns.map(([name]) => name);
  const rows = reports.map((r) => columns.map(([, cell]) => cell(r)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
};

/** The details of one fault: the answers seen, the subscribers' reconnections, the violations. */
export const formatDetails = (r: FaultReport, shownViolations = 20): string => {
  const statuses = Object.entries(r.statuses).sort(([, a], [, b]) => b - a).map(([label, n]) => `${label}: ${n}`).join(', ');
  const lines = [
    `${r.fault}: ${r.title} (${seconds(r.faultMs)})`,
    `  keys ${r.keys}, acknowledged ${r.acknowledged}, in the log once ${r.foundInLog}, lost ${r.lost}, duplicates ${r.duplicates}, answered differently ${r.answeredDifferently}, wrongly accepted ${r.wronglyAccepted}, unresolved ${r.unresolved}, replays checked ${r.replayed}`,
    `  answers: ${statuses}`,
    `  frames ${r.framesReceived}, missed ${r.framesMissed}, doubled ${r.framesDoubled}, resyncs ${r.resyncs}, reconnections ${r.reconnections}; read models ${r.readModelsEqual ? 'equal to' : 'DIFFER from'} a rebuild (${r.readModelRows} rows)`,
    `  recovery: first 201 ${seconds(r.firstCommandMs)} after the fault's end, converged after ${seconds(r.convergedMs)}`,
    ...(r.faultSummary !== undefined ? [`  ${r.faultSummary}`] : []),
    ...r.violations.slice(0, shownViolations).map((v) => `  VIOLATION ${v}`),
    ...(r.violations.length > shownViolations ? [`  ... and ${r.violations.length - shownViolations} more violations`] : []),
  ];
  return lines.join('\n');
};
