// The messages between an SqlExecutor on the main thread and PGlite in its worker thread
// (pglite-thread.ts, pglite-worker.ts). Requests carry an id; the worker answers each with the same
// id. `tx` names an open transaction: its statements run inside it; statements without one wait
// (PGlite's own mutex) until no transaction is open, as they do on PGlite in this thread.
import type { SqlValue } from './executor.js';

export type WorkerRequest =
  | { readonly id: number; readonly op: 'query'; readonly sql: string; readonly params: readonly SqlValue[] | undefined; readonly tx: number | undefined; readonly prepare: boolean }
  | { readonly id: number; readonly op: 'exec'; readonly sql: string; readonly tx: number | undefined }
  /** Opens a transaction named `id`: answered once it holds PGlite, ended by 'end' with the same `tx`. */
  | { readonly id: number; readonly op: 'begin' }
  | { readonly id: number; readonly op: 'end'; readonly tx: number; readonly commit: boolean }
  | { readonly id: number; readonly op: 'listen'; readonly channel: string }
  | { readonly id: number; readonly op: 'unlisten'; readonly channel: string }
  | { readonly id: number; readonly op: 'close' };

/** A database error's fields (code, constraint, detail...), carried across the thread boundary. */
export interface WorkerError {
  readonly message: string;
  readonly name: string;
  readonly fields: Readonly<Record<string, string | number | undefined>>;
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly rows?: readonly unknown[] }
  | { readonly id: number; readonly ok: false; readonly error: WorkerError }
  /** A NOTIFY on a channel the main thread listens on. */
  | { readonly id: 0; readonly notify: string; readonly payload: string };

/** The worker's start-up data: where PGlite keeps its files ('memory' for none). */
export interface WorkerData {
  readonly dataDir: string;
}

export const toWorkerError = (error: unknown): WorkerError => {
  if (!(error instanceof Error)) return { message: String(error), name: 'Error', fields: {} };
  const fields: Record<string, string | number | undefined> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return { message: error.message, name: error.name, fields };
};

/** An Error on the main thread with the worker's error's message, name and fields (`code`, `constraint`...). */
export const fromWorkerError = (error: WorkerError): Error => {
  const rebuilt = Object.assign(new Error(error.message), error.fields);
  rebuilt.name = error.name;
  return rebuilt;
};
