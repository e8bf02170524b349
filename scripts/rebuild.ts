// `npm run rebuild`: rebuilds the PostgreSQL read models from the start of the event log into fresh
// tables and swaps them in atomically (projections/rebuild/). Live projectors and read APIs may keep
// running against PostgreSQL meanwhile; they wait for the swap's short lock and carry on.
import { parseArgs } from 'node:util';
import { createPostgresEventLog, openEventLog } from '../commands/index.js';
import { ConfigError, loadConfig, pseudonymiser } from '../infra/index.js';
import { RebuildParkedError, rebuildReadModels, readModelMigrations } from '../projections/index.js';
import type { ParkedStream, RebuildProgress } from '../projections/index.js';

const usage = `usage: npm run rebuild [-- --batch-size <n>] [-- --strict]

Rebuilds the read models (auction_view, bid_history, bidder_activity) from the start of the event
log into fresh tables, then swaps them in atomically and sets the projection's 'log' checkpoint to
where the rebuild read up to. Reads the same configuration as npm start: DATABASE_URL (or the
PGlite database under DATA_DIR: stop the server first, PGlite belongs to one process),
EVENTSTORE_URL, and PSEUDONYM_SECRET / AUTH_JWT_SECRET, which must be the server's (bidders'
pseudonyms derive from them).

  --batch-size <n>   events per page (default 5000)
  --strict           refuse to swap (exit 1) when an event cannot be projected
  -h, --help         this text

An event that cannot be projected (it does not decode, even upcast) parks its stream: the stream is
projected up to the event before it and listed in parked_streams; every other stream is rebuilt.
Prints a summary as JSON on stdout (parked streams under "parked"), progress and one line per
parked stream on stderr. Exit status 0 rebuilt, 1 failed (nothing swapped), 2 bad arguments.`;

const fail = (message: string, code = 2): never => {
  process.stderr.write(`rebuild: ${message}\n`);
  process.exit(code);
};

const describeParked = (p: ParkedStream): string => `rebuild: parked ${p.streamId} at version ${p.streamVersion} (${p.eventType}, log position ${p.position}): ${p.reason}\n`;

const progressPrinter = () => {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update: (p: RebuildProgress) => {
      const now = Date.now();
      if (now - last < (tty ? 200 : 5_000)) return;
      last = now;
      const line = `rebuild: ${p.phase === 'build' ? 'building' : 'swapping'}: ${p.events} events read, at ${p.position}`;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
    done: () => {
      if (tty && last > 0) process.stderr.write('\n');
    },
  };
};

const main = async (): Promise<void> => {
  let values: { 'batch-size'?: string; strict?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { 'batch-size': { type: 'string' }, strict: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
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

  const config = loadConfig();
  if (config.databaseUrl === undefined && config.dataDir === 'memory') fail('DATA_DIR=memory holds nothing to rebuild');
  const opened = await openEventLog({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, eventstoreUrl: config.eventstoreUrl, migrations: readModelMigrations });
  const progress = progressPrinter();
  try {
    const logInSql = config.eventstoreUrl === undefined;
    const report = await rebuildReadModels({
      sql: opened.sql,
      log: opened.log,
      pseudonym: pseudonymiser(config.pseudonymSecret),
      batchSize,
      // The PostgreSQL/PGlite log read on the swap's own connection (PGlite has only one).
      ...(logInSql ? { logWithin: (tx) => createPostgresEventLog(tx) } : {}),
      onProgress: progress.update,
      strict: values.strict === true,
    }).catch((error: unknown) => {
      progress.done();
      if (error instanceof RebuildParkedError) for (const p of error.parked) process.stderr.write(describeParked(p));
      throw error;
    });
    progress.done();
    for (const p of report.parked) process.stderr.write(describeParked(p));
    const perSecond = report.durationMs > 0 ? Math.round((report.events * 1000) / report.durationMs) : report.events;
    process.stdout.write(`${JSON.stringify({ ...report, eventsPerSecond: perSecond })}\n`);
  } finally {
    await opened.close();
  }
};

main().catch((error: unknown) => {
  fail(error instanceof ConfigError || error instanceof Error ? error.message : String(error), 1);
});
