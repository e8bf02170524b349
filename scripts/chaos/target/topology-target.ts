// The suite's target: the topology launcher (scripts/topology/: HAProxy in front of two API nodes
// and two realtime nodes, with a publisher, a projector and a scheduler, each its own
// `node dist/scripts/start.js` process) on the suite's own services: a database of its own on the
// suite's PostgreSQL, its single Redis (a database of its own) or its Redis Cluster, and as the bus
// its Kafka broker with a topic of its own or its RabbitMQ node with a stream of its own. The
// clients talk to the balancer only; faults kill and restart nodes by name.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisTarget } from '../../../infra/index.js';
import { startTopology } from '../../topology/index.js';
import type { Topology } from '../../topology/index.js';
import type { Cleanup } from '../cleanup.js';
import type { KafkaBroker, PostgresServer, RabbitmqServer, RedisClusterService, RedisServer } from '../services/index.js';
import type { ChaosServices, ChaosTarget } from './chaos-target.js';

export interface TopologyTargetOptions {
  /** A short name for the report and the logs' folder (`<dir>/logs-<name>`). */
  readonly name: string;
  /** The suite's scratch folder (.chaos). */
  readonly dir: string;
  /** The balancer's port; the nodes take the ports after it (scripts/topology/layout.ts: base to base+32). */
  readonly basePort: number;
  readonly cleanup: Cleanup;
  readonly postgres: PostgresServer;
  /** The database of this target on the suite's PostgreSQL (created when missing). */
  readonly database: string;
  /** The single Redis (`db`: the database number of this target, default 0) or the Redis Cluster. */
  readonly redis:
    | { readonly kind: 'standalone'; readonly server: RedisServer; readonly db?: number }
    | { readonly kind: 'cluster'; readonly cluster: RedisClusterService };
  /**
   * The bus: the Kafka broker with KAFKA_TOPIC (the projectors' KAFKA_GROUP_ID_PREFIX derives from
   * it), or the RabbitMQ node with RABBITMQ_STREAM.
   */
  readonly bus:
    | { readonly kind: 'kafka'; readonly broker: KafkaBroker; readonly topic: string }
    | { readonly kind: 'rabbitmq'; readonly node: RabbitmqServer; readonly stream: string };
  readonly say: (line: string) => void;
}

/** Variables of the caller's environment that must not reach the nodes (the target sets its own). */
const serviceVariables = [
  'DATABASE_URL', 'REDIS_URL', 'REDIS_CLUSTER_NODES', 'KAFKA_BROKERS', 'KAFKA_TOPIC', 'KAFKA_GROUP_ID_PREFIX', 'RABBITMQ_URL', 'RABBITMQ_STREAM',
  'EVENTSTORE_URL', 'DATA_DIR', 'CHECKPOINT_SIGNING_KEY',
];

