// One small SQL interface over both PostgreSQL (`pg` Pool) and PGlite (PostgreSQL in WASM), so the
// event log and the read models run the same SQL in both modes (DESIGN.md section 3).

/** A value bound to a `$n` placeholder. Pass JSON as a string with an explicit `::jsonb` cast. */
export type SqlScalar = string | number | boolean | null | Date | Uint8Array;
export type SqlValue = SqlScalar | readonly SqlScalar[];

export interface SqlResult<R> {
  readonly rows: R[];
}

export interface SqlQueryOptions {
  /**
   * Keep the statement prepared on each PostgreSQL connection (named after a hash of its text) so
   * later runs skip parsing and planning: worth it for hot statements with a fixed text. PGlite
   * ignores it.
   */
  readonly prepare?: boolean;
}

export interface SqlExecutor {
  /** Which engine runs the SQL: the same SQL works on both; some operational choices differ. */
  readonly kind: 'postgres' | 'pglite';
  /**
   * One statement with `$1..$n` parameters. Rows are not checked: decode them (io-ts) where they
   * cross a boundary. Cast in SQL what must come back uniformly from both engines (bigint and
   * xid8 as `::text`, timestamps as text), since their default parsers differ.
   */
  query<R = Record<string, unknown>>(sql: string, params?: readonly SqlValue[], options?: SqlQueryOptions): Promise<SqlResult<R>>;
  /**
   * PostgreSQL only: runs `statement` (a `COPY ... FROM STDIN`) with `data`, COPY's text format
   * (see `copyText`). Far cheaper than INSERT for bulk loads on both sides. PGlite has none:
   * callers fall back to INSERT.
   */
  readonly copyFrom?: (statement: string, data: string) => Promise<void>;
  /** A script of one or more statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws. Use only `tx`
   * inside `fn`: on PGlite (one connection) a query on the outer executor waits for the
   * transaction to end, so it would never run. Nested calls on `tx` use savepoints.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * LISTEN on `channel` (a plain identifier); `onNotify` gets each payload. On PostgreSQL the
   * listener has its own connection and reconnects by itself; after a reconnection it calls
   * `onNotify('')` once, since notifications may have been missed meanwhile. Resolves to the
   * function that stops listening.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes the pool or the database; inside a transaction it is an error. */
  close(): Promise<void>;
}

/** The SQLSTATE of a database error (both drivers put it in `code`), or undefined. */
export const sqlErrorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

/** The constraint a database error names (unique violations), or undefined. */
export const sqlErrorConstraint = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null || !('constraint' in error)) return undefined;
  const constraint = (error as { constraint: unknown }).constraint;
  return typeof constraint === 'string' ? constraint : undefined;
};

export const UNIQUE_VIOLATION = '23505';

/** SQLSTATEs that say the server cannot be used now, not that the statement is wrong: connection exceptions (08…), a server shutting down or starting (57P01-57P03), too many connections (53300). */
const unavailableSqlState = /^(08...|57P0[123]|53300)$/;
/** Socket errors of a connection that could not be made or was lost. */
const unavailableSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** What `pg` says, without a code, of a connection that ended or could not be had from the pool in time. */
const unavailableMessage = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly)/;

/**
 * True when `error` (or an error it was caused by) says the database cannot be reached or is going
 * away: a condition to answer 503 and retry, never a 500. A statement whose connection was lost may
 * have committed; commands are safe to retry because the log refuses a second append of one command.
 */
export const isDatabaseUnavailable = (error: unknown): boolean => {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    const code = sqlErrorCode(e);
    if (code !== undefined && (unavailableSqlState.test(code) || unavailableSocketCodes.has(code))) return true;
    if (unavailableMessage.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
};

const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a channel or schema name that is spliced into SQL text (LISTEN, search_path). */
export const assertSqlIdentifier = (name: string, what: string): string => {
  if (!identifierPattern.test(name)) throw new Error(`${what} must be a lower-case SQL identifier (a-z, 0-9, _), got ${JSON.stringify(name)}`);
  return name;
};

const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value as COPY's text format writes it (null as \N; backslash, tab, newline and CR escaped). */
export const copyField = (value: SqlScalar): string => {
  if (value === null) return '\\N';
  if (typeof value === 'string') return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => copyEscapes[c]!) : value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`COPY cannot carry the number ${value}`);
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  return `\\\\x${Buffer.from(value).toString('hex')}`;
};

/** Savepoint names for nested transactions. */
let savepointCounter = 0;
export const nextSavepointName = (): string => `gs_sp_${++savepointCounter}`;

/** Runs `fn` inside a savepoint of an open transaction (nested `transaction` calls). */
export const withSavepoint = async <T>(tx: SqlExecutor, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => {
  const name = nextSavepointName();
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn(tx);
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
};
