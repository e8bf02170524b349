// `npm run rebuild`: rebuilds the PostgreSQL read models from the start of the event log into fresh
// tables and swaps them in atomically (projections/rebuild/). Live projectors and read APIs may keep
// running against PostgreSQL meanwhile; they wait for the swap's short lock and carry on.
import { parseArgs } from 'node:util';
import { createPostgresEventLog, openEventLog } from '../commands/index.js';
import { ConfigError, loadConfig, pseudonymiser } from '../infra/index.js';
import { rebuildReadModels, readModelMigrations } from '../projections/index.js';
import type { RebuildProgress } from '../projections/index.js';

const usage = `usage: npm run rebuild [-- --batch-size <n>]

Rebuilds the read models (auction_view, bid_history, bidder_activity) from the start of the event
log into fresh tables, then swaps them in atomically and sets the projection's 'log' checkpoint to
where the rebuild read up to. Reads the same configuration as npm start: DATABASE_URL (or the
PGlite database under DATA_DIR: stop the server first, PGlite belongs to one process),
EVENTSTORE_URL, and PSEUDONYM_SECRET / AUTH_JWT_SECRET, which must be the server's (bidders'
pseudonyms derive from them).

  --batch-size <n>   events per page and transaction (default 1000)
  -h, --help         this text

Prints a summary as JSON on stdout, progress on stderr.`;

const fail = (message: string, code = 2): never => {
  process.stderr.write(`rebuild: ${message}\n`);
  process.exit(code);
};

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
  let values: { 'batch-size'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { 'batch-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${usage}`);
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const batchSize = values['batch-size'] === undefined ? 1_000 : Number(values['batch-size']);
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
    });
    progress.done();
    const perSecond = report.durationMs > 0 ? Math.round((report.events * 1000) / report.durationMs) : report.events;
    process.stdout.write(`${JSON.stringify({ ...report, eventsPerSecond: perSecond })}\n`);
  } finally {
    await opened.close();
  }
};

main().catch((error: unknown) => {
  fail(error instanceof ConfigError || error instanceof Error ? error.message : String(error), 1);
});
