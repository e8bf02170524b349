// `npm run chaos` (issue 11): a fault suite on the real topology. The suite starts its own
// PostgreSQL, Redis and Kafka (services/), then the topology launcher's processes on them
// (target/topology-target.ts: HAProxy in front of two API nodes and two realtime nodes, a
// publisher, a projector, a scheduler); each fault strikes under a steady load of bids from
// clients that retry with the same Idempotency-Key until answered, with WebSocket subscribers,
// all through the balancer; afterwards the checks compare what the clients were told and saw with
// the event log, the read models (against a rebuild), the read API and the live cache. The Redis
// Cluster fault runs on a second topology on the suite's own Redis Cluster (three masters with a
// replica each), the RabbitMQ fault on a third whose bus is the suite's own RabbitMQ node (each
// service and topology started only when a selected fault needs it). Prints per fault: bids acknowledged, bids found in the log, duplicates, retries
// answered differently, frames missed or doubled, time to recover; exits 1 on any violation. See
// `npm run chaos -- --help`. This file is also the folder's only way in.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Cleanup } from './cleanup.js';
import { allFaults } from './faults/index.js';
import type { Fault } from './faults/index.js';
import { formatTable } from './report.js';
import type { FaultReport } from './report.js';
import { rabbitmqServerMissing, startKafkaBroker, startPostgresServer, startRabbitmqServer, startRedisCluster, startRedisServer } from './services/index.js';
import { defaultSettings, runSuite } from './suite.js';
import type { Skipped, SuiteSettings } from './suite.js';
import { startTopologyTarget } from './target/index.js';
import type { ChaosTarget, TopologyTargetOptions } from './target/index.js';

export { Cleanup } from './cleanup.js';
export type { Removable } from './cleanup.js';
export * from './faults/index.js';
export { defaultSettings, runSuite } from './suite.js';
export type { Skipped, SuiteSettings } from './suite.js';
export { formatDetails, formatTable } from './report.js';
export type { FaultReport } from './report.js';
export { startTopologyTarget } from './target/index.js';
export type { ChaosNode, ChaosServices, ChaosTarget, TopologyTargetOptions } from './target/index.js';
export * from './services/index.js';
export * from './checks/index.js';
export * from './load/index.js';

/** Ports from the base: the services, the three topologies (scripts/topology/layout.ts: 33 ports each), the Redis Cluster's six nodes. */
const PORTS = {
  postgres: 1, redis: 2, kafka: 3, kafkaController: 4, rabbitmq: 5, rabbitmqEpmd: 6, rabbitmqDist: 7,
  topology: 10, clusterTopology: 50, redisCluster: 101, rabbitmqTopology: 110,
} as const;

const usage = `usage: npm run chaos [-- options]

Starts its own PostgreSQL (initdb/pg_ctl), Redis and Kafka under .chaos/ on ports from the base
(default 15400), then the topology (HAProxy in front of two API nodes and two realtime nodes, a
publisher, a projector, a scheduler, each its own process) on them, and runs each fault under load
through the balancer, checking that no acknowledged bid was lost or doubled, every retry got the
first answer, subscribers missed and doubled no frame, the read models equal a rebuild and
everything converged. The Redis Cluster fault runs on a second topology on its own Redis Cluster
(three masters, one replica each); the RabbitMQ fault on a third whose bus is its own RabbitMQ
node (rabbitmq-server; skipped when it is not installed). Only what the selected faults need is
started. Everything it started is stopped and .chaos/ removed at the end, also on failure or Ctrl-C.

  --faults a,b             faults to run (default all: ${allFaults().map((f) => f.name).join(', ')})
  --bidders N              bidder clients (default ${defaultSettings.bidders})
  --subscribers N          WebSocket subscribers (default ${defaultSettings.subscribers})
  --auctions N             auctions per fault (default ${defaultSettings.auctions})
  --port-base P            first port of the range it uses, P+1 to P+142 (default 15400, or CHAOS_PORT_BASE):
                           PostgreSQL P+1, Redis P+2, Kafka P+3..P+4, RabbitMQ P+5..P+7 (AMQP, epmd, distribution),
                           topology P+10..P+42, cluster topology P+50..P+82, Redis Cluster P+101..P+106
                           (cluster bus P+10101..P+10106), RabbitMQ topology P+110..P+142
  --redis-persistence M    aof (default; compose.yaml's Redis) or none (Redis comes back empty)
  --keep                   leave .chaos/ (logs, data) after the run; the processes are stopped all the same
  -h, --help               this text

Ends with one line "chaos: N passed, N failed, N skipped" (a fault the target cannot take is
skipped; with REQUIRE_SERVICES=1, as in CI, a skipped fault fails).
Exit status: 0 every fault held, 1 a violation (each printed with what and where), a skip under
REQUIRE_SERVICES=1 or a failure, 2 bad arguments.`;

