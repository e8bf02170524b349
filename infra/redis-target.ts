// Where the process's Redis is: one server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES,
// exclusive with REDIS_URL), and the one function that opens a client on either.
import type { OpenRedisOptions, Redis, RedisClient } from './redis.js';
import { isCluster, openRedis, redactUrl } from './redis.js';
import { openClusterLeaseClients, openRedisCluster } from './redis-cluster.js';

export type RedisTarget =
  | { readonly kind: 'standalone'; readonly url: string }
  /** Seeds `host:port`: any reachable node tells ioredis the rest. */
  | { readonly kind: 'cluster'; readonly nodes: readonly string[] };

/** The target as logs and errors may show it (a URL's password hidden). */
export const describeRedisTarget = (target: RedisTarget): string =>
  target.kind === 'standalone' ? redactUrl(target.url) : `cluster ${target.nodes.join(',')}`;

/** Opens a client named `name` on the target (openRedis or openRedisCluster: same options, same failures at start). */
export const openRedisTarget = (target: RedisTarget, name: string, options: OpenRedisOptions = {}): Promise<RedisClient> =>
  target.kind === 'standalone' ? openRedis(target.url, name, options) : openRedisCluster(target.nodes, name, options);

/**
 * The independent Redis instances the auction lease (Redlock) runs over, given the shared client:
 * on one server, that client itself (nothing opened); on a cluster, one plain connection per master
 * (openClusterLeaseClients), which the caller closes.
 */
export const openLeaseClients = async (client: RedisClient, name: string, options: OpenRedisOptions = {}): Promise<{ readonly clients: readonly Redis[]; readonly opened: boolean }> =>
  isCluster(client) ? { clients: await openClusterLeaseClients(client, name, options), opened: true } : { clients: [client], opened: false };
