// `npm run bench:bus`: how long an event takes from its commit in the log (PostgreSQL) to a
// projector over each bus: publisher (log subscription, a batch to the bus, its acknowledgement,
// checkpoint), broker, consumer (Kafka: a group fetch; RabbitMQ: stream deliveries gathered into a
// batch), apply. One row per bus: Kafka when KAFKA_BROKERS is set, RabbitMQ when RABBITMQ_URL is
// (`--bus kafka` or `--bus rabbitmq` for one; `npm run bench:kafka` and `bench:rabbitmq` do that).
// Needs DATABASE_URL; uses a fresh database, topic and stream per row, deleted afterwards.
//
//   npm run bench:bus -- [--bus kafka|rabbitmq] [--events 2000] [--rate 200] [--auctions 50] [--max-wait 50]
//
// Prints percentiles of (projector.apply called) - (append returned), and the publisher's own lag
// histogram. It asserts nothing about time.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import amqp from 'amqplib';
import type { BusSink } from '../../commands/index.js';
import { createPublisherMetrics, kafkaSink, openEventLog, postgresLeases, rabbitSink, startPublisher } from '../../commands/index.js';
import type { NewEvent, RecordedEvent } from '../../domain/index.js';
import { createKafka, createLogger } from '../../infra/index.js';
import { kafkaEventSource, rabbitEventSource } from '../../projections/index.js';
import type { BusEventSource, Projector } from '../../projections/index.js';
import { freshDatabase } from './database.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};

const events = arg('events', 2000);
const rate = arg('rate', 200);
const auctions = arg('auctions', 50);
const maxWait = arg('max-wait', 50);
const given = (name: string): string | undefined => (process.env[name] ?? '') === '' ? undefined : process.env[name];
const databaseServer = given('DATABASE_URL');
const brokers = given('KAFKA_BROKERS');
const rabbitmqUrl = given('RABBITMQ_URL');
const busArg = process.argv.indexOf('--bus') >= 0 ? process.argv[process.argv.indexOf('--bus') + 1] : undefined;
if (busArg !== undefined && busArg !== 'kafka' && busArg !== 'rabbitmq') {
  console.error('--bus must be kafka or rabbitmq');
  process.exit(2);
}
const buses = (['kafka', 'rabbitmq'] as const).filter((b) => (busArg === undefined || busArg === b) && (b === 'kafka' ? brokers : rabbitmqUrl) !== undefined);
if (databaseServer === undefined || buses.length === 0) {
  console.error(`bench:bus needs DATABASE_URL and ${busArg === 'kafka' ? 'KAFKA_BROKERS' : busArg === 'rabbitmq' ? 'RABBITMQ_URL' : 'KAFKA_BROKERS or RABBITMQ_URL'}`);
  process.exit(2);
}
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');

interface BusUnderBench {
  readonly label: string;
  readonly sink: BusSink;
  readonly source: BusEventSource;
  /** Deletes the topic or stream. */
  drop(): Promise<void>;
}

const busFor = (bus: 'kafka' | 'rabbitmq', name: string, runId: string): BusUnderBench => {
  if (bus === 'kafka') {
    const kafka = createKafka({ brokers: brokers!.split(','), logger });
    return {
      label: 'Kafka',
      sink: kafkaSink({ kafka, logger, topic: name }),
      source: kafkaEventSource({ kafka, logger, topic: name, groupIdPrefix: `gs-bench-${runId}.`, maxWaitTimeInMs: maxWait }),
      drop: async () => {
        const admin = kafka.admin();
        await admin.connect();
        await admin.deleteTopics({ topics: [name] });
        await admin.disconnect();
      },
    };
  }
  return {
    label: 'RabbitMQ',
    sink: rabbitSink({ url: rabbitmqUrl!, logger, stream: name }),
    source: rabbitEventSource({ url: rabbitmqUrl!, logger, stream: name, consumer: 'bench' }),
    drop: async () => {
      const connection = await amqp.connect(rabbitmqUrl!);
      await (await connection.createChannel()).deleteQueue(name);
      await connection.close();
    },
  };
};