const ready = async (opsUrl: string): Promise<boolean> => {
  try {
    const response = await fetch(`${opsUrl}/ready`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
};

/** Polls `check` up to `timeoutMs`; whether it came true. */
const within = async (check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
};

export const startTopologyTarget = async (options: TopologyTargetOptions): Promise<ChaosTarget> => {
  const { name, dir, basePort, cleanup, postgres, redis, bus, say } = options;
  const logsDir = join(dir, `logs-${name}`);
  mkdirSync(logsDir, { recursive: true });
  const databaseUrl = `postgres://postgres@127.0.0.1:${postgres.port}/${options.database}`;
  const secrets = { jwt: randomBytes(32).toString('hex'), pseudonym: randomBytes(32).toString('hex') };
  const env = Object.fromEntries(Object.entries(process.env).filter(([variable]) => !serviceVariables.includes(variable)));
  const redisTarget: RedisTarget = redis.kind === 'standalone'
    ? { kind: 'standalone', url: new URL(`/${redis.db ?? 0}`, redis.server.url).toString() }
    : { kind: 'cluster', nodes: redis.cluster.seeds.split(',') };

  say(`starting the topology ${name} on ports ${basePort}-${basePort + 32} (HAProxy at ${basePort}; logs in ${logsDir})`);
  const topology: Topology = await startTopology({
    basePort,
    databaseUrl,
    ...(redisTarget.kind === 'standalone' ? { redisUrl: redisTarget.url } : { redisClusterNodes: redisTarget.nodes.join(',') }),
    ...(bus.kind === 'kafka'
      ? { kafkaBrokers: bus.broker.brokers, startKafka: false, kafkaTopic: bus.topic, kafkaGroupIdPrefix: `${bus.topic}.projector.` }
      : { rabbitmq: { url: bus.node.url, stream: bus.stream } }),
    env,
    nodeEnv: {
      AUTH_JWT_SECRET: secrets.jwt,
      PSEUDONYM_SECRET: secrets.pseudonym,
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
      // The load is the suite's, from one address and a few users: no limit should refuse it.
      RATE_LIMIT_PER_MINUTE: '60000',
      // A projector killed mid-batch holds its partitions until its session lapses: the broker's
      // least (6 s) rather than the client's 30 s, so that three kills fit in the suite's time.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    },
    logsDir,
  });
  cleanup.add({
    name: `topology ${name}`,
    remove: () => topology.stop(),
    removeNow: () => {
      for (const pid of [...topology.nodes.map((n) => n.pid), topology.gateway.pid]) {
        try {
          if (pid !== undefined) process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    },
  });

  const services: ChaosServices = {
    postgres,
    ...(redis.kind === 'standalone' ? { redis: redis.server } : { redisCluster: redis.cluster }),
    ...(bus.kind === 'kafka' ? { kafka: bus.broker } : { rabbitmq: bus.node }),
  };

  const heal = async (): Promise<string[]> => {
    const repaired: string[] = [];
    for (const service of [postgres, bus.kind === 'kafka' ? bus.broker : bus.node, ...(redis.kind === 'standalone' ? [redis.server] : [])]) {
      if (!service.running()) {
        await service.start();
        repaired.push(`${service.name} was not running: started it`);
      }
    }
    if (redis.kind === 'cluster') {
      for (const port of redis.cluster.ports) {
        if (!redis.cluster.running(port)) {
          await redis.cluster.startNode(port);
          repaired.push(`Redis Cluster node ${port} was not running: started it`);
        }
      }
    }
    for (const node of topology.nodes) {
      if (node.pid !== undefined && (await within(() => ready(node.opsUrl), 10_000))) continue;
      await topology.restart(node.name);
      repaired.push(`${node.name} was ${node.pid === undefined ? 'not running' : 'not ready'}: restarted it`);
    }
    for (const node of topology.nodes) if (node.servers.length > 0) await topology.waitForGateway(node.name, 'in');
    return repaired;
  };

  const redisDescription = redis.kind === 'standalone' ? `Redis :${redis.server.port} (db ${redis.db ?? 0})` : `Redis Cluster ${redis.cluster.ports[0]}-${redis.cluster.ports.at(-1)} (3 masters, 3 replicas)`;
  const busDescription = bus.kind === 'kafka' ? `Kafka ${bus.broker.brokers} (topic ${bus.topic})` : `RabbitMQ :${bus.node.port} (stream ${bus.stream})`;
  return {
    description: `topology ${name}: HAProxy :${basePort} in front of ${topology.nodes.map((n) => n.name).join(', ')}; PostgreSQL :${postgres.port} (${options.database}), ${redisDescription}, ${busDescription}`,
    url: topology.url,
    realtimeUrl: topology.realtimeUrl,
    databaseUrl,
    redis: redisTarget,
    secrets,
    nodes: topology.nodes.map((n) => ({ name: n.name, roles: n.roles, opsUrl: n.opsUrl })),
    services,
    kill: async (node, signal = 'SIGKILL') => {
      await topology.kill(node, signal);
    },
    restart: async (node, nodeEnv) => {
      await topology.restart(node, nodeEnv);
    },
    heal,
    stop: () => topology.stop(),
  };
};
