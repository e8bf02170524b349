// The local topology, started and driven from code: PostgreSQL, Redis and Kafka (or RabbitMQ) as
// the machine runs them, each role a `node dist/scripts/start.js` process of its own (layout.ts),
// HAProxy in front with scripts/haproxy/gavelstream.cfg. `npm run topology` (cli.ts), the topology's tests
// and the chaos suite use it; `kill`, `signal` and `restart` act on one process by name.
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessRole, RedisTarget } from '../../infra/index.js';
import { haproxyVariables, planTopology, portsOf } from './layout.js';
import type { NodePlan, NodePorts } from './layout.js';
import { spawnLogged, stopChild } from './processes.js';
import type { Child, Exit } from './processes.js';
import { gatewayServers, httpGet, isDown, readinessAt, waitFor } from './probes.js';
import type { ServerStatus } from './probes.js';
import { answers, checkRedis, ensureDatabase, firstBroker, localKafka } from './services.js';
import type { TopologyState } from './state.js';

/** The repository's root (this file runs from dist/scripts/topology/). */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The balancer's configuration, shared with compose.yaml. */
export const haproxyConfig = join(repositoryRoot, 'scripts', 'haproxy', 'gavelstream.cfg');

export const DEFAULT_BASE_PORT = 3000;
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/gavelstream_topology';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:19092';
/** Above the balancer's detection time (a check every second, two failures: at most 2 s). */
export const DEFAULT_DRAIN_MS = 3_000;

export interface TopologyOptions {
  /** The balancer listens on it; every other port follows from it (layout.ts). Default 3000. */
  readonly basePort?: number;
  /** Default DATABASE_URL, else postgres://postgres@127.0.0.1:5432/gavelstream_topology; created when missing. */
  readonly databaseUrl?: string;
  /** Default REDIS_URL, else redis://127.0.0.1:6379/0. */
  readonly redisUrl?: string;
  /** A Redis Cluster's seeds (host:port,...) instead of `redisUrl`: the nodes get REDIS_CLUSTER_NODES. Never taken from the environment. */
  readonly redisClusterNodes?: string;
  /** Default KAFKA_BROKERS, else 127.0.0.1:19092. */
  readonly kafkaBrokers?: string;
  /** When no broker answers: start one with scripts/kafka/local-kafka.sh (default), or fail. */
  readonly startKafka?: boolean;
  /** KAFKA_TOPIC and KAFKA_GROUP_ID_PREFIX of every node (tests give each topology its own). */
  readonly kafkaTopic?: string;
  readonly kafkaGroupIdPrefix?: string;
  /**
   * RabbitMQ as the bus instead of Kafka: every node gets RABBITMQ_URL and RABBITMQ_STREAM (its
   * stream queue) and no KAFKA_BROKERS, KAFKA_TOPIC nor KAFKA_GROUP_ID_PREFIX; Kafka is neither
   * looked for nor started, and the node must answer. Never taken from the environment.
   */
  readonly rabbitmq?: { readonly url: string; readonly stream: string };
  /** What every process inherits (default process.env); the topology's own variables win. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** More variables for every node (AUTH_JWT_SECRET, LOG_LEVEL, RATE_LIMIT_PER_MINUTE, ...). */
  readonly nodeEnv?: Readonly<Record<string, string>>;
  /** More variables for HAProxy (GATEWAY_REALTIME_CONNECTIONS_PER_CLIENT). */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
  /** SHUTDOWN_DRAIN_MS of every node; default 3000. */
  readonly drainMs?: number;
  /** Where each process's log goes (<name>.log); default .topology/logs. */
  readonly logsDir?: string;
  /** Processes that outlive this one (`npm run topology -- start`); default false. */
  readonly detached?: boolean;
  /** The HAProxy executable; default findHaproxy(). */
  readonly haproxy?: string;
  /** How long the start may take; default 120 s. */
  readonly startTimeoutMs?: number;
}

export interface TopologyNode {
  readonly name: string;
  readonly roles: readonly ProcessRole[];
  readonly ports: NodePorts;
  /** GET /health, /ready, /metrics of this process. */
  readonly opsUrl: string;
  readonly log: string;
  /** `backend/server` of the balancer's servers this node is. */
  readonly servers: readonly string[];
  /** Undefined while the process is not running. */
  readonly pid: number | undefined;
}

