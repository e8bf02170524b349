// The read side's object graph: the projector role (the PostgreSQL read-model projector fed by an
// event source: the event log itself unless another source is given) and the read-api role's
// router. Both name bidders with the same pseudonymiser, so the two always agree.
import type { Router } from 'express';
import { pseudonymiser } from '../../infra/index.js';
import { CheckpointMovedError, ReadModelProjector, logEventSource } from '../../projections/index.js';
import type { EventSource, RunningProjection } from '../../projections/index.js';
import { readRoutes } from '../../read-api/index.js';
import type { ReadRoutesDeps } from '../../read-api/index.js';
import type { Resources } from './resources.js';

export interface ReadModelProjectionOptions {
  /** Where events come from (default: the event log, from the 'log' checkpoint). */
  readonly source?: EventSource;
  /** Events per batch from the log source (default 500). */
  readonly batchSize?: number;
}

export const startReadModelProjection = async (r: Resources, options: ReadModelProjectionOptions = {}): Promise<RunningProjection> => {
  const { logger } = r;
  const projector = new ReadModelProjector({
    sql: r.sql,
    pseudonym: pseudonymiser(r.config.pseudonymSecret),
    onApplied: ({ source, position, applied, delivered }) => logger.debug({ source, position, applied, delivered }, 'read models projected'),
  });
  const source = options.source ?? logEventSource(r.log, {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    onError: (err) => {
      if (err instanceof CheckpointMovedError) logger.warn({ err }, 'read-model checkpoint moved by another instance; resuming from it');
      else logger.error({ err }, 'read-model projection failed; retrying');
    },
  });
  const running = await source.run(projector);
  logger.info({ projection: projector.name }, 'read-model projection running');
  return running;
};

export type ReadRouterOptions = Pick<ReadRoutesDeps, 'minVersionWaitMs' | 'exportPageSize' | 'clock'>;

export const buildReadRouter = (r: Resources, options: ReadRouterOptions = {}): Router =>
  readRoutes({ ...options, sql: r.sql, log: r.log, pseudonym: pseudonymiser(r.config.pseudonymSecret) });
