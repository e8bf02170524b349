// `npm run rebuild`: rebuilds the PostgreSQL read models, then the analytics tables, each from the
// start of the event log into fresh tables swapped in atomically (projections/rebuild/); `--only`
// picks one. Live projectors and read APIs may keep running against PostgreSQL meanwhile; they wait
// for the swap's short lock and carry on.
import { parseArgs } from 'node:util';
import { createPostgresEventLog, openEventLog } from '../commands/index.js';
import { ConfigError, loadConfig, pseudonymiser } from '../infra/index.js';
import type { SqlExecutor } from '../infra/index.js';
import { RebuildParkedError, analyticsMigrations, rebuildAnalytics, rebuildReadModels, readModelMigrations } from '../projections/index.js';
import type { ParkedStream, RebuildProgress, RebuildReport } from '../projections/index.js';

const usage = `usage: npm run rebuild [-- --batch-size <n>] [-- --strict] [-- --only read-models|analytics]

Rebuilds the read models (auction_view, bid_history, bidder_activity), then the analytics tables
(analytics_auctions, analytics_auction_bidders, analytics_price_points, analytics_bids_per_minute),
each from the start of the event log into fresh tables, then swaps them in atomically and sets the
projection's 'log' checkpoint ('read-models', 'analytics') to where the rebuild read up to. Reads the same configuration as npm start: DATABASE_URL (or the
PGlite database under DATA_DIR: stop the server first, PGlite belongs to one process),
EVENTSTORE_URL, and PSEUDONYM_SECRET / AUTH_JWT_SECRET, which must be the server's (bidders'
pseudonyms derive from them).

  --batch-size <n>   events per page (default 5000)
  --strict           refuse to swap (exit 1) when an event cannot be projected
  --only <which>     rebuild only the read models (read-models) or only the analytics tables (analytics)
  -h, --help         this text

An event that cannot be projected (it does not decode, even upcast) parks its stream: the stream is
projected up to the event before it and listed in parked_streams (analytics_parked_streams); every
other stream is rebuilt. Prints a summary as JSON on stdout: the read models' report (parked streams
under "parked") with the analytics' under "analytics"; progress and one line per parked stream on
stderr. Exit status 0 rebuilt, 1 failed (nothing swapped), 2 bad arguments.`;

const fail = (message: string, code = 2): never => {
  process.stderr.write(`rebuild: ${message}\n`);
  process.exit(code);
};

const describeParked = (p: ParkedStream): string => `rebuild: ${p.projection} parked ${p.streamId} at version ${p.streamVersion} (${p.eventType}, log position ${p.position}): ${p.reason}\n`;

const progressPrinter = (what: string) => {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update: (p: RebuildProgress) => {
      const now = Date.now();
      if (now - last < (tty ? 200 : 5_000)) return;
      last = now;
      const line = `rebuild: ${what}: ${p.phase === 'build' ? 'building' : 'swapping'}: ${p.events} events read, at ${p.position}`;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
    done: () => {
      if (tty && last > 0) process.stderr.write('\n');
    },
  };
};

const main = async (): Promise<void> => {
  let values: { 'batch-size'?: string; strict?: boolean; only?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { 'batch-size': { type: 'string' }, strict: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${usage}`);
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const batchSize = values['batch-size'] === undefined ? 5_000 : Number(values['batch-size']);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 100_000) fail('--batch-size must be a whole number from 1 to 100000');
  if (values.only !== undefined && values.only !== 'read-models' && values.only !== 'analytics') fail('--only takes read-models or analytics');
  const readModels = values.only !== 'analytics';
  const analytics = values.only !== 'read-models';

  const config = loadConfig();
  if (config.databaseUrl === undefined && config.dataDir === 'memory') fail('DATA_DIR=memory holds nothing to rebuild');
  const opened = await openEventLog({
    databaseUrl: config.databaseUrl, dataDir: config.dataDir, eventstoreUrl: config.eventstoreUrl, migrations: [...readModelMigrations, ...analyticsMigrations],
  });
  const logInSql = config.eventstoreUrl === undefined;
  // The PostgreSQL/PGlite log read on the swap's own connection (PGlite has only one).
  const logWithin = logInSql ? { logWithin: (tx: SqlExecutor) => createPostgresEventLog(tx) } : {};
  const strict = values.strict === true;
  /** Runs one rebuild with its progress and parked streams on stderr. */
  const run = async (what: string, rebuild: (onProgress: (p: RebuildProgress) => void) => Promise<RebuildReport>) => {
    const progress = progressPrinter(what);
    const report = await rebuild(progress.update).catch((error: unknown) => {
      progress.done();
      if (error instanceof RebuildParkedError) for (const p of error.parked) process.stderr.write(describeParked(p));
      throw error;
    });
    progress.done();
    for (const p of report.parked) process.stderr.write(describeParked(p));
    const perSecond = report.durationMs > 0 ? Math.round((report.events * 1000) / report.durationMs) : report.events;
    return { ...report, eventsPerSecond: perSecond };
  };
  try {
    const readModelReport = readModels
      ? await run('read models', (onProgress) => rebuildReadModels({
        sql: opened.sql, log: opened.log, pseudonym: pseudonymiser(config.pseudonymSecret), batchSize, ...logWithin, onProgress, strict,
      }))
      : {};
    const analyticsReport = analytics
      ? { analytics: await run('analytics', (onProgress) => rebuildAnalytics({ sql: opened.sql, log: opened.log, batchSize, ...logWithin, onProgress, strict })) }
      : {};
    process.stdout.write(`${JSON.stringify({ ...readModelReport, ...analyticsReport })}\n`);
  } finally {
    await opened.close();
  }
};

main().catch((error: unknown) => {
  fail(error instanceof ConfigError || error instanceof Error ? error.message : String(error), 1);
});