const measure = async (bus: 'kafka' | 'rabbitmq'): Promise<void> => {
  const runId = randomUUID().slice(0, 8);
  const database = await freshDatabase(databaseServer);
  const opened = await openEventLog({ databaseUrl: database.url, dataDir: 'memory' });
  const topic = `gs-bench-pipeline-${runId}`;
  const under = busFor(bus, topic, runId);
  const registry = new Registry();

  const publisher = await startPublisher({
    log: opened.log,
    sink: under.sink,
    leases: postgresLeases({ databaseUrl: database.url, name: topic, holder: 'bench' }),
    logger,
    metrics: createPublisherMetrics(registry),
  });

  const appendedAt = new Map<string, number>();
  const latencies: number[] = [];
  let resolveAll: () => void = () => undefined;
  const allArrived = new Promise<void>((resolve) => (resolveAll = resolve));
  const checkpoints = new Map<string, string>();
  const projector: Projector = {
    name: `bench-${runId}`,
    loadCheckpoint: (source) => Promise.resolve(checkpoints.get(source)),
    apply: (batch: readonly RecordedEvent[], source, position) => {
      const now = performance.now();
      for (const event of batch) {
        const at = appendedAt.get(event.eventId);
        if (at !== undefined) {
          latencies.push(now - at);
          appendedAt.delete(event.eventId);
        }
      }
      checkpoints.set(source, position);
      if (latencies.length >= events) resolveAll();
      return Promise.resolve();
    },
  };
  const consuming = await under.source.run(projector);

  const event = (streamId: string, version: number): NewEvent => ({
    eventId: `${streamId}:${version}`,
    type: 'BenchHappened',
    data: { version },
    metadata: {
      commandId: `${streamId}:${version}`,
      idempotencyKey: null,
      userId: 'bench',
      correlationId: runId,
      causationId: runId,
      serverTime: new Date().toISOString(),
      schemaVersion: 1,
    },
  });

  // Warm-up: wait until the group is assigned and a first event makes the whole trip.
  const versions = new Map<string, number>();
  const appendOne = async (index: number): Promise<string> => {
    const streamId = `auction-bench-${runId}-${index % auctions}`;
    const version = versions.get(streamId) ?? 0;
    const e = event(streamId, version + 1);
    const result = await opened.log.appendToStream(streamId, version, [e]);
    if (result.kind !== 'appended') throw new Error(`append refused: ${result.kind}`);
    versions.set(streamId, version + 1);
    return e.eventId;
  };
  for (let warm = 0; ; warm++) {
    const id = await appendOne(1_000_000 + warm);
    const before = latencies.length;
    appendedAt.set(id, performance.now());
    const deadline = Date.now() + 2_000;
    while (latencies.length === before && Date.now() < deadline) await sleep(10);
    if (latencies.length > before) break;
  }
  latencies.length = 0;

  process.stderr.write(`bench:bus (${under.label}): ${events} events at ${rate}/s over ${auctions} auctions${bus === 'kafka' ? `, consumer maxWaitTimeInMs ${maxWait}` : ''}, load ${loadavg().map((n) => n.toFixed(2)).join(' ')}\n`);
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const id = await appendOne(i);
    appendedAt.set(id, performance.now());
  }
  await Promise.race([allArrived, sleep(60_000)]);

  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(1);
  const lag = (await registry.getSingleMetricAsString('gavelstream_publisher_lag_seconds'))
    .split('\n')
    .filter((l) => l.includes('_bucket') && /le="(0\.\d+|1|\+Inf)"/.test(l))
    .map((l) => l.replace(/\{.*le="([^"]+)".*\}/, ' <=$1s:'))
    .join('\n  ');
  console.log(`commit -> projector.apply over ${under.label}, ${sorted.length}/${events} events: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
  console.log(`publisher lag (serverTime -> ${under.label} ack), cumulative buckets:\n  ${lag}`);

  await consuming.stop();
  await publisher.stop();
  await opened.close();
  await database.drop();
  await under.drop();
};

for (const bus of buses) await measure(bus);
process.exit(0);
