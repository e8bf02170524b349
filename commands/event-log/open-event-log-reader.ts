// Opens the configured event log for reading only, for tools such as replays: nothing is created,
// migrated or written. PostgreSQL sessions are read-only (default_transaction_read_only), PGlite's
// single session too; a missing log is an error rather than a fresh empty one.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventLog, LogPosition } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { DataFolderInUseError, openPglite, openPostgres } from '../../infra/index.js';
import { openEventStoreEventLog } from './eventstore-event-log.js';
import { createPostgresEventLog, parsePgPosition } from './postgres-event-log.js';
import { closeBoth } from './close-both.js';

export interface EventLogReaderOptions {
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  readonly eventstoreUrl?: string | undefined;
}

export interface EventLogReader {
  readonly log: EventLog;
  /** Where the log is, for messages: 'PostgreSQL', 'PGlite in ./data', 'EventStoreDB'. */
  readonly description: string;
  /**
   * How many events lie after `after` (up to and including `until`), when the store can tell
   * cheaply; undefined when it cannot (EventStoreDB).
   */
  countEvents(after: LogPosition, until?: LogPosition): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The configuration names no log that exists, or the log is not safe to open now. */
export class EventLogUnavailableError extends Error {
  override readonly name = 'EventLogUnavailableError';
}

const HORIZON = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

const sqlReader = async (sql: SqlExecutor, description: string): Promise<EventLogReader> => {
  try {
    const { rows } = await sql.query<{ present: boolean }>(`SELECT to_regclass('events') IS NOT NULL AS present`);
    if (rows[0]?.present !== true) {
      throw new EventLogUnavailableError(`${description} holds no event log (no events table): start Gavelstream on it once, or run npm run migrate`);
    }
    const log = await createPostgresEventLog(sql, { notify: false });
    return {
      log,
      description,
      countEvents: async (after, until) => {
        const a = parsePgPosition(after);
        const params: string[] = [a.transactionId.toString(), a.globalPosition.toString()];
        let upTo = '';
        if (until !== undefined) {
          const u = parsePgPosition(until);
          params.push(u.transactionId.toString(), u.globalPosition.toString());
          upTo = 'AND (transaction_id, global_position) <= ($3::text::xid8, $4::bigint)';
        }
        const { rows: counted } = await sql.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) ${upTo} AND ${HORIZON}`,
          params,
        );
        return Number(counted[0]?.n ?? '0');
      },
      close: closeBoth(log, sql),
    };
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
};

/** The PGlite folder must hold a database: a missing one is an error, not a fresh empty one. */
const checkPgliteFolder = (dataDir: string): string => {
  if (dataDir === 'memory') throw new EventLogUnavailableError('DATA_DIR=memory keeps no event log between processes: point DATA_DIR at a data folder, or set DATABASE_URL or EVENTSTORE_URL');
  const path = resolve(dataDir);
  if (!existsSync(path) || !statSync(path).isDirectory() || !existsSync(join(path, 'PG_VERSION'))) {
    throw new EventLogUnavailableError(`no PGlite database in ${path} (DATA_DIR): start Gavelstream once to create it, or set DATABASE_URL or EVENTSTORE_URL`);
  }
  return path;
};

/**
 * Once the folder is locked (no running server or tool holds it), a postmaster.pid left means that
 * its last holder was killed (or that a Gavelstream from before the folder lock has it open): the
 * reader, which writes nothing, does not run PGlite's recovery; any writing opener does.
 */
const checkClosedCleanly = (path: string): void => {
  if (existsSync(join(path, 'postmaster.pid'))) {
    throw new EventLogUnavailableError(
      `the PGlite database in ${path} was not closed cleanly (postmaster.pid is present; its last holder was killed): ` +
        'run npm run migrate once (it recovers the folder and closes it cleanly), then try again',
    );
  }
};

const openPgliteReadOnly = async (path: string): Promise<SqlExecutor> => {
  try {
    return await openPglite(path, { whenLocked: checkClosedCleanly });
  } catch (error) {
    throw error instanceof DataFolderInUseError ? new EventLogUnavailableError(error.message) : error;
  }
};

/**
 * The SQL database (PostgreSQL at `databaseUrl`, else PGlite under `dataDir`) opened read-only,
 * under the same rules as the log's reader (a PGlite folder must exist and not be open elsewhere):
 * for tools that read the read models' tables, such as the analytics export.
 */
export const openSqlReader = async (options: Omit<EventLogReaderOptions, 'eventstoreUrl'>): Promise<{ readonly sql: SqlExecutor; readonly description: string }> => {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    const sql = await openPostgres(options.databaseUrl, { max: 2, readOnly: true, applicationName: 'gavelstream-reader' });
    return { sql, description: 'PostgreSQL (DATABASE_URL)' };
  }
  const path = checkPgliteFolder(options.dataDir);
  const sql = await openPgliteReadOnly(path);
  try {
    await sql.exec('SET default_transaction_read_only = on');
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
  return { sql, description: `PGlite in ${path}` };
};

/** EventStoreDB when `eventstoreUrl` is set, else PostgreSQL (`databaseUrl`), else PGlite under `dataDir`. */
export const openEventLogReader = async (options: EventLogReaderOptions): Promise<EventLogReader> => {
  if (options.eventstoreUrl !== undefined && options.eventstoreUrl !== '') {
    const log = await openEventStoreEventLog(options.eventstoreUrl);
    return { log, description: 'EventStoreDB', countEvents: () => Promise.resolve(undefined), close: () => log.close() };
  }
  const { sql, description } = await openSqlReader(options);
  return sqlReader(sql, description);
};