const positive = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number above 0`);
  return n;
};

/** The value of a settled promise, or its failure thrown. */
const settled = <T>(outcome: PromiseSettledResult<T>): T => {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
};

interface Run {
  readonly reports: FaultReport[];
  readonly skipped: Skipped[];
}

const main = async (): Promise<number> => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        faults: { type: 'string' }, bidders: { type: 'string' }, subscribers: { type: 'string' }, auctions: { type: 'string' },
        'port-base': { type: 'string' }, 'redis-persistence': { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`chaos: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let settings: SuiteSettings;
  let base: number;
  const persistence = (values['redis-persistence'] as string | undefined) ?? 'aof';
  const known = allFaults();
  const names = typeof values.faults === 'string' ? values.faults.split(',').map((n) => n.trim()).filter((n) => n !== '') : known.map((f) => f.name);
  try {
    settings = {
      ...defaultSettings,
      bidders: positive(values.bidders as string | undefined, defaultSettings.bidders, '--bidders'),
      subscribers: positive(values.subscribers as string | undefined, defaultSettings.subscribers, '--subscribers'),
      auctions: positive(values.auctions as string | undefined, defaultSettings.auctions, '--auctions'),
    };
    base = positive((values['port-base'] as string | undefined) ?? process.env.CHAOS_PORT_BASE, 15_400, '--port-base');
    if (base < 1024 || base + PORTS.redisCluster + 5 + 10_000 > 65_535) throw new Error('--port-base must leave room for P+106 and the cluster bus ports (P+10101..P+10106)');
    if (persistence !== 'aof' && persistence !== 'none') throw new Error('--redis-persistence must be aof or none');
    const unknown = names.filter((n) => !known.some((f) => f.name === n));
    if (unknown.length > 0) throw new Error(`unknown fault ${unknown.join(', ')} (known: ${known.map((f) => f.name).join(', ')})`);
  } catch (error) {
    process.stderr.write(`chaos: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const faults = known.filter((f) => names.includes(f.name));
  const onCluster = (f: Fault): boolean => f.redis === 'cluster';
  const onRabbitmq = (f: Fault): boolean => f.bus === 'rabbitmq';

  const started = Date.now();
  const say = (line: string) => process.stdout.write(`[chaos ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
  const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
  const dir = join(root, '.chaos');
  const cleanup = new Cleanup();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const keep = values.keep === true;
  cleanup.add({
    name: '.chaos',
    remove: async () => {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
    removeNow: () => {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  });

  /** Runs `selected` on `target`, then stops the target's processes. */
  const runOn = async (target: ChaosTarget, selected: readonly Fault[]): Promise<Run> => {
    say(`target: ${target.description}`);
    try {
      return await runSuite(target, selected, settings, say);
    } finally {
      say('stopping the topology');
      await target.stop();
    }
  };

  const reports: FaultReport[] = [];
  const skipped: Skipped[] = [];
  try {
    const single = faults.filter((f) => !onCluster(f) && !onRabbitmq(f));
    const clustered = faults.filter(onCluster);
    // The RabbitMQ topology's faults, skipped when the machine has no rabbitmq-server to run.
    const noRabbitmq = rabbitmqServerMissing();
    const onRabbit = noRabbitmq === undefined ? faults.filter(onRabbitmq) : [];
    if (noRabbitmq !== undefined) {
      for (const fault of faults.filter(onRabbitmq)) {
        say(`skipping ${fault.name}: ${noRabbitmq}`);
        skipped.push({ fault: fault.name, reason: noRabbitmq });
      }
    }
    const needsKafka = single.length + clustered.length > 0;
    const needsRedis = single.length + onRabbit.length > 0;
    const clusterPort = base + PORTS.redisCluster;
    say(
      `starting PostgreSQL on port ${base + PORTS.postgres}` +
        (needsKafka ? `, Kafka on ${base + PORTS.kafka}` : '') +
        (needsRedis ? `, Redis on ${base + PORTS.redis} (persistence: ${persistence})` : '') +
        (clustered.length > 0 ? `, a Redis Cluster on ${clusterPort}-${clusterPort + 5} (3 masters, 1 replica each)` : '') +
        (onRabbit.length > 0 ? `, RabbitMQ on ${base + PORTS.rabbitmq}` : '') +
        ` (data under ${dir})`,
    );
    // Side by side; each is registered for the clean-up once it runs, and all have settled before
    // a failure of one goes on to the clean-up.
    const services = await Promise.allSettled([
      startPostgresServer({ dir: join(dir, 'pg'), port: base + PORTS.postgres }).then((service) => cleanup.add(service)),
      needsKafka ? startKafkaBroker({ root, dir: join(dir, 'kafka'), port: base + PORTS.kafka, controllerPort: base + PORTS.kafkaController }).then((service) => cleanup.add(service)) : undefined,
      needsRedis ? startRedisServer({ dir: join(dir, 'redis'), port: base + PORTS.redis, persistence }).then((service) => cleanup.add(service)) : undefined,
      clustered.length > 0 ? startRedisCluster({ root, dir: join(dir, 'redis-cluster'), port: clusterPort }).then((service) => cleanup.add(service)) : undefined,
      onRabbit.length > 0
        ? startRabbitmqServer({ dir: join(dir, 'rabbitmq'), port: base + PORTS.rabbitmq, epmdPort: base + PORTS.rabbitmqEpmd, distPort: base + PORTS.rabbitmqDist }).then((service) => cleanup.add(service))
        : undefined,
    ] as const);
    const [postgres, kafka, server, cluster, rabbitmq] = [settled(services[0]), settled(services[1]), settled(services[2]), settled(services[3]), settled(services[4])];

    /** Starts a topology on one Redis (a server or the cluster) and one bus, runs `selected` on it, and keeps the reports. */
    const runTopology = async (name: string, basePort: number, database: string, redis: TopologyTargetOptions['redis'], bus: TopologyTargetOptions['bus'], selected: readonly Fault[]) => {
      const target = await startTopologyTarget({ name, dir, basePort, cleanup, postgres, database, redis, bus, say });
      const run = await runOn(target, selected);
      reports.push(...run.reports);
      skipped.push(...run.skipped);
    };
    if (kafka !== undefined && server !== undefined && single.length > 0) {
      await runTopology('single-redis', base + PORTS.topology, 'gavelstream_chaos', { kind: 'standalone', server }, { kind: 'kafka', broker: kafka, topic: 'chaos-events' }, single);
    }
    if (kafka !== undefined && cluster !== undefined) {
      await runTopology('redis-cluster', base + PORTS.clusterTopology, 'gavelstream_chaos_cluster', { kind: 'cluster', cluster }, { kind: 'kafka', broker: kafka, topic: 'chaos-cluster-events' }, clustered);
    }
    // A Redis database of its own: the first topology's checkpoints and closing queue stay in db 0.
    if (server !== undefined && rabbitmq !== undefined) {
      await runTopology('rabbitmq', base + PORTS.rabbitmqTopology, 'gavelstream_chaos_rabbitmq', { kind: 'standalone', server, db: 1 }, { kind: 'rabbitmq', node: rabbitmq, stream: 'chaos-rabbitmq-events' }, onRabbit);
    }
  } catch (error) {
    say(`FAILED: ${(error as Error).stack ?? String(error)}`);
    await cleanup.removeAll();
    if (reports.length > 0) process.stdout.write(`\n${formatTable(reports)}\n\n`);
    process.stdout.write(`chaos: ${reports.filter((r) => r.violations.length === 0).length} passed, ${faults.length - reports.filter((r) => r.violations.length === 0).length} failed, 0 skipped (the suite could not finish)\n`);
    return 1;
  }
  say('stopping the services');
  await cleanup.removeAll();
  const failed = reports.filter((r) => r.violations.length > 0);
  const skipFails = process.env.REQUIRE_SERVICES === '1';
  process.stdout.write(`\n${formatTable(reports)}\n\n`);
  for (const s of skipped) process.stdout.write(`skipped ${s.fault}: ${s.reason}${skipFails ? ' (REQUIRE_SERVICES=1: counted as failed)' : ''}\n`);
  if (failed.length > 0) process.stdout.write(`broke what must hold: ${failed.map((r) => r.fault).join(', ')}\n`);
  const failedCount = failed.length + (skipFails ? skipped.length : 0);
  process.stdout.write(`chaos: ${reports.length - failed.length} passed, ${failedCount} failed, ${skipFails ? 0 : skipped.length} skipped (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  return failedCount === 0 ? 0 : 1;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`chaos: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
