// The target the suite can run today without the topology launcher: its own PostgreSQL, Redis and
// Kafka (services/), and the roles as two child processes of `node dist/scripts/start.js`, as the
// README's "Running distributed" runs them: `app` (command-api, read-api, realtime, publisher,
// scheduler) and `projector`. The clients talk to `app` directly (no balancer in front).
// Ports: base+1 PostgreSQL, +2 Redis, +3/+4 Kafka (broker, controller), +10 HTTP, +11 WebSocket,
// +12 and +13 the nodes' operations ports.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Cleanup } from '../cleanup.js';
import { startKafkaBroker, startPostgresServer, startRedisServer } from '../services/index.js';
import type { ChaosTarget } from './chaos-target.js';
import { roleProcess } from './role-process.js';
import type { RoleProcess } from './role-process.js';

export interface LocalTargetOptions {
  /** The repository's root. */
  readonly root: string;
  /** The suite's scratch folder (.chaos): one sub-folder per service, and the nodes' logs. */
  readonly dir: string;
  /** The first of the ports the target may use (it takes base+1 to base+13). */
  readonly portBase: number;
  readonly cleanup: Cleanup;
  /** Redis with an append-only file (compose.yaml's setting) or none (comes back empty). */
  readonly redisPersistence: 'aof' | 'none';
  readonly say: (line: string) => void;
}

/** Variables of the caller's environment that must not leak into the nodes (the suite sets its own). */
const serviceVariables = ['DATABASE_URL', 'REDIS_URL', 'REDIS_CLUSTER_NODES', 'KAFKA_BROKERS', 'EVENTSTORE_URL', 'ROLES', 'PORT', 'REALTIME_PORT', 'OPS_PORT', 'DATA_DIR', 'CHECKPOINT_SIGNING_KEY'];

export const startLocalTarget = async (options: LocalTargetOptions): Promise<ChaosTarget> => {
  const { root, dir, portBase: base, cleanup, say } = options;
  mkdirSync(join(dir, 'logs'), { recursive: true });

  say(`starting PostgreSQL on port ${base + 1} (initdb into ${join(dir, 'pg')})`);
  const postgres = cleanup.add(await startPostgresServer({ dir: join(dir, 'pg'), port: base + 1 }));
  say(`starting Redis on port ${base + 2} (persistence: ${options.redisPersistence})`);
  const redis = cleanup.add(await startRedisServer({ dir: join(dir, 'redis'), port: base + 2, persistence: options.redisPersistence }));
  say(`starting Kafka on port ${base + 3}`);
  const kafka = cleanup.add(await startKafkaBroker({ root, dir: join(dir, 'kafka'), port: base + 3, controllerPort: base + 4 }));

  const secrets = { jwt: randomBytes(32).toString('hex'), pseudonym: randomBytes(32).toString('hex') };
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !serviceVariables.includes(name)));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    KAFKA_BROKERS: kafka.brokers,
    AUTH_JWT_SECRET: secrets.jwt,
    PSEUDONYM_SECRET: secrets.pseudonym,
    PORT: String(base + 10),
    REALTIME_PORT: String(base + 11),
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    // The load is the suite's, from one address and a few users: no limit should refuse it.
    RATE_LIMIT_PER_MINUTE: '60000',
    REALTIME_MAX_CONNECTIONS_PER_ADDRESS: '0',
  };
  const nodes: RoleProcess[] = [
    roleProcess({ name: 'app', roles: ['command-api', 'read-api', 'realtime', 'publisher', 'scheduler'], env, opsPort: base + 12, logFile: join(dir, 'logs', 'app.log') }),
    roleProcess({ name: 'projector', roles: ['projector'], env, opsPort: base + 13, logFile: join(dir, 'logs', 'projector.log') }),
  ];
  for (const node of nodes) {
    cleanup.add({
      name: node.name,
      remove: () => node.kill('SIGKILL'),
      removeNow: () => {
        const pid = node.pid();
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      },
    });
    say(`starting ${node.name} (${node.roles.join(', ')})`);
    await node.start();
  }

  const nodeNamed = (name: string): RoleProcess => {
    const node = nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no node ${name} (nodes: ${nodes.map((n) => n.name).join(', ')})`);
    return node;
  };
  return {
    description: `local: own PostgreSQL :${base + 1}, Redis :${base + 2}, Kafka :${base + 3}; nodes app (command-api, read-api, realtime, publisher, scheduler) and projector`,
    url: `http://127.0.0.1:${base + 10}`,
    realtimeUrl: `ws://127.0.0.1:${base + 11}/v1/realtime`,
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    secrets,
    nodes: nodes.map((n) => ({ name: n.name, roles: n.roles })),
    services: { postgres, redis, kafka },
    kill: (name, signal = 'SIGKILL') => nodeNamed(name).kill(signal),
    restart: (name) => nodeNamed(name).start(),
    stop: async () => {
      await Promise.all(nodes.map(async (node) => {
        const timer = setTimeout(() => void node.kill('SIGKILL'), 15_000);
        await node.kill('SIGTERM');
        clearTimeout(timer);
      }));
    },
  };
};
