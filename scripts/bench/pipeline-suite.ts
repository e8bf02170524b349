// `npm run bench -- --suite pipeline`: commit -> projector latency over each bus configured (Kafka
// when KAFKA_BROKERS is set, RabbitMQ when RABBITMQ_URL is; both need DATABASE_URL), one row per
// bus in one table. Each bus runs `bus-pipeline.js --bus <bus>` in a child process of its own (a
// fresh database, topic or stream, deleted afterwards), one after the other, so they never share
// the CPU; the rows compare within one run.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PipelineBus = 'kafka' | 'rabbitmq';

export interface PipelineFigure {
  readonly bus: PipelineBus;
  readonly events: number;
  readonly arrived: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const script = join(dirname(fileURLToPath(import.meta.url)), 'bus-pipeline.js');

/** The buses the environment configures, with DATABASE_URL (the log the publisher tails). */
export const pipelineBuses = (env: Readonly<Record<string, string | undefined>>): PipelineBus[] => {
  const set = (name: string) => (env[name] ?? '') !== '';
  if (!set('DATABASE_URL')) return [];
  return [...(set('KAFKA_BROKERS') ? ['kafka' as const] : []), ...(set('RABBITMQ_URL') ? ['rabbitmq' as const] : [])];
};

const RESULT = /commit -> projector\.apply over .+?, (\d+)\/(\d+) events: p50 ([\d.]+) ms, p90 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms/;

/** Reads bus-pipeline's result line. */
export const parsePipelineResult = (bus: PipelineBus, stdout: string): PipelineFigure => {
  const m = RESULT.exec(stdout);
  if (m === null) throw new Error(`no result line in the output of bus-pipeline --bus ${bus}: ${stdout.slice(0, 300)}`);
  const [arrived, events, p50, p90, p99, max] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return { bus, events, arrived, p50Ms: p50, p90Ms: p90, p99Ms: p99, maxMs: max };
};

export const runPipelineSuite = (bus: PipelineBus, options: { readonly events: number; readonly rate: number; readonly env: NodeJS.ProcessEnv }): Promise<PipelineFigure> =>
  new Promise((resolve, reject) => {
    const args = [script, '--bus', bus, '--events', String(options.events), '--rate', String(options.rate)];
    execFile(process.execPath, args, { env: options.env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`bus-pipeline --bus ${bus} failed: ${stderr.trim().split('\n').at(-1) ?? error.message}`));
        return;
      }
      try {
        resolve(parsePipelineResult(bus, stdout));
      } catch (failure) {
        reject(failure instanceof Error ? failure : new Error(String(failure)));
      }
    });
  });

const label: Record<PipelineBus, string> = { kafka: 'Kafka', rabbitmq: 'RabbitMQ' };

export const formatPipelineFigures = (figures: readonly PipelineFigure[], rate: number): string => {
  const rows = figures.map((f) => [label[f.bus], `${f.arrived}/${f.events}`, f.p50Ms.toFixed(1), f.p90Ms.toFixed(1), f.p99Ms.toFixed(1), f.maxMs.toFixed(1)]);
  const head = ['bus', 'events', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    `commit -> projector latency (PostgreSQL log, publisher, bus, consumer, apply), ${rate} events/s:`,
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
};
