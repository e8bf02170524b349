// `npm run bench:kafka`: how long an event takes from its commit in the log (PostgreSQL) to a
// projector over Kafka: publisher (log subscription, Kafka batch, checkpoint), broker, consumer
// group fetch, apply. Needs DATABASE_URL and KAFKA_BROKERS; uses a fresh database and topic.
//
//   npm run bench:kafka -- [--events 2000] [--rate 200] [--auctions 50] [--max-wait 50]
//
// Prints percentiles of (projector.apply called) - (append returned), and the publisher's own lag
// histogram. It asserts nothing about time.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { createPublisherMetrics, openEventLog, postgresLeases, startPublisher } from '../../commands/index.js';
import type { NewEvent, RecordedEvent } from '../../domain/index.js';
import { createKafka, createLogger } from '../../infra/index.js';
import { kafkaEventSource } from '../../projections/index.js';
import type { Projector } from '../../projections/index.js';
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
const databaseServer = process.env.DATABASE_URL;
const brokers = process.env.KAFKA_BROKERS;
if (databaseServer === undefined || brokers === undefined) {
  console.error('bench:kafka needs DATABASE_URL and KAFKA_BROKERS');
  process.exit(2);
}

const runId = randomUUID().slice(0, 8);
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
const database = await freshDatabase(databaseServer);
const opened = await openEventLog({ databaseUrl: database.url, dataDir: 'memory' });
const kafka = createKafka({ brokers: brokers.split(','), logger });
const topic = `gs-bench-pipeline-${runId}`;
const registry = new Registry();

const publisher = await startPublisher({
  log: opened.log,
  kafka,
  leases: postgresLeases({ databaseUrl: database.url, name: topic, holder: 'bench' }),
  logger,
  topic,
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
const consuming = await kafkaEventSource({ kafka, logger, topic, groupIdPrefix: `gs-bench-${runId}.`, maxWaitTimeInMs: maxWait }).run(projector);

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

process.stderr.write(`bench:kafka: ${events} events at ${rate}/s over ${auctions} auctions, consumer maxWaitTimeInMs ${maxWait}, load ${loadavg().map((n) => n.toFixed(2)).join(' ')}\n`);
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
console.log(`commit -> projector.apply over Kafka, ${sorted.length}/${events} events: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
console.log(`publisher lag (serverTime -> Kafka ack), cumulative buckets:\n  ${lag}`);

await consuming.stop();
await publisher.stop();
await opened.close();
await database.drop();
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({ topics: [topic] });
await admin.disconnect();
process.exit(0);
