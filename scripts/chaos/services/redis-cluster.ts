// The chaos suite's own Redis Cluster: scripts/redis-cluster/local-cluster.sh with three masters and
// one replica each (`start --replicas 1`), on its own ports (REDIS_CLUSTER_PORT, never CI's
// 17001-17006) and folder (REDIS_CLUSTER_DIR). A fault kills one master (SIGKILL of the pid in its
// pid file), watches a replica take its slots over (the cluster's node timeout is 2 s), and starts
// the dead node again (`start-node`: it rejoins as the new master's replica).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { alive, run, waitUntil } from './process-tools.js';

export interface RedisClusterOptions {
  /** The repository's root (where scripts/redis-cluster/local-cluster.sh is). */
  readonly root: string;
  /** REDIS_CLUSTER_DIR; removed by `remove()`. */
  readonly dir: string;
  /** The first node's port; the six nodes take it and the five after it. */
  readonly port: number;
}

/** One node as the cluster sees it (CLUSTER NODES). */
export interface ClusterNode {
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** Marked failed (or possibly failed) by the node asked. */
  readonly failing: boolean;
  /** Its slot ranges, for a master ("0-5460"). */
  readonly slots: readonly string[];
}

export interface RedisClusterService {
  readonly name: string;
  /** REDIS_CLUSTER_NODES for the roles: every node's host:port. */
  readonly seeds: string;
  readonly ports: readonly number[];
  /** CLUSTER NODES as `askPort` (default: the first node that answers) sees them. */
  nodes(askPort?: number): Promise<ClusterNode[]>;
  /** cluster_state (ok, fail) as the node on `port` reports it, or undefined when it does not answer. */
  state(port: number): Promise<string | undefined>;
  /** SIGKILL of the node on `port`; resolves once it is gone. */
  killNode(port: number): Promise<void>;
  /** Starts the node on `port` again (it rejoins); resolves once it answers. */
  startNode(port: number): Promise<void>;
  /** Whether the node on `port` runs. */
  running(port: number): boolean;
  remove(): Promise<void>;
  removeNow(): void;
}

const HOST = '127.0.0.1';

const redisCli = (port: number, ...args: string[]): Promise<string> => run('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeoutMs: 5_000 });

/** Parses CLUSTER NODES: `<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot>...`. */
export const parseClusterNodes = (text: string): ClusterNode[] =>
  text.trim().split('\n').filter((line) => line.trim() !== '').map((line) => {
    const [, address = '', flags = '', , , , , , ...slots] = line.trim().split(/\s+/);
    const flagList = flags.split(',');
    return {
      port: Number(address.split('@')[0]!.split(':').pop()),
      role: flagList.includes('master') ? 'master' : 'replica',
      failing: flagList.includes('fail') || flagList.includes('fail?'),
      slots: slots.filter((s) => !s.startsWith('[')),
    };
  });

export const startRedisCluster = async (options: RedisClusterOptions): Promise<RedisClusterService> => {
  const { root, dir, port } = options;
  const script = join(root, 'scripts/redis-cluster/local-cluster.sh');
  const env = { ...process.env, REDIS_CLUSTER_PORT: String(port), REDIS_CLUSTER_DIR: dir, REDIS_CLUSTER_HOST: HOST };
  const ports = Array.from({ length: 6 }, (_, i) => port + i);
  const pidOf = (p: number): number | undefined => {
    try {
      const pid = Number(readFileSync(join(dir, String(p), 'redis.pid'), 'utf8').trim());
      return Number.isSafeInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  rmSync(dir, { recursive: true, force: true });
  await run('bash', [script, 'start', '--replicas', '1'], { env, timeoutMs: 60_000 });

  const nodes = async (askPort?: number): Promise<ClusterNode[]> => {
    for (const p of askPort !== undefined ? [askPort] : ports.filter((q) => pidOf(q) !== undefined)) {
      try {
        return parseClusterNodes(await redisCli(p, 'cluster', 'nodes'));
      } catch {
        // that node does not answer: ask the next
      }
    }
    throw new Error('no node of the Redis Cluster answers');
  };
  let removed = false;
  const removeNow = (): void => {
    if (removed) return;
    removed = true;
    for (const p of ports) {
      const pid = pidOf(p);
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
    }
    try {
      execFileSync('sleep', ['0.1']);
    } catch {
      // only a pause for the nodes to let go of their files
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    name: 'redis-cluster',
    seeds: ports.map((p) => `${HOST}:${p}`).join(','),
    ports,
    nodes,
    state: async (p) => {
      try {
        return /^cluster_state:(\w+)/m.exec(await redisCli(p, 'cluster', 'info'))?.[1];
      } catch {
        return undefined;
      }
    },
    killNode: async (p) => {
      const pid = pidOf(p);
      if (pid === undefined) return;
      process.kill(pid, 'SIGKILL');
      await waitUntil(async () => !alive(pid), `the Redis Cluster node on ${p} (pid ${pid}) to die`, 10_000, 20);
    },
    startNode: async (p) => {
      await run('bash', [script, 'start-node', String(p)], { env, timeoutMs: 60_000 });
    },
    running: (p) => pidOf(p) !== undefined,
    remove: async () => {
      if (removed) return;
      await run('bash', [script, 'stop'], { env, timeoutMs: 30_000 }).catch(() => undefined);
      removeNow();
    },
    removeNow,
  };
};
