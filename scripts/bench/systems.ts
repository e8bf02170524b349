// The system under test of each benchmark mode, in child processes of the benchmark (server.ts):
//   embedded        one process, PGlite and in-memory adapters
//   pg+redis        one process on PostgreSQL and Redis
//   pg+redis+kafka  one process on PostgreSQL, Redis and Kafka (the projectors follow the topic)
//   processes       the roles as separate processes on PostgreSQL, Redis and Kafka: two
//                   command-api (with read-api), one publisher, one projector, one realtime node
//                   and one scheduler. The load generator spreads its connections over the two
//                   command-API URLs itself, so no load balancer stands in front of them.
// Every run gets a fresh database, and with Kafka a fresh topic and consumer-group prefix (so runs
// never see each other's events); both are removed when the system stops.
import { createKafka, createLogger } from '../../infra/index.js';
import { startChild } from './children.js';
import type { Child } from './children.js';
import { freshDatabase } from './database.js';
import type { FreshDatabase } from './database.js';
import type { Mode } from './options.js';

export interface SystemUnderTest {
  /** The command-API base URLs (one per command-api process). */
  readonly urls: readonly string[];
  /** The realtime node's WebSocket URL, when a process of this system runs the realtime role. */
  readonly realtimeUrl: string | undefined;
  /** Every process of the system (each can be profiled), named for its roles. */
  readonly processes: readonly Child[];
  /** A process that reads the event log (answers 'versions'). */
  readonly logReader: Child;
  /** The CPU time each process has used so far, in ms, by process name. */
  cpuTimes(): Promise<ReadonlyMap<string, number>>;
  stop(): Promise<void>;
}

/** The environment variables a mode needs; without them it is skipped. */
export const requiredEnvironment = (mode: Mode): readonly string[] =>
  mode === 'embedded' || mode === 'embedded-disk' ? []
  : mode === 'pg+redis' ? ['DATABASE_URL', 'REDIS_URL']
  : ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS'];

interface ProcessSpec {
  readonly name: string;
  /** ROLES; undefined: the benchmark's own ROLES (all roles when it has none). */
  readonly roles?: string;
}

const commandApi = (n: number): ProcessSpec => ({ name: `command-api ${n}`, roles: 'command-api,read-api' });

/** The processes of the `processes` mode: the first starts alone (it migrates the fresh database), the publisher next (it creates the topic), then the rest together. */
const processLayout: readonly (readonly ProcessSpec[])[] = [
  [commandApi(1)],
  [{ name: 'publisher', roles: 'publisher' }],
  [commandApi(2), { name: 'projector', roles: 'projector' }, { name: 'realtime', roles: 'realtime' }, { name: 'scheduler', roles: 'scheduler' }],
];

const kafkaNames = (tag: string) => ({ topic: `gs-bench-${tag}`, groupIdPrefix: `gs-bench-${tag}.` });

/** Deletes the run's topic and consumer groups. */
const dropKafkaNames = async (brokers: string, tag: string): Promise<void> => {
  const { topic, groupIdPrefix } = kafkaNames(tag);
  const admin = createKafka({ brokers: brokers.split(','), logger: createLogger('silent') }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((id) => id.startsWith(groupIdPrefix));
    if (ours.length > 0) await admin.deleteGroups(ours);
    if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
};

export interface StartSystemOptions {
  readonly mode: Mode;
  /** The children's environment, without the external services (which this adds per mode). */
  readonly env: NodeJS.ProcessEnv;
  /** Unique per run: names the Kafka topic and consumer groups. */
  readonly tag: string;
  /** Told of a failure while cleaning up. */
  readonly warn: (message: string) => void;
}

export const startSystemUnderTest = async (options: StartSystemOptions): Promise<SystemUnderTest> => {
  const { mode, tag, warn } = options;
  const env = process.env;
  let database: FreshDatabase | undefined;
  const children: Child[] = [];
  const withKafka = mode === 'pg+redis+kafka' || mode === 'processes';
  const stop = async () => {
    for (const child of [...children].reverse()) await child.stop();
    await database?.drop().catch((error: unknown) => warn(`could not drop the benchmark database: ${String(error)}`));
    if (withKafka) await dropKafkaNames(env.KAFKA_BROKERS!, tag).catch((error: unknown) => warn(`could not delete the benchmark's Kafka topic and groups: ${String(error)}`));
  };
  try {
    if (mode !== 'embedded' && mode !== 'embedded-disk') database = await freshDatabase(env.DATABASE_URL!);
    const { topic, groupIdPrefix } = kafkaNames(tag);
    const services: NodeJS.ProcessEnv = {
      ...(database !== undefined ? { DATABASE_URL: database.url, REDIS_URL: env.REDIS_URL } : {}),
      ...(withKafka ? { KAFKA_BROKERS: env.KAFKA_BROKERS, BENCH_KAFKA_TOPIC: topic, BENCH_KAFKA_GROUP_PREFIX: groupIdPrefix } : {}),
    };
    const start = async (spec: ProcessSpec): Promise<Child> => {
      const child = await startChild({
        name: spec.name,
        module: new URL('./server.js', import.meta.url),
        env: { ...options.env, ...services, ...(spec.roles !== undefined ? { ROLES: spec.roles } : {}) },
      });
      children.push(child);
      return child;
    };
    const layout = mode === 'processes' ? processLayout : [[{ name: `server (${mode})` }]];
    for (const group of layout) {
      // Every start settles before a failure is thrown, so that stop() finds every child.
      const failed = (await Promise.allSettled(group.map(start))).find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    }
    const api = children.filter((c) => c.url !== '');
    const realtimeUrl = children.find((c) => c.realtimeUrl !== undefined)?.realtimeUrl;
    if (api.length === 0) throw new Error('no process of the system serves the command API');
    const cpuTimes = async () => {
      const times = new Map<string, number>();
      for (const child of children) {
        const answer = await child.ask({ type: 'cpu' });
        if (answer.type === 'cpu') times.set(child.name, (answer.userMicros + answer.systemMicros) / 1000);
      }
      return times;
    };
    return { urls: api.map((c) => c.url), realtimeUrl, processes: children, logReader: api[0]!, cpuTimes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
