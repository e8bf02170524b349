// Issue 9's distributed goals (PostgreSQL + Redis + Kafka, all roles in one process and roles as
// processes), each figure beside its goal, and the notes of the half-rate run.
import { formatCpuPerBid } from './cpu-time.js';
import type { GoalLine } from './goals.js';
import type { Row } from './report.js';

const ratioText = (r: Row): string => `${(r.ratio ?? 0).toFixed(3)} x hello`;
const ms = (n: number): string => `${n.toFixed(1)} ms`;

/** The goal lines that the pg+redis+kafka and processes rows answer. */
export const distributedGoals = (rows: readonly Row[]): GoalLine[] => {
  const find = (mode: Row['mode'], scenario: Row['scenario']) => rows.find((r) => r.mode === mode && r.scenario === scenario && r.ratio !== undefined);
  const out: GoalLine[] = [];
  const oneProcess = find('pg+redis+kafka', 'many') ?? find('pg+redis+kafka', 'hot');
  if (oneProcess !== undefined) {
    out.push({ figure: `pg+redis+kafka, all roles in one process, ${oneProcess.label}`, measured: ratioText(oneProcess), goal: '>= 0.35 x hello', met: oneProcess.ratio! >= 0.35 });
  }
  const many = find('processes', 'many');
  if (many !== undefined) {
    out.push({ figure: `roles as processes, ${many.label}`, measured: ratioText(many), goal: '>= 0.5 x hello', met: many.ratio! >= 0.5 });
    const half = many.halfRate;
    out.push(half === undefined
      ? { figure: 'roles as processes, p99 at half the maximum rate', measured: 'no half-rate run', goal: 'p99 < 50 ms', met: undefined }
      : {
          figure: `roles as processes, p99 at half the maximum rate (${half.paced.ratePerSecond} bids/s)`,
          measured: `p99 ${ms(half.paced.p99Ms)}`,
          goal: 'p99 < 50 ms',
          met: half.paced.ok > 0 ? half.paced.p99Ms < 50 : undefined,
        });
    const frames = half?.frames;
    out.push(frames === undefined || frames.matched === 0
      ? { figure: 'bid request -> auction.updated frame, half rate', measured: frames === undefined ? 'not measured (no realtime node)' : 'no frame matched a bid', goal: 'p50 < 15 ms, p99 < 50 ms', met: undefined }
      : {
          figure: `bid request -> auction.updated frame, half rate (${frames.matched} bids)`,
          measured: `p50 ${ms(frames.p50Ms)}, p99 ${ms(frames.p99Ms)}`,
          goal: 'p50 < 15 ms, p99 < 50 ms',
          met: frames.p50Ms < 15 && frames.p99Ms < 50 && frames.matched === frames.bids,
        });
    const hot = find('processes', 'hot');
    if (hot !== undefined) {
      const share = hot.ratio! / Math.max(many.ratio!, Number.EPSILON);
      out.push({ figure: 'roles as processes, one hot auction', measured: `${share.toFixed(2)} x the spread figure`, goal: '>= 0.5 x spread', met: share >= 0.5 });
    }
  }
  return out;
};

const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record).map(([what, n]) => `${what} x${n}`).join(', ');

/** Per row, the CPU time per accepted bid by process; then each half-rate run: the rate, what came back, the frames. */
export const formatDistributedNotes = (rows: readonly Row[]): string[] => [
  ...rows.flatMap((r) => (r.cpu === undefined || r.cpu.length === 0 ? [] : [`${r.label} / ${r.mode}: CPU per accepted bid: ${formatCpuPerBid(r.cpu)}`])),
  ...rows.flatMap((r) => {
    const half = r.halfRate;
    if (half === undefined) return [];
    const p = half.paced;
    const lines = [
      `${r.label} / ${r.mode} at half the maximum rate: ${p.ratePerSecond} bids/s sent at a fixed pace (half of ${half.maxOkPerSecond.toFixed(0)}), ` +
        `${p.sent} sent, ${p.ok} accepted (${p.okPerSecond.toFixed(0)}/s) in ${p.durationSeconds.toFixed(1)} s; p50 ${ms(p.p50Ms)}, p99 ${ms(p.p99Ms)}; ` +
        `statuses ${counts(p.statuses)}${p.errors > 0 ? `; ${p.errors} without an answer` : ''}`,
    ];
    const f = half.frames;
    if (f !== undefined) {
      lines.push(
        `  bid request -> auction.updated frame on ${f.auctions} followed auctions: ${f.matched} of ${f.bids} accepted bids matched to their frame; ` +
          `p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)}, max ${ms(f.maxMs)}` +
          (Object.keys(f.unexpected).length > 0 ? `; other frames: ${counts(f.unexpected)}` : ''),
      );
    }
    return lines;
  }),
];