export interface Topology {
  /** The balancer: HTTP (commands, reads, the page). */
  readonly url: string;
  /** The balancer's WebSocket endpoint. */
  readonly realtimeUrl: string;
  /** HAProxy's statistics: `/` (a page), `/;csv`, `/metrics` (Prometheus). */
  readonly statsUrl: string;
  readonly logsDir: string;
  readonly gateway: { readonly pid: number; readonly port: number; readonly statsPort: number; readonly log: string };
  /** Every node, as it is now (a restarted node has a new pid). */
  readonly nodes: readonly TopologyNode[];
  node(name: string): TopologyNode;
  /** Sends `signal` to the node (SIGSTOP, SIGCONT, ...) and returns at once. */
  signal(name: string, signal: NodeJS.Signals): void;
  /** Sends `signal` (default SIGTERM: the graceful stop) and waits for the node's exit. */
  kill(name: string, signal?: NodeJS.Signals): Promise<Exit>;
  /**
   * Stops the node if it runs (SIGTERM), starts it again, and waits until it is ready and back in
   * the balancer's rotation. `env`: variables for this start only, over the node's own (the chaos
   * suite's clock skew); a later restart without them goes back to the plan's.
   */
  restart(name: string, env?: Readonly<Record<string, string>>): Promise<TopologyNode>;
  /** The balancer's view of every server. */
  servers(): Promise<ServerStatus[]>;
  /** Waits until the balancer has every server of the node in rotation ('in': UP) or out of it ('out': DOWN). */
  waitForGateway(name: string, state: 'in' | 'out', timeoutMs?: number): Promise<void>;
  /** What `npm run topology -- stop|status` need (written to .topology/state.json by the CLI). */
  state(): TopologyState;
  /** Stops every process (SIGTERM, SIGKILL after a bound), the balancer, and Kafka if it was started for this topology. */
  stop(): Promise<void>;
}

/**
 * The HAProxy executable: HAPROXY when set, else `haproxy` on PATH or in the sbin folders (Debian
 * installs it in /usr/sbin, which users' PATH often lacks); undefined when there is none.
 */
export const findHaproxy = (env: Readonly<Record<string, string | undefined>> = process.env): string | undefined => {
  if (env.HAPROXY !== undefined && env.HAPROXY !== '') return env.HAPROXY;
  const folders = [...(env.PATH ?? '').split(delimiter).filter((f) => f !== ''), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const folder of folders) {
    try {
      accessSync(join(folder, 'haproxy'), constants.X_OK);
      return join(folder, 'haproxy');
    } catch {
      // Not here.
    }
  }
  return undefined;
};

/** Variables that make a process one node of the plan; never inherited. */
const nodeVariables = new Set(['REDIS_URL', 'REDIS_CLUSTER_NODES', 'KAFKA_BROKERS', 'KAFKA_TOPIC', 'KAFKA_GROUP_ID_PREFIX', 'RABBITMQ_URL', 'RABBITMQ_STREAM', 'ROLES', 'PORT', 'REALTIME_PORT', 'OPS_PORT', 'TRUST_PROXY', 'REALTIME_MAX_CONNECTIONS_PER_ADDRESS', 'DATA_DIR', 'SHUTDOWN_DRAIN_MS']);

const present = (env: Readonly<Record<string, string | undefined>>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));

