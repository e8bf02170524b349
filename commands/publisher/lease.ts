// One active publisher at a time. A publisher holds a lease before it reads the log for Kafka:
//
// - PostgreSQL: a session-level advisory lock on a dedicated connection. The server releases it
//   when that connection ends for any reason (process killed, crashed, network gone), so a standby
//   polling pg_try_advisory_lock takes over within one poll. The holder heartbeats on the same
//   connection, and the session is given an idle_session_timeout: a holder that hangs (paused,
//   stuck) is disconnected by the server, which releases the lock too.
// - The lease's checkpoint writes run on that same connection and only under the fencing epoch
//   the holder took (checkpoint-table.ts): a publisher whose connection died cannot write at all,
//   and one that was fenced out is refused. Losing the lease stops publishing at once.
// - Embedded (PGlite): one process owns the database, so the lock is in-process.
import pg from 'pg';
import type { LogPosition } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { assertSqlIdentifier, pause } from '../../infra/index.js';
import { saveCheckpoint, takeCheckpoint } from './checkpoint-table.js';
import type { RunQuery, TakenCheckpoint } from './checkpoint-table.js';

export class LeaseLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseLostError';
  }
}

export interface PublisherLease {
  /** The fencing epoch this holder took (a decimal string). */
  readonly epoch: string;
  /** The last published position when the lease was taken. */
  readonly checkpoint: LogPosition;
  /** Records `position` as published; throws LeaseLostError when the lease is gone or fenced. */
  save(position: LogPosition): Promise<void>;
  /** Resolves with the reason once the lease is gone (connection lost, fenced, released). */
  readonly lost: Promise<Error>;
  /** Gives the lease up (ends the connection, so the server releases the lock). */
  release(): Promise<void>;
}

export interface LeaseProvider {
  /** Waits until this process holds the lease, or `signal` aborts (then undefined). */
  acquire(signal: AbortSignal): Promise<PublisherLease | undefined>;
}

/**
 * How a lease ends, once: `lose(reason)` runs `onLose` the first time, resolves `lost` with that
 * reason, and returns it (the first reason) every time; `gone()` tells whether it has ended.
 */
const lossLatch = (onLose: () => void) => {
  let ended: Error | undefined;
  let settle: (reason: Error) => void = () => undefined;
  const lost = new Promise<Error>((resolve) => (settle = resolve));
  const lose = (reason: Error): Error => {
    if (ended === undefined) {
      ended = reason;
      onLose();
      settle(reason);
    }
    return ended;
  };
  return { lost, lose, gone: (): Error | undefined => ended };
};

type LossLatch = ReturnType<typeof lossLatch>;

interface HeldLeaseParts {
  readonly run: RunQuery;
  readonly name: string;
  readonly taken: TakenCheckpoint;
  readonly latch: LossLatch;
  /** What a save that threw throws instead; by default the error as thrown (the lease stands). */
  readonly saveFailed?: (error: unknown) => unknown;
  /** Run on release, after the latch (e.g. ending the lock's connection). */
  readonly close?: () => Promise<void>;
}

/**
 * A taken lease, for both providers: its checkpoint is saved only under the epoch it took, so a
 * holder fenced out by a newer one loses the lease on its next save.
 */
const heldLease = ({ run, name, taken, latch, saveFailed = (error) => error, close }: HeldLeaseParts): PublisherLease => ({
  epoch: taken.epoch,
  checkpoint: taken.position,
  lost: latch.lost,
  save: async (position) => {
    const already = latch.gone();
    if (already !== undefined) throw already;
    let saved: boolean;
    try {
      saved = await saveCheckpoint(run, name, taken.epoch, position);
    } catch (error) {
      throw saveFailed(error);
    }
    if (!saved) throw latch.lose(new LeaseLostError(`fenced: another publisher took the lease (epoch ${taken.epoch} is no longer current)`));
  },
  release: async () => {
    latch.lose(new LeaseLostError('released'));
    await close?.();
  },
});

/** The two int4 keys of the lock: a fixed class for publishers, and the hash of the lease name. */
const LOCK_CLASS = 0x47535055; // "GSPU"
const TRY_LOCK_SQL = 'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked';

