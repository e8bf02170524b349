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
import { freshDatabase } from './database.js';
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
}

export interface RebuildSuiteOptions {
  readonly events: number;
  readonly stores: readonly RebuildStore[];
  readonly runId: string;
  readonly batchSize?: number;
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

const measure = async (store: RebuildStore, options: RebuildSuiteOptions): Promise<RebuildFigure> => {
  const database = store === 'PostgreSQL' ? await freshDatabase(process.env.DATABASE_URL!) : undefined;
  try {
    const opened = await openEventLog({ databaseUrl: database?.url, dataDir: 'memory', migrations: readModelMigrations, log: { notify: false } });
    try {
      const wanted = eventsFor(store, options.events);
      options.progress(`rebuild / ${store}: generating a log of ${wanted} events`);
      let started = performance.now();
      const events = await generate(opened, wanted, options.runId, options.progress);
      const generateSeconds = (performance.now() - started) / 1000;
      options.progress(`rebuild / ${store}: ${events} events in ${generateSeconds.toFixed(1)} s; rebuilding the read models`);
      started = performance.now();
      const report = await rebuildReadModels({
        sql: opened.sql,
        log: opened.log,
        pseudonym: pseudonymiser('gavelstream-bench-secret-0123456789abcdef'),
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        logWithin: (tx) => createPostgresEventLog(tx, { notify: false }),
      });
      const rebuildSeconds = (performance.now() - started) / 1000;
      if (report.events !== events) throw new Error(`the rebuild read ${report.events} events, the log holds ${events}`);
      return { store, events, generateSeconds, rebuildSeconds, eventsPerSecond: events / rebuildSeconds, parked: report.parked.length };
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
    .map((f) => `rebuild / ${f.store}: log of ${f.events} events generated in ${f.generateSeconds.toFixed(1)} s (batched appends through the log port); ` +
      `rebuildReadModels ${f.rebuildSeconds.toFixed(1)} s = ${thousands(f.eventsPerSecond)} events/s; ${f.parked} streams parked`)
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
