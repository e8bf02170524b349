// The connections a process opens once and shares: the event log with its SQL database, and Redis
// when configured. Embedded mode (no DATABASE_URL, no REDIS_URL) needs nothing outside the process.
import type { EventLog } from '../../domain/index.js';
import type { Config, Logger, Redis, SqlExecutor } from '../../infra/index.js';
import { closeRedis, openRedis } from '../../infra/index.js';
import { openEventLog } from '../../commands/index.js';
import { readModelMigrations } from '../../projections/index.js';

export interface Resources {
  readonly config: Config;
  readonly logger: Logger;
  readonly log: EventLog;
  readonly sql: SqlExecutor;
  /** Shared Redis connection (cache, locks, rate limits, idempotency, scheduler), when configured. */
  readonly redis: Redis | undefined;
  close(): Promise<void>;
}

export const openResources = async (config: Config, logger: Logger): Promise<Resources> => {
  const opened = await openEventLog({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    eventstoreUrl: config.eventstoreUrl,
    migrations: readModelMigrations,
  });
  let redis: Redis | undefined;
  try {
    redis = config.redisUrl === undefined ? undefined : await openRedis(config.redisUrl, 'gavelstream', { logger });
  } catch (error) {
    await opened.close();
    throw error;
  }
  logger.info({
    eventLog: config.eventstoreUrl !== undefined ? 'eventstoredb' : config.databaseUrl !== undefined ? 'postgresql' : `pglite:${config.dataDir}`,
    redis: redis !== undefined,
  }, 'resources open');
  return {
    config,
    logger,
    log: opened.log,
    sql: opened.sql,
    redis,
    close: async () => {
      if (redis !== undefined) await closeRedis(redis);
      await opened.close();
    },
  };
};
