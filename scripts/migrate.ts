// `npm run migrate`: applies the pending schema migrations to DATABASE_URL, or to the PGlite
// database under DATA_DIR. Safe to run while other processes start (they take the same lock).
import { commandMigrations } from '../commands/index.js';
import { ConfigError, loadConfig, migrate, openSqlExecutor } from '../infra/index.js';
import type { Migration } from '../infra/index.js';
import { analyticsMigrations, readModelMigrations } from '../projections/index.js';

/** Every migration of the system, in order: the write side's, then the read models' (as on start). */
export const allMigrations: readonly Migration[] = [...commandMigrations, ...readModelMigrations, ...analyticsMigrations];

const main = async (): Promise<void> => {
  const config = loadConfig();
  const target = config.databaseUrl !== undefined ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
  if (config.databaseUrl === undefined && config.dataDir === 'memory') {
    process.stderr.write('migrate: DATA_DIR=memory keeps nothing; migrations run on start anyway\n');
  }
  const sql = await openSqlExecutor(config);
  try {
    const applied = await migrate(sql, allMigrations);
    process.stdout.write(
      applied.length === 0 ? `migrate: ${target} is up to date (${allMigrations.length} migrations)\n` : `migrate: applied ${applied.join(', ')} to ${target}\n`,
    );
  } finally {
    await sql.close();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`migrate: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
