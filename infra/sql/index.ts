// The SQL executor that runs on both PostgreSQL and PGlite, the migration runner, the loader of
// .sql files, and how rows are read back alike on both (timestamps as ISO text, snake_case columns
// as camelCase fields).
import type { SqlExecutor } from './executor.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { PostgresOptions } from './postgres.js';

export type { SqlExecutor, SqlQueryOptions, SqlResult, SqlScalar, SqlValue } from './executor.js';
export { copyField, isDatabaseUnavailable, sqlErrorCode, sqlErrorConstraint, UNIQUE_VIOLATION, assertSqlIdentifier } from './executor.js';
export { openPostgres } from './postgres.js';
export type { PostgresOptions } from './postgres.js';
export { openPglite } from './pglite.js';
export type { PgliteOptions } from './pglite.js';
export { DataFolderInUseError, LOCK_FILE } from './data-folder-lock.js';
export { migrate } from './migrate.js';
export type { Migration } from './migrate.js';
export { sqlFile, migrationFromFile, loadedSqlFiles } from './sql-file.js';
export { decodeCamelCased, snakeCase } from './column-names.js';
export type { CamelCased } from './column-names.js';
export { isoMs, isoUs } from './iso-time.js';

/** PostgreSQL when `databaseUrl` is set, else PGlite under `dataDir` ('memory' for none). */
export const openSqlExecutor = (options: { readonly databaseUrl?: string | undefined; readonly dataDir: string }, postgres: PostgresOptions = {}): Promise<SqlExecutor> =>
  options.databaseUrl !== undefined && options.databaseUrl !== '' ? openPostgres(options.databaseUrl, postgres) : openPglite(options.dataDir);
