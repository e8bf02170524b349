// SqlExecutor over PGlite: real PostgreSQL compiled to WASM, in this process (embedded mode), in a
// worker thread by default (pglite-thread.ts) so that its work runs beside the HTTP event loop.
// PGlite is one connection; its own mutexes make a transaction exclusive (other queries wait until
// it ends), so transactions never interleave with other work.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import { lockDataFolder } from './data-folder-lock.js';
import type { DataFolderLock } from './data-folder-lock.js';
import type { SqlExecutor, SqlResult, SqlValue } from './executor.js';
import { assertSqlIdentifier, withSavepoint } from './executor.js';
import { startPgliteThread } from './pglite-thread.js';

const mutableParams = (params: readonly SqlValue[] | undefined): unknown[] | undefined => (params === undefined ? undefined : [...params]);

const transactionExecutor = (tx: Transaction): SqlExecutor => {
  const self: SqlExecutor = {
    kind: 'pglite',
    query: async <R>(sql: string, params?: readonly SqlValue[]): Promise<SqlResult<R>> => {
      const result = await tx.query<R>(sql, mutableParams(params));
      return { rows: result.rows };
    },
    exec: async (sql: string) => {
      await tx.exec(sql);
    },
    transaction: <T>(fn: (inner: SqlExecutor) => Promise<T>) => withSavepoint(self, fn),
    listen: () => Promise.reject(new Error('listen() is not available inside a transaction')),
    close: () => Promise.reject(new Error('close() is not available inside a transaction')),
  };
  return self;
};

/**
 * PGlite answers without I/O, so a loop of queries (a rebuild, a verify of the whole log) runs on
 * microtasks alone and would starve the event loop: no timer, no socket and no signal handler
 * (Ctrl-C: data-folder-lock.ts) would run until it ends. A query lets the loop turn first when it
 * has not turned for this long.
 */
const MAX_TURN_MS = 50;

const eventLoopTurns = () => {
  let last = Date.now();
  return async (): Promise<void> => {
    if (Date.now() - last < MAX_TURN_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = Date.now();
  };
};

export interface PgliteOptions {
  /** Runs once the folder is locked, before PGlite opens it; what it throws is thrown. */
  readonly whenLocked?: (path: string) => void;
  /** Run PGlite in a worker thread (default true: pglite-thread.ts), or on this thread's event loop. */
  readonly worker?: boolean;
}

/** PGlite on this thread: each query runs its WebAssembly synchronously on the event loop. */
const openInThread = async (path: string | undefined) => {
  const db = path === undefined ? await PGlite.create() : await PGlite.create(path);
  const turn = eventLoopTurns();
  const executor: SqlExecutor = {
    kind: 'pglite',
    query: async <R>(sql: string, params?: readonly SqlValue[]): Promise<SqlResult<R>> => {
      await turn();
      const result = await db.query<R>(sql, mutableParams(params));
      return { rows: result.rows };
    },
    exec: async (sql: string) => {
      await turn();
      await db.exec(sql);
    },
    transaction: async <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => {
      await turn();
      return db.transaction((tx) => fn(transactionExecutor(tx)));
    },
    listen: async (channel: string, onNotify: (payload: string) => void) => {
      const unsubscribe = await db.listen(assertSqlIdentifier(channel, 'channel'), onNotify);
      return async () => {
        if (!db.closed) await unsubscribe();
      };
    },
    close: () => Promise.reject(new Error('close the database through openPglite')),
  };
  return {
    executor,
    close: async () => {
      if (!db.closed) await db.close();
    },
  };
};

/**
 * Opens PGlite with its data under `dataDir` (created if missing), or in memory for 'memory'. A
 * folder is locked for this process until close (data-folder-lock.ts): DataFolderInUseError when
 * another process holds it.
 */
export const openPglite = async (dataDir: string, options: PgliteOptions = {}): Promise<SqlExecutor> => {
  const open = (path: string | undefined) => ((options.worker ?? true) ? startPgliteThread(path ?? 'memory') : openInThread(path));
  let db: { readonly executor: SqlExecutor; close(): Promise<void> } | undefined;
  let lock: DataFolderLock | undefined;
  // One close, whoever asks first (the holder, or a signal: data-folder-lock.ts); the lock goes last.
  let closing: Promise<void> | undefined;
  const closeOnce = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await db?.close();
      } finally {
        lock?.release();
      }
    })());
  if (dataDir === 'memory') {
    db = await open(undefined);
  } else {
    const path = resolve(dataDir);
    mkdirSync(path, { recursive: true });
    lock = lockDataFolder(path, () => closeOnce());
    try {
      options.whenLocked?.(path);
      db = await open(path);
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  return { ...db.executor, close: closeOnce };
};
