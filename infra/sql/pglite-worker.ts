// The worker thread that runs PGlite (pglite-thread.ts starts it): the WebAssembly and PGlite's
// protocol parsing run here, beside the HTTP event loop. It answers the requests of
// pglite-protocol.ts one by one as PGlite takes them.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import type { WorkerData, WorkerReply, WorkerRequest } from './pglite-protocol.js';
import { toWorkerError } from './pglite-protocol.js';
import { preparedQueries } from './pglite-prepared.js';

const port = parentPort;
if (port === null) throw new Error('pglite-worker.js runs as a worker thread');
const { dataDir } = workerData as WorkerData;
const db = dataDir === 'memory' ? await PGlite.create() : await PGlite.create(dataDir);

const prepared = preparedQueries(db);
const reply = (message: WorkerReply): void => port.postMessage(message);

interface OpenTransaction {
  readonly tx: Transaction;
  /** Commits or rolls back; the request `replyTo` is answered once PGlite has. */
  readonly end: (commit: boolean, replyTo: number) => void;
}
const transactions = new Map<number, OpenTransaction>();
const listeners = new Map<string, () => Promise<void>>();

/** A deliberate rollback: the transaction's callback throws it so that PGlite rolls back. */
const ROLLBACK = Symbol('rollback');

const executorOf = (tx: number | undefined): PGlite | Transaction => {
  if (tx === undefined) return db;
  const open = transactions.get(tx);
  if (open === undefined) throw new Error(`transaction ${tx} is not open`);
  return open.tx;
};

/**
 * Opens transaction `id` with PGlite's own transaction() (which holds PGlite's mutex until it
 * ends), answers `id` once it holds it, and keeps it open until the request 'end'.
 */
const begin = (id: number): void => {
  let begun = false;
  let endedBy = id;
  const answer = (error: unknown): void => {
    transactions.delete(id);
    reply(error === undefined || error === ROLLBACK ? { id: endedBy, ok: true } : { id: endedBy, ok: false, error: toWorkerError(error) });
  };
  db.transaction((tx) => new Promise<void>((resolve, reject) => {
    begun = true;
    transactions.set(id, {
      tx,
      end: (commit, replyTo) => {
        endedBy = replyTo;
        if (commit) resolve();
        else reject(ROLLBACK);
      },
    });
    reply({ id, ok: true });
  })).then(() => answer(undefined), (error: unknown) => {
    // A failure before the callback ran (BEGIN itself) answers the 'begin' request.
    if (!begun) endedBy = id;
    answer(error);
  });
};

const handle = async (request: WorkerRequest): Promise<WorkerReply | undefined> => {
  switch (request.op) {
    case 'query': {
      const params = request.params === undefined ? [] : [...request.params];
      // Hot statements (`prepare`) run as named statements: parsed and planned once (pglite-prepared.ts).
      const executor = executorOf(request.tx);
      const result = await ((request.prepare ? prepared.run(request.sql, params, request.tx !== undefined) : undefined) ?? executor.query(request.sql, params));
      return { id: request.id, ok: true, rows: result.rows };
    }
    case 'exec':
      await executorOf(request.tx).exec(request.sql);
      return { id: request.id, ok: true };
    case 'begin':
      begin(request.id);
      return undefined;
    case 'end': {
      const open = transactions.get(request.tx);
      if (open === undefined) throw new Error(`transaction ${request.tx} is not open`);
      open.end(request.commit, request.id);
      return undefined;
    }
    case 'listen': {
      const unlisten = await db.listen(request.channel, (payload) => reply({ id: 0, notify: request.channel, payload }));
      listeners.set(request.channel, unlisten);
      return { id: request.id, ok: true };
    }
    case 'unlisten': {
      const unlisten = listeners.get(request.channel);
      listeners.delete(request.channel);
      if (unlisten !== undefined && !db.closed) await unlisten();
      return { id: request.id, ok: true };
    }
    case 'close':
      if (!db.closed) await db.close();
      return { id: request.id, ok: true };
  }
};

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (answer) => {
      if (answer !== undefined) reply(answer);
    },
    (error: unknown) => reply({ id: request.id, ok: false, error: toWorkerError(error) }),
  );
});
reply({ id: 0, ok: true });
