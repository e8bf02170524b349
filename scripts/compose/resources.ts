// The connections a process opens once and shares: the event log with its SQL database, and Redis
// (one server or a cluster) and the Kafka client when configured (RabbitMQ's connections are each
// publisher's and consumer's own: only its URL is here). Embedded mode (no DATABASE_URL, no
// REDIS_URL or REDIS_CLUSTER_NODES, no KAFKA_BROKERS or RABBITMQ_URL) needs nothing outside the process.
// Readiness checks the database and Redis.
import type { Kafka } from 'kafkajs';
import type { EventLog } from '../../domain/index.js';
import type { Config, Logger, Redis, RedisClient, ResourceCheck, SqlExecutor } from '../../infra/index.js';
import { closeRedis, createKafka, describeAmqpUrl, describeRedisTarget, openLeaseClients, openRedisTarget } from '../../infra/index.js';
import { openEventLog } from '../../commands/index.js';
import { analyticsMigrations, notificationMigrations, readModelMigrations } from '../../projections/index.js';

export interface Resources {
  readonly config: Config;
  readonly logger: Logger;
  readonly log: EventLog;
  readonly sql: SqlExecutor;
  /** Shared Redis connection (cache, locks, rate limits, idempotency, scheduler), when configured: one server's or a cluster's. */
  readonly redis: RedisClient | undefined;
  /**
   * The independent instances the auction lease's Redlock runs over: the shared connection on one
   * server; one connection per master on a cluster (empty without Redis).
   */
  readonly leaseClients: readonly Redis[];
  /** The process's Kafka client (KAFKA_BROKERS); it connects only when a producer or consumer does. */
  readonly kafka: Kafka | undefined;
  /** RabbitMQ as the bus (RABBITMQ_URL, when KAFKA_BROKERS is absent). */
  readonly rabbitmqUrl: string | undefined;
  /** What readiness checks, by name: `database` (a query), `redis` (its connection is up). */
  readonly checks: Readonly<Record<string, ResourceCheck>>;
  close(): Promise<void>;
}

/** Redis is up while its connection is ready (no round trip: ioredis knows when it reconnects). */
const redisCheck = (redis: RedisClient): ResourceCheck => () =>
  redis.status === 'ready' ? Promise.resolve() : Promise.reject(new Error(`the connection is ${redis.status}`));

export const openResources = async (config: Config, logger: Logger): Promise<Resources> => {
  const opened = await openEventLog({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    eventstoreUrl: config.eventstoreUrl,
    migrations: [...readModelMigrations, ...notificationMigrations, ...analyticsMigrations],
  });
  let redis: RedisClient | undefined;
  let lease: { readonly clients: readonly Redis[]; readonly opened: boolean } = { clients: [], opened: false };
  try {
    redis = config.redis === undefined ? undefined : await openRedisTarget(config.redis, 'gavelstream', { logger });
    if (redis !== undefined) lease = await openLeaseClients(redis, 'gavelstream', { logger });
  } catch (error) {
    if (redis !== undefined) await closeRedis(redis);
    await opened.close();
    throw error;
  }
  logger.info({
    eventLog: config.eventstoreUrl !== undefined ? 'eventstoredb' : config.databaseUrl !== undefined ? 'postgresql' : `pglite:${config.dataDir}`,
    redis: config.redis === undefined ? false : describeRedisTarget(config.redis),
    kafka: config.kafkaBrokers ?? false,
    rabbitmq: config.rabbitmqUrl === undefined ? false : describeAmqpUrl(config.rabbitmqUrl),
  }, 'resources open');
  if (config.rabbitmqIgnored) logger.warn('both KAFKA_BROKERS and RABBITMQ_URL are set: Kafka is the bus, RABBITMQ_URL is not used (unset one of them)');
  return {
    config,
    logger,
    log: opened.log,
    sql: opened.sql,
    redis,
    leaseClients: lease.clients,
    kafka: config.kafkaBrokers === undefined ? undefined : createKafka({ brokers: config.kafkaBrokers, logger }),
    rabbitmqUrl: config.rabbitmqUrl,
    checks: {
      database: async () => {
        await opened.sql.query('SELECT 1');
      },
      ...(redis !== undefined ? { redis: redisCheck(redis) } : {}),
    },
    close: async () => {
      if (lease.opened) await Promise.all(lease.clients.map(closeRedis));
      if (redis !== undefined) await closeRedis(redis);
      await opened.close();
    },
  };
};
