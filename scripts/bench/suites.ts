// The suites of `npm run bench` beyond the throughput rows (--suite): the rebuild of the read models
// and the WebSocket fan-out, each run in the modes asked for that it knows, returning its goal lines
// and the notes printed under the table.
import type { GoalLine } from './goals.js';
import { fanoutGoalLine, formatFanoutFigure, runFanout } from './fanout-suite.js';
import type { FanoutFigure, FanoutMode } from './fanout-suite.js';
import type { BenchOptions } from './options.js';
import { formatRebuildFigures, runRebuildSuite } from './rebuild-suite.js';
import type { RebuildFigure, RebuildStore } from './rebuild-suite.js';
import { formatPipelineFigures, pipelineBuses, runPipelineSuite } from './pipeline-suite.js';
import type { PipelineFigure } from './pipeline-suite.js';
import { formatSaleFigures, runSaleSuite, saleGoalLine } from './sale-suite.js';
import type { SaleFigure } from './sale-suite.js';
import type { Mode } from './options.js';
import { requiredEnvironment } from './systems.js';

export interface SuiteContext {
  readonly options: BenchOptions;
  readonly runId: string;
  readonly jwtSecret: string;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: (message: string) => void;
  /** Whether DATABASE_URL and REDIS_URL are set (pg+redis can run). */
  readonly distributed: boolean;
}

export interface SuiteResults {
  readonly goals: GoalLine[];
  readonly notes: string[];
  readonly failed: string[];
  readonly rebuild: RebuildFigure[];
  readonly fanout: FanoutFigure[];
  readonly sale: SaleFigure[];
  readonly pipeline: PipelineFigure[];
}

/** Which stores the rebuild runs on for the modes asked for (PGlite for embedded ones). */
export const rebuildStores = (modes: readonly string[], distributed: boolean): RebuildStore[] => [
  ...(distributed && modes.includes('pg+redis') ? ['PostgreSQL' as const] : []),
  ...(modes.some((m) => m.startsWith('embedded')) ? ['PGlite' as const] : []),
];

/** Which modes the fan-out runs in (the data folder changes nothing for it: embedded runs in memory). */
export const fanoutModes = (modes: readonly string[], distributed: boolean): FanoutMode[] => [
  ...(modes.some((m) => m.startsWith('embedded')) ? ['embedded' as const] : []),
  ...(distributed && modes.includes('pg+redis') ? ['pg+redis' as const] : []),
];

/** Which modes the timed sale runs in: those asked for whose services are configured (embedded-disk: as embedded). */
export const saleModes = (modes: readonly Mode[], env: Readonly<Record<string, string | undefined>>): Mode[] =>
  modes.filter((m) => m !== 'embedded-disk' && requiredEnvironment(m).every((v) => (env[v] ?? '') !== ''));

export const runSuites = async (ctx: SuiteContext): Promise<SuiteResults> => {
  const { options, progress } = ctx;
  const out: SuiteResults = { goals: [], notes: [], failed: [], rebuild: [], fanout: [], sale: [], pipeline: [] };
  if (options.suites.includes('rebuild')) {
    const result = await runRebuildSuite({ events: options.events, keepLog: options.keepLog, stores: rebuildStores(options.modes, ctx.distributed), runId: ctx.runId, progress });
    out.goals.push(...result.goals);
    out.failed.push(...result.failed);
    out.rebuild.push(...result.figures);
    if (result.figures.length > 0) out.notes.push(formatRebuildFigures(result.figures));
  }
  if (options.suites.includes('fanout')) {
    for (const mode of fanoutModes(options.modes, ctx.distributed)) {
      try {
        const figure = await runFanout({
          mode, subscribers: options.subscribers, durationSeconds: options.durationSeconds, jwtSecret: ctx.jwtSecret, runId: ctx.runId, env: ctx.env, progress, profileDir: options.profileDir,
        });
        out.fanout.push(figure);
        out.goals.push(fanoutGoalLine(figure));
        out.notes.push(formatFanoutFigure(figure));
        if (figure.profile !== undefined) out.notes.push(figure.profile);
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        progress(`fan-out / ${mode} failed: ${message}`);
        out.failed.push(`fan-out / ${mode}: ${message}`);
        out.goals.push({ figure: `fan-out, ${options.subscribers.toLocaleString('en-US')} sockets, ${mode}`, measured: `failed: ${message}`, goal: 'p99 delivery < 100 ms; RSS reported', met: undefined });
      }
    }
  }
  if (options.suites.includes('pipeline')) {
    const buses = pipelineBuses(process.env);
    if (buses.length === 0) out.notes.push('pipeline: skipped (it needs DATABASE_URL and KAFKA_BROKERS or RABBITMQ_URL)');
    for (const bus of buses) {
      progress(`pipeline / ${bus}: ${options.pipelineEvents} events at ${options.pipelineRate}/s`);
      try {
        out.pipeline.push(await runPipelineSuite(bus, { events: options.pipelineEvents, rate: options.pipelineRate, env: process.env }));
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        progress(`pipeline / ${bus} failed: ${message}`);
        out.failed.push(`pipeline / ${bus}: ${message}`);
      }
    }
    if (out.pipeline.length > 0) out.notes.push(formatPipelineFigures(out.pipeline, options.pipelineRate));
  }
  if (options.suites.includes('sale')) {
    for (const mode of saleModes(options.modes, process.env)) {
      try {
        const figure = await runSaleSuite({ mode, lots: options.lots, staggerMs: options.staggerMs, jwtSecret: ctx.jwtSecret, runId: ctx.runId, env: ctx.env, progress });
        out.sale.push(figure);
        out.goals.push(saleGoalLine(figure));
        if (!saleGoalLine(figure).met) out.failed.push(`timed sale / ${mode}: not every lot closed once, in order`);
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        progress(`timed sale / ${mode} failed: ${message}`);
        out.failed.push(`timed sale / ${mode}: ${message}`);
      }
    }
    if (out.sale.length > 0) out.notes.push(formatSaleFigures(out.sale));
  }
  return out;
};
