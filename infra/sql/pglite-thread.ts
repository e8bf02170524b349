// PGlite in a worker thread (pglite-worker.ts), behind the same SqlExecutor: the database's work
// (WebAssembly and protocol parsing, most of an embedded server's CPU) runs beside the HTTP event
// loop, on another core. Each call is a message; a transaction is opened in the worker with
// PGlite's own transaction(), which holds PGlite until it ends, so transactions stay serialised
// exactly as on PGlite in this thread, and statements outside one wait for it.
import { Worker } from 'node:worker_threads';
import type { SqlExecutor, SqlQueryOptions, SqlResult, SqlValue } from './executor.js';
import { assertSqlIdentifier, withSavepoint } from './executor.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './pglite-protocol.js';
import { fromWorkerError } from './pglite-protocol.js';

type Request = WorkerRequest extends infer R ? (R extends { readonly id: number } ? Omit<R, 'id'> : never) : never;

export interface PgliteThread {
  /** The database; its own close() refuses: close the thread. */
  readonly executor: SqlExecutor;
  /** Closes the database, then ends the worker. */
  close(): Promise<void>;
}

/** Starts the worker and opens PGlite in it with its data under `dataDir` ('memory' for none); the caller holds the folder's lock. */
export const startPgliteThread = async (dataDir: string): Promise<PgliteThread> => {
  const data: WorkerData = { dataDir };
  const worker = new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData: data });
  const waiting = new Map<number, { resolve: (rows: readonly unknown[]) => void; reject: (error: unknown) => void }>();
  const listeners = new Map<string, (payload: string) => void>();
  let nextId = 0;
  let failed: Error | undefined;

  const fail = (error: Error): void => {
    failed ??= error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the PGlite worker thread exited (code ${code}) before opening the database`)));
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => fail(new Error(`the PGlite worker thread exited (code ${code})`)));
  await ready;
  worker.unref();
  worker.on('message', (message: WorkerReply) => {
    if ('notify' in message) {
      listeners.get(message.notify)?.(message.payload);
      return;
    }
    const w = waiting.get(message.id);
    if (w === undefined) return;
    waiting.delete(message.id);
    if (waiting.size === 0) worker.unref();
    if (message.ok) w.resolve(message.rows ?? []);
    else w.reject(fromWorkerError(message.error));
  });

  const ask = (request: Request, id = ++nextId): Promise<readonly unknown[]> =>
    new Promise((resolve, reject) => {
      if (failed !== undefined) {
        reject(failed);
        return;
      }
      // Like a socket with a request out: the worker keeps the process alive only while a request waits.
      if (waiting.size === 0) worker.ref();
      waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } as WorkerRequest);
    });

  const executorIn = (tx: number | undefined): SqlExecutor => {
    const self: SqlExecutor = {
      kind: 'pglite',
      query: async <R>(sql: string, params?: readonly SqlValue[], options?: SqlQueryOptions): Promise<SqlResult<R>> => ({
        rows: (await ask({ op: 'query', sql, params, tx, prepare: options?.prepare === true })) as R[],
      }),
      exec: async (sql: string) => {
        await ask({ op: 'exec', sql, tx });
      },
      transaction: <T>(fn: (inner: SqlExecutor) => Promise<T>): Promise<T> => (tx === undefined ? transaction(fn) : withSavepoint(self, fn)),
      listen: async (channel: string, onNotify: (payload: string) => void) => {
        if (tx !== undefined) throw new Error('listen() is not available inside a transaction');
        assertSqlIdentifier(channel, 'channel');
        listeners.set(channel, onNotify);
        await ask({ op: 'listen', channel });
        return async () => {
          listeners.delete(channel);
          if (failed === undefined) await ask({ op: 'unlisten', channel });
        };
      },
      close: () => Promise.reject(new Error('close() is not available inside a transaction')),
    };
    return self;
  };

  const transaction = async <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => {
    // The transaction is named by the id of the request that opens it.
    const tx = ++nextId;
    await ask({ op: 'begin' }, tx);
    let result: T;
    try {
      result = await fn(executorIn(tx));
    } catch (error) {
      await ask({ op: 'end', tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await ask({ op: 'end', tx, commit: true });
    return result;
  };

  return {
    executor: executorIn(undefined),
    close: async () => {
      try {
        if (failed === undefined) await ask({ op: 'close' });
      } finally {
        await worker.terminate();
      }
    },
  };
};
