// The rebuild suite of `npm run bench`: a log of `--events` events (default 1,000,000) generated
// through the log port (batched appends of many streams per statement, events decided by the real
// domain; see auction-log.ts), into a fresh PostgreSQL database (DATABASE_URL) and/or an in-memory
// PGlite; then `rebuildReadModels` (what `npm run rebuild` runs) is timed: events per second.
import { performance } from 'node:perf_hooks';
import { appendToStreams, createPostgresEventLog, formatPgPosition, openEventLog } from '../../commands/index.js';
import type { OpenedEventLog } from '../../commands/index.js';
import { pseudonymiser } from '../../infra/index.js';
import { rebuildReadModels, readModelMigrations } from '../../projections/index.js';
import { auctionLog } from './auction-log.js';
import { backendCpu, backendCpuBetween } from './backend-cpu.js';
import { dropDatabase, freshDatabase, keptDatabase } from './database.js';
import type { GoalLine } from './goals.js';

export const REBUILD_GOAL_EVENTS_PER_SECOND = 50_000;

export type RebuildStore = 'PostgreSQL' | 'PGlite';

/** PGlite appends and rebuilds about ten times slower than PostgreSQL: its log is capped at this many events. */
export const PGLITE_MAX_EVENTS = 100_000;

/** The events of the log made for a store. */
export const eventsFor = (store: RebuildStore, events: number): number => (store === 'PGlite' ? Math.min(events, PGLITE_MAX_EVENTS) : events);

export interface RebuildFigure {
  readonly store: RebuildStore;
  readonly events: number;
  readonly generateSeconds: number;
  readonly rebuildSeconds: number;
  readonly eventsPerSecond: number;
  readonly parked: number;
  /** CPU time of this process per event during the rebuild, in µs (PGlite's worker thread included). */
  readonly nodeCpuUsPerEvent: number;
  /** CPU time of the database's PostgreSQL backends per event, in µs (undefined: PGlite, or not readable). */
  readonly serverCpuUsPerEvent: number | undefined;
  /** Whether the log was a kept one, not generated in this run (--keep-log). */
  readonly reused: boolean;
}

export interface RebuildSuiteOptions {
  readonly events: number;
  readonly stores: readonly RebuildStore[];
  readonly runId: string;
  readonly batchSize?: number;
  /** PostgreSQL: keep the log's database (gs_bench_log_<events>) and reuse it when it is there. */
  readonly keepLog?: boolean;
  readonly progress: (message: string) => void;
}

/** Appends the generated log; the next batch is made while the previous one is being written. */
const generate = async (opened: OpenedEventLog, events: number, runId: string, progress: (m: string) => void): Promise<number> => {
  let written = 0;
  let lastReport = performance.now();
  let pending: Promise<unknown> | undefined;
  for (const batch of auctionLog({ events, runId })) {
    await pending;
    written += batch.reduce((n, a) => n + a.events.length, 0);
    pending = appendToStreams(opened.sql, batch, formatPgPosition).then((recorded) => {
      const missing = recorded.filter((r, i) => r.length !== batch[i]!.events.length).length;
      if (missing > 0) throw new Error(`generating the log: ${missing} streams were not at their expected version`);
    });
    if (performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      progress(`rebuild: ${written} of ${events} events appended`);
    }
  }
  await pending;
  return written;
};

/** Marks a kept log as complete, with its event count: a log interrupted while generated is not reused. */
const LOG_MARK = 'bench_log_generated';

const keptLogName = (events: number): string => `gs_bench_log_${events}`;

/** The database of the log: fresh (dropped afterwards), or kept and perhaps already holding the log. */
const logDatabase = async (store: RebuildStore, events: number, options: RebuildSuiteOptions) => {
  if (store !== 'PostgreSQL') return undefined;
  const server = process.env.DATABASE_URL!;
  if (options.keepLog !== true) return { ...(await freshDatabase(server)), fresh: true, kept: false };
  const kept = await keptDatabase(server, keptLogName(events));
  if (!kept.fresh) {
    const opened = await openEventLog({ databaseUrl: kept.url, dataDir: 'memory', migrations: readModelMigrations, log: { notify: false } });
    try {
      const { rows } = await opened.sql.query<{ events: number }>(`SELECT events FROM ${LOG_MARK} WHERE to_regclass('${LOG_MARK}') IS NOT NULL`).catch(() => ({ rows: [] }));
      if (rows[0]?.events === events) return { ...kept, kept: true };
    } finally {
      await opened.close();
    }
    options.progress(`rebuild / ${store}: the kept log ${keptLogName(events)} is incomplete: made again`);
    await dropDatabase(server, keptLogName(events));
    return { ...(await keptDatabase(server, keptLogName(events))), kept: true };
  }
  return { ...kept, kept: true };
};

