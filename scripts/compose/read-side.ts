// The read side's object graph: the projector role (the PostgreSQL read-model projector fed by an
// event source: the event log itself unless another source is given) and the read-api role's
// router. Both name bidders with the same pseudonymiser, so the two always agree.
import type { Router } from 'express';
import { pseudonymiser } from '../../infra/index.js';
import { CheckpointMovedError, ReadModelProjector, logEventSource } from '../../projections/index.js';
import type { EventSource, ParkingMonitor, RunningProjection } from '../../projections/index.js';
import { readRoutes } from '../../read-api/index.js';
import type { ReadRoutesDeps } from '../../read-api/index.js';
import type { Resources } from './resources.js';

export interface ProjectionSourceOptions {
  /** Events per batch from the log source (default 500). */
  readonly batchSize?: number;
  /** How long the log source waits after a small batch so that the next one grows (default 0). */
  readonly lingerMs?: number;
}

/**
 * The read-model projector's linger on the log: each of its batches is a transaction of a few
 * statements, so while bids stream in it takes them a few milliseconds' worth at a time. The
 * live cache (WebSocket frames) reads without one.
 */
export const READ_MODEL_LINGER_MS = 15;

/** The event log itself as the projector role's source (from each projector's 'log' checkpoint). */
export const logSourceFor = (r: Resources, options: ProjectionSourceOptions = {}): EventSource =>
  logEventSource(r.log, {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.lingerMs !== undefined ? { lingerMs: options.lingerMs } : {}),
    onError: (err) => {
      if (err instanceof CheckpointMovedError) r.logger.warn({ err }, 'projection checkpoint moved by another instance; resuming from it');
      else r.logger.error({ err }, 'projection failed; retrying');
    },
  });

export const startReadModelProjection = async (r: Resources, source: EventSource, parking?: ParkingMonitor): Promise<RunningProjection> => {
  const { logger } = r;
  const projector = new ReadModelProjector({
    sql: r.sql,
    pseudonym: pseudonymiser(r.config.pseudonymSecret),
    ...(parking !== undefined ? { parking } : {}),
    onApplied: ({ source, position, applied, delivered }) => logger.debug({ source, position, applied, delivered }, 'read models projected'),
  });
  parking?.register(projector.name, () => projector.parkedStreams());
  const running = await source.run(projector);
  logger.info({ projection: projector.name }, 'read-model projection running');
  return running;
};

export type ReadRouterOptions = Pick<ReadRoutesDeps, 'minVersionWaitMs' | 'exportPageSize' | 'clock' | 'checkpoints'>;

export const buildReadRouter = (r: Resources, options: ReadRouterOptions = {}): Router =>
  readRoutes({ ...options, sql: r.sql, log: r.log, pseudonym: pseudonymiser(r.config.pseudonymSecret) });
