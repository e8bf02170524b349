// The two Redis deployments a Redis suite runs against: one server (REDIS_URL) and a Redis Cluster
// (REDIS_CLUSTER_NODES, e.g. scripts/redis-cluster/local-cluster.sh). A suite written once runs
// per variant; each variant skips with one line naming its variable when unset, or fails under
// REQUIRE_SERVICES=1 (serviceUrl).
import type { Context } from 'mocha';
import type { Redis, RedisClient, RedisTarget } from '../../infra/index.js';
import { closeRedis, isCluster, loadConfig, openLeaseClients, openRedisTarget } from '../../infra/index.js';
import { serviceUrl } from './services.js';

export interface RedisVariant {
  /** 'Redis' or 'Redis Cluster', for suite names. */
  readonly name: string;
  readonly variable: 'REDIS_URL' | 'REDIS_CLUSTER_NODES';
  /** The target from the environment (read as the process reads it), or the suite skipped. */
  target(ctx: Context, suite: string): RedisTarget;
}

const variant = (name: string, variable: RedisVariant['variable']): RedisVariant => ({
  name,
  variable,
  target: (ctx, suite) => {
    const target = loadConfig({ [variable]: serviceUrl(ctx, variable, `${suite} (${name})`) }).redis;
    if (target === undefined) throw new Error(`${variable} names no Redis`);
    return target;
  },
});

export const redisVariants: readonly RedisVariant[] = [variant('Redis', 'REDIS_URL'), variant('Redis Cluster', 'REDIS_CLUSTER_NODES')];

/** A client on the target, as the process opens it. */
export const openTestRedis = (target: RedisTarget, name: string): Promise<RedisClient> => openRedisTarget(target, name);

/** The keys matching `pattern`: on a cluster, those of every master. */
export const keysMatching = async (client: RedisClient, pattern: string): Promise<string[]> => {
  if (!isCluster(client)) return client.keys(pattern);
  const perMaster = await Promise.all(client.nodes('master').map((node) => node.keys(pattern)));
  return perMaster.flat();
};

/** Deletes the keys matching `pattern` (one DEL per key: on a cluster, one DEL may not cross slots). */
export const deleteKeys = async (client: RedisClient, pattern: string): Promise<void> => {
  const keys = await keysMatching(client, pattern);
  await Promise.all(keys.map((key) => client.del(key)));
};

/**
 * One process's auction-lease instances on the target, as the process opens them (resources.ts):
 * a connection to the server, or one connection per cluster master.
 */
export const openLeaseInstances = async (target: RedisTarget, name: string): Promise<{ readonly clients: readonly Redis[]; close(): Promise<void> }> => {
  const client = await openRedisTarget(target, name);
  const lease = await openLeaseClients(client, name);
  if (!lease.opened) return { clients: lease.clients, close: () => closeRedis(client) };
  await closeRedis(client);
  return { clients: lease.clients, close: async () => void (await Promise.all(lease.clients.map(closeRedis))) };
};
