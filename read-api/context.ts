// What every read route shares: its dependencies with defaults filled in, and small helpers.
import type { Response } from 'express';
import type { CheckpointArchive, EventLog } from '../domain/index.js';
import type { AuthenticatedUser, Pseudonymiser, SqlExecutor } from '../infra/index.js';
import { invalidRequest } from '../infra/index.js';
import { auctionVersion } from './auction-queries.js';
import { waitForVersion } from './min-version.js';

export interface ReadRoutesDeps {
  /** The database of the read models (and of the write side's `bid_attempts`). */
  readonly sql: SqlExecutor;
  /** The event log, read by the auditors' chain verification. */
  readonly log: EventLog;
  /** Bidders' public names: must be the one the projectors use (same secret). */
  readonly pseudonym: Pseudonymiser;
  /** The server's clock (status of live auctions: scheduled before startsAt, then open). */
  readonly clock?: () => Date;
  /** How long `?minVersion=N` waits for the read model before answering 503 (default 5000 ms). */
  readonly minVersionWaitMs?: number;
  /** Rows fetched per page of a streamed export (default 500). */
  readonly exportPageSize?: number;
  /** The log's signed checkpoints; absent when checkpoints are disabled (no signing key). */
  readonly checkpoints?: CheckpointArchive | undefined;
}

export interface ReadContext {
  readonly sql: SqlExecutor;
  readonly log: EventLog;
  readonly pseudonym: Pseudonymiser;
  readonly clock: () => Date;
  readonly minVersionWaitMs: number;
  readonly exportPageSize: number;
  readonly checkpoints: CheckpointArchive | undefined;
}

export const readContext = (deps: ReadRoutesDeps): ReadContext => {
  const minVersionWaitMs = deps.minVersionWaitMs ?? 5_000;
  const exportPageSize = deps.exportPageSize ?? 500;
  if (!Number.isSafeInteger(minVersionWaitMs) || minVersionWaitMs < 0) throw new Error(`minVersionWaitMs must be a whole number of milliseconds, got ${minVersionWaitMs}`);
  if (!Number.isSafeInteger(exportPageSize) || exportPageSize < 1) throw new Error(`exportPageSize must be a positive integer, got ${exportPageSize}`);
  return {
    sql: deps.sql,
    log: deps.log,
    pseudonym: deps.pseudonym,
    clock: deps.clock ?? (() => new Date()),
    minVersionWaitMs,
    exportPageSize,
    checkpoints: deps.checkpoints,
  };
};

/** Aborted when the response closes before it was sent (the client went away). */
export const clientGoneSignal = (res: Response): AbortSignal => {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
};

/** Waits for `?minVersion=N`, when given (see min-version.ts). */
export const awaitMinVersion = async (ctx: ReadContext, res: Response, auctionId: string, minVersion: number | undefined): Promise<void> => {
  if (minVersion === undefined) return;
  await waitForVersion({
    auctionId,
    minVersion,
    waitMs: ctx.minVersionWaitMs,
    versionOf: () => auctionVersion(ctx.sql, auctionId),
    signal: clientGoneSignal(res),
  });
};

/** Public answers differ with the bearer token (the caller's own fields): caches must key on it. */
export const publicCaching = (res: Response, caller: AuthenticatedUser | undefined): void => {
  res.vary('Authorization');
  res.setHeader('Cache-Control', caller === undefined ? 'no-cache' : 'private, no-cache');
};

export const auditCaching = (res: Response): void => {
  res.setHeader('Cache-Control', 'no-store');
};

/** 400 for a cursor handed back with other filters than the page it came from. */
export const foreignCursor = (message: string) => invalidRequest(`invalid request: query.cursor ${message}`, [{ path: 'query.cursor', message }]);
