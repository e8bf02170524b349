// SqlExecutor over a node-postgres Pool (distributed mode, DATABASE_URL).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import type { SqlExecutor, SqlQueryOptions, SqlResult, SqlValue } from './executor.js';
import { assertSqlIdentifier, withSavepoint } from './executor.js';

export interface PostgresOptions {
  /** Pool size (default 10). */
  readonly max?: number;
  /** Puts this schema first on the search_path of every connection (tests use a fresh one per run). */
  readonly schema?: string;
  readonly applicationName?: string;
  /** Every session read-only (default_transaction_read_only): for tools that must never write. */
  readonly readOnly?: boolean;
  /** Errors of idle pooled connections and of LISTEN connections (they are replaced by themselves). */
  readonly onError?: (error: Error) => void;
}

const statementNames = new Map<string, string>();
const statementName = (sql: string): string => {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `gs_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
};

/** node-postgres's query config: named (prepared once per connection) when asked. */
const queryConfig = (sql: string, params: readonly SqlValue[] | undefined, options: SqlQueryOptions | undefined): pg.QueryConfig => ({
  text: sql,
  ...(params !== undefined ? { values: [...params] } : {}),
  ...(options?.prepare === true ? { name: statementName(sql) } : {}),
});

/** COPY ... FROM STDIN on `client`, fed `data` in one piece. */
const copyIn = async (client: pg.PoolClient, statement: string, data: string): Promise<void> => {
  await pipeline(Readable.from([Buffer.from(data, 'utf8')]), client.query(copyFromStream(statement)));
};

const clientExecutor = (client: pg.PoolClient): SqlExecutor => {
  const self: SqlExecutor = {
    kind: 'postgres',
    query: async <R>(sql: string, params?: readonly SqlValue[], options?: SqlQueryOptions): Promise<SqlResult<R>> => {
      const result = await client.query(queryConfig(sql, params, options));
      return { rows: result.rows as R[] };
    },
    copyFrom: (statement, data) => copyIn(client, statement, data),
    exec: async (sql: string) => {
      await client.query(sql);
    },
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => withSavepoint(self, fn),
    listen: () => Promise.reject(new Error('listen() is not available inside a transaction')),
    close: () => Promise.reject(new Error('close() is not available inside a transaction')),
  };
  return self;
};

/**
 * Listens for errors of a client taken from the pool (a transaction, a COPY) while it is held. The
 * pool listens only to idle clients; a held one that the server disconnects between two queries
 * (PostgreSQL stopped or restarted: "terminating connection due to administrator command") emits
 * 'error' with no listener, which would end the process. Such a client is marked broken (the pool
 * destroys it on release) and the error goes to `onError`; the next query on it fails as usual.
 */
const checkedOutErrors = (client: pg.PoolClient, onError: (error: Error) => void, markBroken: (error: Error) => void): { stop(): void } => {
  const listener = (error: Error) => {
    markBroken(error);
    onError(error);
  };
  client.on('error', listener);
  return { stop: () => void client.off('error', listener) };
};

/** Opens a pool on `url` (postgres://...). Connections are made lazily; the first query fails if the server is down. */
export const openPostgres = async (url: string, options: PostgresOptions = {}): Promise<SqlExecutor> => {
  const onError = options.onError ?? (() => undefined);
  const settings = [
    ...(options.schema !== undefined ? [`-c search_path=${assertSqlIdentifier(options.schema, 'schema')},public`] : []),
    ...(options.readOnly === true ? ['-c default_transaction_read_only=on'] : []),
  ];
  const clientConfig: pg.ClientConfig = {
    connectionString: url,
    application_name: options.applicationName ?? 'gavelstream',
    ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
  };
  const pool = new pg.Pool({ ...clientConfig, max: options.max ?? 10 });
  pool.on('error', onError);
  const stopListeners = new Set<() => Promise<void>>();

  const listen = async (channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> => {
    assertSqlIdentifier(channel, 'channel');
    let current: pg.Client | undefined;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let delay = 100;

    const connect = async (): Promise<void> => {
      const client = new pg.Client(clientConfig);
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      const lost = (error?: Error) => {
        if (error !== undefined) onError(error);
        if (stopped || current !== client) return;
        current = undefined;
        client.end().catch(() => undefined);
        retry();
      };
      client.on('error', lost);
      client.on('end', () => lost());
      try {
        await client.connect();
        await client.query(`LISTEN ${channel}`);
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      if (stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      current = client;
    };
    const retry = () => {
      timer = setTimeout(() => {
        connect().then(
          () => {
            delay = 100;
            if (!stopped) onNotify('');
          },
          (error: unknown) => {
            onError(error instanceof Error ? error : new Error(String(error)));
            delay = Math.min(delay * 2, 5_000);
            if (!stopped) retry();
          },
        );
      }, delay);
      timer.unref();
    };

    await connect();
    const stop = async () => {
      stopped = true;
      stopListeners.delete(stop);
      if (timer !== undefined) clearTimeout(timer);
      const client = current;
      current = undefined;
      if (client !== undefined) await client.end().catch(() => undefined);
    };
    stopListeners.add(stop);
    return stop;
  };

  return {
    kind: 'postgres',
    query: async <R>(sql: string, params?: readonly SqlValue[], options?: SqlQueryOptions): Promise<SqlResult<R>> => {
      const result = await pool.query(queryConfig(sql, params, options));
      return { rows: result.rows as R[] };
    },
    copyFrom: async (statement, data) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      const lost = checkedOutErrors(client, onError, (error) => (broken = error));
      try {
        await copyIn(client, statement, data);
      } catch (error) {
        // A COPY that failed midway may leave the connection out of step: not reused.
        broken = error instanceof Error ? error : new Error(String(error));
        throw error;
      } finally {
        lost.stop();
        client.release(broken);
      }
    },
    exec: async (sql: string) => {
      await pool.query(sql);
    },
    transaction: async <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      let broken: Error | undefined;
      const lost = checkedOutErrors(client, onError, (error) => (broken = error));
      try {
        await client.query('BEGIN');
        try {
          const result = await fn(clientExecutor(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          }
          throw error;
        }
      } finally {
        // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
        lost.stop();
        client.release(broken);
      }
    },
    listen,
    close: async () => {
      await Promise.all([...stopListeners].map((stop) => stop()));
      await pool.end();
    },
  };
};
