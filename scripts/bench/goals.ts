// Issue 9's goals, each figure printed beside its goal: the lines under "goals" at the end of
// `npm run bench`. A suite that measures a figure returns its lines; `met` is undefined when the
// figure could not be measured (the `measured` text then says why).
import type { Row } from './report.js';

export interface GoalLine {
  /** What was measured, e.g. "embedded, 1,000 auctions, data folder". */
  readonly figure: string;
  /** The measured value in words, e.g. "0.031 x hello; p99 351 ms". */
  readonly measured: string;
  /** The goal in words, e.g. ">= 0.25 x hello; p99 < 100 ms". */
  readonly goal: string;
  readonly met: boolean | undefined;
}

const verdict = (met: boolean | undefined): string => (met === undefined ? 'not measured' : met ? 'met' : 'NOT met');

export const formatGoals = (lines: readonly GoalLine[]): string => {
  if (lines.length === 0) return '';
  const w1 = Math.max(6, ...lines.map((l) => l.figure.length));
  const w2 = Math.max(8, ...lines.map((l) => l.measured.length));
  const w3 = Math.max(4, ...lines.map((l) => l.goal.length));
  const row = (a: string, b: string, c: string, d: string) => `${a.padEnd(w1)}  ${b.padEnd(w2)}  ${c.padEnd(w3)}  ${d}`.trimEnd();
  return [row('figure', 'measured', 'goal', ''), ...lines.map((l) => row(l.figure, l.measured, l.goal, verdict(l.met)))].join('\n');
};

const ratioText = (r: Row): string => `${(r.ratio ?? 0).toFixed(3)} x hello; p99 ${(r.bids?.p99Ms ?? 0).toFixed(0)} ms`;

/** How the goal lines name a mode's data (the goal is for the persistent data folder). */
const embeddedModes = [
  { mode: 'embedded-disk', data: 'data folder' },
  { mode: 'embedded', data: 'DATA_DIR=memory' },
] as const;

/** The goal lines that the throughput rows (scenario x mode) answer. */
export const throughputGoals = (rows: readonly Row[]): GoalLine[] => {
  const find = (mode: Row['mode'], scenario: Row['scenario']) => rows.find((r) => r.mode === mode && r.scenario === scenario && r.ratio !== undefined);
  const out: GoalLine[] = [];
  for (const { mode, data } of embeddedModes) {
    const many = find(mode, 'many');
    if (many === undefined) continue;
    out.push({ figure: `embedded, ${data}, ${many.label}`, measured: ratioText(many), goal: '>= 0.25 x hello; p99 < 100 ms', met: many.ratio! >= 0.25 && many.bids!.p99Ms < 100 });
    const hot = find(mode, 'hot');
    if (hot !== undefined) {
      const share = hot.ratio! / Math.max(many.ratio!, Number.EPSILON);
      out.push({ figure: `embedded, ${data}, one hot auction`, measured: `${share.toFixed(2)} x the many-auction figure`, goal: '>= 0.5 x many', met: share >= 0.5 });
    }
  }
  return out;
};