const measure = async (store: RebuildStore, options: RebuildSuiteOptions): Promise<RebuildFigure> => {
  const wanted = eventsFor(store, options.events);
  const database = await logDatabase(store, wanted, options);
  try {
    const opened = await openEventLog({ databaseUrl: database?.url, dataDir: 'memory', migrations: readModelMigrations, log: { notify: false } });
    try {
      const reused = database !== undefined && !database.fresh;
      let started = performance.now();
      let events = wanted;
      if (reused) {
        options.progress(`rebuild / ${store}: reusing the kept log of ${wanted} events (${keptLogName(wanted)})`);
      } else {
        options.progress(`rebuild / ${store}: generating a log of ${wanted} events`);
        events = await generate(opened, wanted, options.runId, options.progress);
        if (database?.kept === true) await opened.sql.exec(`CREATE TABLE ${LOG_MARK} AS SELECT ${events}::integer AS events`);
      }
      const generateSeconds = (performance.now() - started) / 1000;
      options.progress(`rebuild / ${store}: ${events} events ${reused ? 'reused' : `in ${generateSeconds.toFixed(1)} s`}; rebuilding the read models`);
      const serverBefore = await backendCpu(opened.sql);
      const nodeBefore = process.cpuUsage();
      started = performance.now();
      const report = await rebuildReadModels({
        sql: opened.sql,
        log: opened.log,
        pseudonym: pseudonymiser('gavelstream-bench-secret-0123456789abcdef'),
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        logWithin: (tx) => createPostgresEventLog(tx, { notify: false }),
      });
      const rebuildSeconds = (performance.now() - started) / 1000;
      const node = process.cpuUsage(nodeBefore);
      const serverMs = backendCpuBetween(serverBefore, await backendCpu(opened.sql));
      if (report.events !== events) throw new Error(`the rebuild read ${report.events} events, the log holds ${events}`);
      return {
        store, events, generateSeconds, rebuildSeconds, eventsPerSecond: events / rebuildSeconds, parked: report.parked.length, reused,
        nodeCpuUsPerEvent: (node.user + node.system) / events,
        serverCpuUsPerEvent: serverMs === undefined ? undefined : (serverMs * 1000) / events,
      };
    } finally {
      await opened.close();
    }
  } finally {
    await database?.drop().catch((error: unknown) => options.progress(`could not drop the benchmark database: ${String(error)}`));
  }
};

const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');

export const rebuildGoalLine = (f: RebuildFigure): GoalLine => ({
  figure: `rebuild, ${thousands(f.events)} events, ${f.store}`,
  measured: `${thousands(f.eventsPerSecond)} events/s (${f.rebuildSeconds.toFixed(1)} s)`,
  goal: `>= ${thousands(REBUILD_GOAL_EVENTS_PER_SECOND)} events/s`,
  met: f.eventsPerSecond >= REBUILD_GOAL_EVENTS_PER_SECOND,
});

export const formatRebuildFigures = (figures: readonly RebuildFigure[]): string =>
  figures
    .map((f) => `rebuild / ${f.store}: log of ${f.events} events ${f.reused ? 'kept from an earlier run (--keep-log)' : `generated in ${f.generateSeconds.toFixed(1)} s (batched appends through the log port)`}; ` +
      `rebuildReadModels ${f.rebuildSeconds.toFixed(1)} s = ${thousands(f.eventsPerSecond)} events/s; ${f.parked} streams parked; ` +
      `CPU per event: Node ${f.nodeCpuUsPerEvent.toFixed(1)} µs${f.serverCpuUsPerEvent === undefined ? '' : `, PostgreSQL backends ${f.serverCpuUsPerEvent.toFixed(1)} µs`}`)
    .join('\n');

export interface RebuildSuiteResult {
  readonly figures: readonly RebuildFigure[];
  readonly goals: readonly GoalLine[];
  readonly failed: readonly string[];
}

export const runRebuildSuite = async (options: RebuildSuiteOptions): Promise<RebuildSuiteResult> => {
  const figures: RebuildFigure[] = [];
  const goals: GoalLine[] = [];
  const failed: string[] = [];
  for (const store of options.stores) {
    try {
      const figure = await measure(store, options);
      figures.push(figure);
      goals.push(rebuildGoalLine(figure));
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      options.progress(`rebuild / ${store} failed: ${message}`);
      failed.push(`rebuild / ${store}: ${message}`);
      goals.push({ figure: `rebuild, ${thousands(eventsFor(store, options.events))} events, ${store}`, measured: `failed: ${message}`, goal: `>= ${thousands(REBUILD_GOAL_EVENTS_PER_SECOND)} events/s`, met: undefined });
    }
  }
  return { figures, goals, failed };
};
