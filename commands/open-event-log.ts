// Opens the event log the configuration asks for, with the SQL executor the read models share:
// EventStoreDB when `eventstoreUrl` is set, else the events table in PostgreSQL (`databaseUrl`)
// or PGlite (`dataDir`, 'memory' for none). Migrations run before anything is returned. It sits
// above the write side's folders because it gathers their migrations (none of them imports it).
import type { EventLog } from '../domain/index.js';
import type { Migration, PostgresOptions, SqlExecutor } from '../infra/index.js';
import { migrate, openSqlExecutor } from '../infra/index.js';
import { attemptsLogMigrations } from './attempts/index.js';
import { publisherMigrations } from './publisher/index.js';
import { checkpointMigrations } from './checkpoints/index.js';
import { watchlistMigrations } from './watchlist/index.js';
import { closeBoth, createPostgresEventLog, eventLogMigrations, openEventStoreEventLog } from './event-log/index.js';
import type { PostgresEventLogOptions } from './event-log/index.js';

/** Every migration the write side owns, in order: the events table, the refused-bids table, the publisher's checkpoints, the log's signed checkpoints, the watchlists. */
export const commandMigrations: readonly Migration[] = [...eventLogMigrations, ...attemptsLogMigrations, ...publisherMigrations, ...checkpointMigrations, ...watchlistMigrations];

export interface OpenEventLogOptions {
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  readonly eventstoreUrl?: string | undefined;
  /** More migrations to run in the same pass (e.g. the read models'). */
  readonly migrations?: readonly Migration[];
  readonly postgres?: PostgresOptions;
  readonly log?: PostgresEventLogOptions;
}

export interface OpenedEventLog {
  readonly log: EventLog;
  /** The SQL database (read models, refused bids), also when the log is in EventStoreDB. */
  readonly sql: SqlExecutor;
  /** Closes the log, then the SQL executor. */
  close(): Promise<void>;
}

export const openEventLog = async (options: OpenEventLogOptions): Promise<OpenedEventLog> => {
  const sql = await openSqlExecutor(options, options.postgres);
  try {
    await migrate(sql, [...commandMigrations, ...(options.migrations ?? [])]);
    const log =
      options.eventstoreUrl !== undefined && options.eventstoreUrl !== ''
        ? await openEventStoreEventLog(options.eventstoreUrl)
        : await createPostgresEventLog(sql, options.log);
    return { log, sql, close: closeBoth(log, sql) };
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
};