export interface PostgresLeaseOptions {
  readonly databaseUrl: string;
  /** The lease and checkpoint name (the topic by default, in the publisher). */
  readonly name: string;
  /** Written to the checkpoint row, for operators: who holds it. */
  readonly holder: string;
  /** Search path schema, as the SQL executor's (tests). */
  readonly schema?: string;
  /** application_name of the lock's connection (visible in pg_stat_activity); default 'gavelstream-publisher'. */
  readonly applicationName?: string;
  /** How often a standby tries the lock (default 500 ms). */
  readonly retryMs?: number;
  /** How often the holder proves it is alive (default 2 s). */
  readonly heartbeatMs?: number;
  /** The server ends a holder's session that stays silent this long (default 10 s; PostgreSQL 14+). */
  readonly idleTimeoutMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** Runs queries on one connection one after another (node-postgres will refuse overlapping ones). */
const serialRunner = (client: pg.Client): RunQuery => {
  let tail: Promise<unknown> = Promise.resolve();
  return (sql, params) => {
    const result = tail.then(async () => (await client.query(sql, [...params])).rows as Record<string, unknown>[]);
    tail = result.catch(() => undefined);
    return result;
  };
};

export const postgresLeases = (options: PostgresLeaseOptions): LeaseProvider => {
  const retryMs = options.retryMs ?? 500;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  if (idleTimeoutMs <= heartbeatMs * 2) throw new Error('idleTimeoutMs must exceed twice heartbeatMs');
  const onError = options.onError ?? (() => undefined);
  const config: pg.ClientConfig = {
    connectionString: options.databaseUrl,
    application_name: options.applicationName ?? 'gavelstream-publisher',
    keepAlive: true,
    ...(options.schema !== undefined ? { options: `-c search_path=${assertSqlIdentifier(options.schema, 'schema')},public` } : {}),
  };

  const connect = async (): Promise<{ client: pg.Client; broken: Promise<Error> }> => {
    const client = new pg.Client(config);
    // Without an 'error' listener a dropped connection would crash the process.
    const broken = new Promise<Error>((resolve) => {
      client.on('error', (error) => resolve(new LeaseLostError(`the lease's connection failed: ${error.message}`)));
      client.on('end', () => resolve(new LeaseLostError("the lease's connection ended")));
    });
    try {
      await client.connect();
      await client.query(`SET idle_session_timeout = ${Math.round(idleTimeoutMs)}`).catch((error: unknown) => {
        // PostgreSQL before 14: a hung holder then keeps the lock until TCP keepalive ends it.
        onError(error);
      });
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return { client, broken };
  };

  const holdLease = async (client: pg.Client, broken: Promise<Error>): Promise<PublisherLease> => {
    const run = serialRunner(client);
    const taken = await takeCheckpoint(run, options.name, options.holder);
    const latch = lossLatch(() => {
      clearInterval(heartbeat);
      client.end().catch(() => undefined);
    });
    void broken.then(latch.lose);
    const heartbeat = setInterval(() => {
      run('SELECT 1', []).catch((error: unknown) => latch.lose(new LeaseLostError(`the lease's heartbeat failed: ${String(error)}`)));
    }, heartbeatMs);
    heartbeat.unref();
    return heldLease({
      run,
      name: options.name,
      taken,
      latch,
      // The connection is the lease: a save that fails on it means the lease is gone.
      saveFailed: (error) => latch.lose(new LeaseLostError(`the checkpoint could not be saved on the lease's connection: ${String(error)}`)),
      close: () => client.end().catch(() => undefined),
    });
  };

  return {
    acquire: async (signal) => {
      let errorDelay = retryMs;
      while (!signal.aborted) {
        let connection: { client: pg.Client; broken: Promise<Error> } | undefined;
        try {
          connection = await connect();
          const { client, broken } = connection;
          let down: Error | undefined;
          void broken.then((reason) => (down = reason));
          while (!signal.aborted) {
            if (down !== undefined) throw down;
            const { rows } = await client.query<{ locked: boolean }>(TRY_LOCK_SQL, [LOCK_CLASS, options.name]);
            if (rows[0]?.locked === true) {
              if (signal.aborted) break;
              const lease = await holdLease(client, broken);
              connection = undefined; // the lease owns the connection now
              return lease;
            }
            await pause(retryMs, signal);
          }
        } catch (error) {
          onError(error);
          await pause(errorDelay, signal);
          errorDelay = Math.min(errorDelay * 2, 5_000);
        } finally {
          if (connection !== undefined) await connection.client.end().catch(() => undefined);
        }
      }
      return undefined;
    },
  };
};

export interface EmbeddedLeaseOptions {
  readonly sql: SqlExecutor;
  readonly name: string;
  readonly holder: string;
  readonly retryMs?: number;
}

const heldInProcess = new WeakMap<SqlExecutor, Set<string>>();

/** For a database only this process opens (PGlite): the lock is in-process, the checkpoint is the same table. */
export const embeddedLeases = (options: EmbeddedLeaseOptions): LeaseProvider => {
  const run: RunQuery = async (sql, params) => (await options.sql.query<Record<string, unknown>>(sql, [...params])).rows;
  const retryMs = options.retryMs ?? 500;
  return {
    acquire: async (signal) => {
      let held = heldInProcess.get(options.sql);
      if (held === undefined) heldInProcess.set(options.sql, (held = new Set()));
      while (held.has(options.name)) {
        if (signal.aborted) return undefined;
        await pause(retryMs, signal);
      }
      if (signal.aborted) return undefined;
      held.add(options.name);
      let taken;
      try {
        taken = await takeCheckpoint(run, options.name, options.holder);
      } catch (error) {
        held.delete(options.name);
        throw error;
      }
      return heldLease({ run, name: options.name, taken, latch: lossLatch(() => held.delete(options.name)) });
    },
  };
};
