// The connections a process opens once and shares: the event log with its SQL database, and Redis
// and the Kafka client when configured. Embedded mode (no DATABASE_URL, no REDIS_URL, no
// KAFKA_BROKERS) needs nothing outside the process.
import type { Kafka } from 'kafkajs';
import type { EventLog } from '../../domain/index.js';
import type { Config, Logger, Redis, SqlExecutor } from '../../infra/index.js';
import { closeRedis, createKafka, openRedis } from '../../infra/index.js';
import { openEventLog } from '../../commands/index.js';

export interface Resources {
  readonly config: Config;
  readonly logger: Logger;
  readonly log: EventLog;
  readonly sql: SqlExecutor;
  /** Shared Redis connection (cache, locks, rate limits, idempotency, scheduler), when configured. */
  readonly redis: Redis | undefined;
  /** The process's Kafka client (KAFKA_BROKERS); it connects only when a producer or consumer does. */
  readonly kafka: Kafka | undefined;
  close(): Promise<void>;
}

export const openResources = async (config: Config, logger: Logger): Promise<Resources> => {
  const opened = await openEventLog({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, eventstoreUrl: config.eventstoreUrl });
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
    kafka: config.kafkaBrokers ?? false,
  }, 'resources open');
  return {
    config,
    logger,
    log: opened.log,
    sql: opened.sql,
    redis,
    kafka: config.kafkaBrokers === undefined ? undefined : createKafka({ brokers: config.kafkaBrokers, logger }),
    close: async () => {
      if (redis !== undefined) await closeRedis(redis);
      await opened.close();
    },
  };
};