const describeExit = (exit: Exit): string => (exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code}`);

const tail = (log: string, lines = 25): string => {
  try {
    return readFileSync(log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

const portFree = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });

/** Runs a process to its end; rejects with its log's tail unless it exits 0. */
const runToEnd = async (name: string, args: readonly string[], env: Record<string, string>, log: string): Promise<void> => {
  const child = await spawnLogged(process.execPath, args, { env, log, fresh: true, cwd: repositoryRoot, detached: false });
  const exit = await child.exited;
  if (exit.code !== 0) throw new Error(`${name} failed (${describeExit(exit)}); ${log}:\n${tail(log)}`);
};

export const startTopology = async (options: TopologyOptions = {}): Promise<Topology> => {
  const baseEnv = present(options.env ?? process.env);
  const plan = planTopology(options.basePort ?? (baseEnv.TOPOLOGY_BASE_PORT !== undefined ? Number(baseEnv.TOPOLOGY_BASE_PORT) : DEFAULT_BASE_PORT));
  const databaseUrl = options.databaseUrl ?? baseEnv.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redis: RedisTarget = options.redisClusterNodes !== undefined
    ? { kind: 'cluster', nodes: options.redisClusterNodes.split(',').map((node) => node.trim()) }
    : { kind: 'standalone', url: options.redisUrl ?? baseEnv.REDIS_URL ?? DEFAULT_REDIS_URL };
  const kafkaBrokers = options.kafkaBrokers ?? baseEnv.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS;
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  const stopBoundMs = drainMs + Number(options.nodeEnv?.SHUTDOWN_TIMEOUT_MS ?? baseEnv.SHUTDOWN_TIMEOUT_MS ?? 10_000) + 5_000;
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const logsDir = options.logsDir ?? join(repositoryRoot, '.topology', 'logs');
  const detached = options.detached ?? false;
  const url = `http://${plan.host}:${plan.gateway.port}`;
  const realtimeUrl = `ws://${plan.host}:${plan.gateway.port}/v1/realtime`;
  const startedAt = new Date().toISOString();
  const statsUrl = `http://${plan.host}:${plan.gateway.statsPort}`;

  const inherited = Object.fromEntries(Object.entries(baseEnv).filter(([name]) => !nodeVariables.has(name) && !name.startsWith('GATEWAY_')));
  const kafkaTopic = options.kafkaTopic ?? baseEnv.KAFKA_TOPIC;
  const kafkaGroupIdPrefix = options.kafkaGroupIdPrefix ?? baseEnv.KAFKA_GROUP_ID_PREFIX;
  const rabbitmq = options.rabbitmq;
  const bus: Record<string, string> = rabbitmq !== undefined
    ? { RABBITMQ_URL: rabbitmq.url, RABBITMQ_STREAM: rabbitmq.stream }
    : {
      KAFKA_BROKERS: kafkaBrokers,
      ...(kafkaTopic !== undefined ? { KAFKA_TOPIC: kafkaTopic } : {}),
      ...(kafkaGroupIdPrefix !== undefined ? { KAFKA_GROUP_ID_PREFIX: kafkaGroupIdPrefix } : {}),
    };
  const shared: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    ...(redis.kind === 'standalone' ? { REDIS_URL: redis.url } : { REDIS_CLUSTER_NODES: redis.nodes.join(',') }),
    ...bus,
    SHUTDOWN_DRAIN_MS: String(drainMs),
  };
  const envOf = (node: NodePlan, extra: Readonly<Record<string, string>> = {}): Record<string, string> => ({ ...inherited, ...shared, ...options.nodeEnv, ...node.env, ...extra });
  const opsUrlOf = (node: NodePlan) => `http://${plan.host}:${node.ports.ops}`;
  const logOf = (name: string) => join(logsDir, `${name}.log`);

  const children = new Map<string, Child | undefined>(plan.nodes.map((n) => [n.name, undefined]));
  let gateway: Child | undefined;
  let kafkaStarted: { host: string; port: number } | null = null;

  const planOf = (name: string): NodePlan => {
    const node = plan.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no node ${name} in the topology (${plan.nodes.map((n) => n.name).join(', ')})`);
    return node;
  };
  const viewOf = (node: NodePlan): TopologyNode => {
    const child = children.get(node.name);
    return {
      name: node.name,
      roles: node.roles,
      ports: node.ports,
      opsUrl: opsUrlOf(node),
      log: logOf(node.name),
      servers: node.servers,
      pid: child !== undefined && child.exit === undefined ? child.pid : undefined,
    };
  };

  /** Starts the node and waits until it is ready; its log starts afresh with the topology, and goes on over restarts. */
  const startNode = async (node: NodePlan, fresh: boolean, extraEnv?: Readonly<Record<string, string>>): Promise<void> => {
    const child = await spawnLogged(process.execPath, [join(repositoryRoot, 'dist', 'scripts', 'start.js')], {
      env: envOf(node, extraEnv), log: logOf(node.name), fresh, cwd: repositoryRoot, detached,
    });
    children.set(node.name, child);
    await waitFor(
      async () => ((await readinessAt(opsUrlOf(node))) === 'ready' ? true : undefined),
      `${node.name} to be ready (${opsUrlOf(node)}/ready)`,
      startTimeoutMs,
      () => (child.exit !== undefined ? `${node.name} exited (${describeExit(child.exit)}); ${logOf(node.name)}:\n${tail(logOf(node.name))}` : undefined),
    );
  };

  const servers = () => gatewayServers(statsUrl);
  const waitForGateway = async (name: string, state: 'in' | 'out', timeoutMs = 30_000): Promise<void> => {
    const node = planOf(name);
    await waitFor(async () => {
      const all = await servers().catch(() => []);
      const mine = all.filter((s) => node.servers.includes(`${s.backend}/${s.server}`));
      const done = mine.length === node.servers.length && mine.every((s) => (state === 'in' ? s.status === 'UP' : isDown(s.status)));
      return done ? true : undefined;
    }, `the balancer to take ${name} ${state === 'in' ? 'into' : 'out of'} rotation`, timeoutMs);
  };

  const stopNode = async (name: string): Promise<void> => {
    const child = children.get(name);
    if (child !== undefined) await stopChild(child, 'SIGTERM', stopBoundMs);
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // The balancer stops listening and lets its connections finish; the nodes drain and stop.
      gateway?.signal('SIGUSR1');
      await Promise.all(plan.nodes.map((n) => stopNode(n.name)));
      if (gateway !== undefined) await stopChild(gateway, 'SIGTERM', 5_000);
      if (kafkaStarted !== null) await localKafka(repositoryRoot, 'stop', kafkaStarted);
    })());

  try {
    const haproxy = options.haproxy ?? findHaproxy(baseEnv);
    if (haproxy === undefined) throw new Error('HAProxy is not installed (not on PATH, nor in /usr/sbin; HAPROXY names it): on Debian, apt-get install haproxy');
    const gatewayEnv = { ...baseEnv, ...options.gatewayEnv, ...plan.gateway.env };
    const unset = haproxyVariables(readFileSync(haproxyConfig, 'utf8')).required.filter((name) => gatewayEnv[name] === undefined);
    if (unset.length > 0) throw new Error(`${haproxyConfig} needs ${unset.join(', ')}, which the topology does not set`);
    const busy: number[] = [];
    for (const port of portsOf(plan)) if (!(await portFree(plan.host, port))) busy.push(port);
    if (busy.length > 0) throw new Error(`port(s) ${busy.join(', ')} on ${plan.host} are in use (another topology? \`npm run topology -- stop\`, or another base port)`);

    await ensureDatabase(databaseUrl);
    await checkRedis(redis);
    if (rabbitmq !== undefined) {
      const node = new URL(rabbitmq.url);
      const port = node.port === '' ? 5672 : Number(node.port);
      if (!(await answers(node.hostname, port))) throw new Error(`no RabbitMQ answers at ${node.hostname}:${port} (RABBITMQ_URL)`);
    }
    const broker = firstBroker(kafkaBrokers);
    if (rabbitmq === undefined && !(await answers(broker.host, broker.port))) {
      if (options.startKafka === false) throw new Error(`no Kafka broker answers at ${broker.host}:${broker.port} (KAFKA_BROKERS)`);
      await localKafka(repositoryRoot, 'start', broker);
      kafkaStarted = broker;
    }

    mkdirSync(logsDir, { recursive: true });
    await runToEnd('migrate', [join(repositoryRoot, 'dist', 'scripts', 'migrate.js')], { ...inherited, ...shared }, logOf('migrate'));
    await Promise.all(plan.nodes.map((node) => startNode(node, true)));

    const gatewayLog = logOf('gateway');
    gateway = await spawnLogged(haproxy, ['-f', haproxyConfig, '-db'], { env: gatewayEnv, log: gatewayLog, fresh: true, cwd: repositoryRoot, detached }).catch((error: unknown) => {
      throw new Error(`cannot run HAProxy (${haproxy}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    const started = gateway;
    const gatewayExited = () => (started.exit !== undefined ? `HAProxy exited (${describeExit(started.exit)}); ${gatewayLog}:\n${tail(gatewayLog)}` : undefined);
    await waitFor(async () => {
      const all = await servers().catch(() => []);
      return all.length > 0 && all.every((s) => s.status === 'UP') ? true : undefined;
    }, 'the balancer to have every node in rotation', startTimeoutMs, gatewayExited);
    await waitFor(async () => ((await httpGet(`${url}/ready`))?.status === 200 ? true : undefined), `${url}/ready through the balancer`, startTimeoutMs, gatewayExited);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  const gatewayChild = gateway;
  return {
    url,
    realtimeUrl,
    statsUrl,
    logsDir,
    gateway: { pid: gatewayChild.pid, port: plan.gateway.port, statsPort: plan.gateway.statsPort, log: logOf('gateway') },
    get nodes() {
      return plan.nodes.map(viewOf);
    },
    node: (name) => viewOf(planOf(name)),
    signal: (name, signal) => {
      planOf(name);
      children.get(name)?.signal(signal);
    },
    kill: async (name, signal = 'SIGTERM') => {
      planOf(name);
      const child = children.get(name);
      if (child === undefined) throw new Error(`${name} was never started`);
      child.signal(signal);
      return child.exited;
    },
    restart: async (name, env) => {
      const node = planOf(name);
      await stopNode(name);
      await startNode(node, false, env);
      if (node.servers.length > 0) await waitForGateway(name, 'in');
      return viewOf(node);
    },
    servers,
    waitForGateway,
    state: () => ({
      version: 1,
      startedAt,
      url,
      realtimeUrl,
      statsUrl,
      logsDir,
      stopBoundMs,
      kafkaStarted,
      gateway: { pid: gatewayChild.pid, port: plan.gateway.port, statsPort: plan.gateway.statsPort, log: logOf('gateway') },
      nodes: plan.nodes.map((n) => ({ name: n.name, roles: [...n.roles], pid: children.get(n.name)?.pid ?? 0, ports: { ...n.ports }, log: logOf(n.name) })),
    }),
    stop,
  };
};
