// A Redis Cluster (REDIS_CLUSTER_NODES): the shared ioredis Cluster, opened and checked at start as
// openRedis does for one server, and the plain connections the auction lease's Redlock runs over,
// one per master, as its algorithm intends (independent instances, a majority of them to hold).
import { Cluster } from 'ioredis';
import type { Redis } from 'ioredis';
import type { OpenRedisOptions } from './redis.js';
import { connectionOptions, openRedis, reconnectDelayMs, startClient } from './redis.js';
import { slotOf } from './redis-slots.js';

/** `host:port` as ioredis takes a cluster seed. */
const seed = (node: string): { host: string; port: number } => {
  const at = node.lastIndexOf(':');
  return { host: node.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(node.slice(at + 1)) };
};

/**
 * Opens a Cluster client named `name` from its seeds (`host:port`), and waits until it knows the
 * slots and the cluster says `cluster_state:ok`. Failing that within the start timeout, rejects with
 * an Error naming the seeds and the cause; nothing is left running. After the start, ioredis follows
 * the cluster: MOVED and ASK redirections, failovers (a replica promoted), reconnections with a
 * capped backoff. Commands are auto-pipelined per node.
 */
export const openRedisCluster = async (nodes: readonly string[], name: string, options: OpenRedisOptions = {}): Promise<Cluster> => {
  const shown = nodes.join(',');
  if (nodes.length === 0) throw new Error(`Redis Cluster (${name}): no seed nodes given`);
  const client = new Cluster(nodes.map(seed), {
    lazyConnect: true,
    enableAutoPipelining: true,
    enableReadyCheck: true,
    clusterRetryStrategy: reconnectDelayMs,
    redisOptions: connectionOptions(name, options),
  });
  await startClient(client, { what: 'Redis Cluster', name, shown, options });
  const nodeName = (node: Redis) => `${node.options.host}:${node.options.port}`;
  client.on('+node', (node: Redis) => options.logger?.info({ redis: name, node: nodeName(node) }, 'redis cluster: node added'));
  client.on('-node', (node: Redis) => options.logger?.warn({ redis: name, node: nodeName(node) }, 'redis cluster: node removed'));
  return client;
};

/** A master of the cluster and the slot ranges it serves. */
export interface ClusterMaster {
  readonly host: string;
  readonly port: number;
  readonly slots: readonly (readonly [first: number, last: number])[];
}

/** The cluster's masters now, from CLUSTER SLOTS, in address order. */
export const clusterMasters = async (cluster: Cluster): Promise<ClusterMaster[]> => {
  const reply = await cluster.cluster('SLOTS');
  const masters = new Map<string, { host: string; port: number; slots: [number, number][] }>();
  for (const [first, last, ...nodes] of reply) {
    if (nodes[0] === undefined) continue;
    const [host, port] = nodes[0];
    const key = `${host}:${port}`;
    const master = masters.get(key) ?? { host, port, slots: [] };
    master.slots.push([first, last]);
    masters.set(key, master);
  }
  return [...masters.values()].sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
};

/**
 * A hash tag whose slot the master serves (`{gs-lease-<n>}`, the first n that fits). A plain
 * connection to a cluster master may only touch keys of its own slots: prefixed with this tag,
 * the lease keys of every auction land in one slot of that master.
 */
export const masterHashTag = (master: ClusterMaster): string => {
  for (let n = 0; n < 1_000_000; n++) {
    const tag = `{gs-lease-${n}}`;
    const slot = slotOf(tag);
    if (master.slots.some(([first, last]) => slot >= first && slot <= last)) return tag;
  }
  throw new Error(`no hash tag found for the slots of ${master.host}:${master.port}`);
};

/**
 * One plain connection per master of the cluster (as CLUSTER SLOTS names them at start), each
 * prefixing its keys with a hash tag of its own slots: the independent instances the auction
 * lease's Redlock asks, a majority of which must grant it. The set is fixed at start: a master
 * replaced by failover stays one lost vote until the process restarts (the lease fails open).
 */
export const openClusterLeaseClients = async (cluster: Cluster, name: string, options: OpenRedisOptions = {}): Promise<Redis[]> => {
  const masters = await clusterMasters(cluster);
  const opened: Redis[] = [];
  try {
    for (const [i, master] of masters.entries()) {
      const host = master.host.includes(':') ? `[${master.host}]` : master.host;
      opened.push(await openRedis(`redis://${host}:${master.port}`, `${name}-lease-${i}`, { ...options, keyPrefix: masterHashTag(master) }));
    }
  } catch (error) {
    for (const client of opened) client.disconnect();
    throw error;
  }
  return opened;
};
