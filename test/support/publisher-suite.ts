// What the publisher suites run on: a fresh PostgreSQL database with its event log, the bus (Kafka
// by default: a client for publishers and one for test plumbing; or RabbitMQ), topics or streams
// made fresh and deleted after the suite, and the publishers and readers a test starts, stopped after it.
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import type { BusSink, OpenedEventLog, RunningPublisher } from '../../commands/index.js';
import { openEventLog } from '../../commands/index.js';
import type { Logger } from '../../infra/index.js';
import { createKafka } from '../../infra/index.js';
import type { Collector } from './kafka.js';
import { testKafka } from './kafka.js';
import type { BusUnderTest } from './bus.js';
import { kafkaBus } from './bus.js';
import { serviceUrl } from './services.js';
import { freshDatabase } from './system.js';

export interface PublisherSuite {
  readonly bus: BusUnderTest;
  /** Kafka's brokers (on a Kafka bus only). */
  readonly brokers: string;
  readonly databaseUrl: string;
  readonly opened: OpenedEventLog;
  /** The client publishers use (on a Kafka bus only). */
  readonly kafka: Kafka;
  /** The client of the test plumbing (collectors, topic admin; on a Kafka bus only). */
  readonly admin: Kafka;
  /** A sink to `topic` (a topic of `partitions` on Kafka, a stream on RabbitMQ). */
  sink(topic: string, partitions?: number): BusSink;
  /** A child process's environment for publishing to `topic` (the bus's variables). */
  childEnv(topic: string): Record<string, string>;
  /** The publishers a test starts: each is stopped after the test. */
  readonly publishers: RunningPublisher[];
  /** A fresh topic (or stream) named after `label`, deleted after the suite. */
  topic(label: string): string;
  /** Reads `topic` from its beginning until the test ends. */
  collect(topic: string): Promise<Collector>;
}

/** Registers the suite's hooks (call it inside `describe`); `suite` names the suite when a service is missing. */
export const publisherSuite = (suite: string, logger: Logger, bus: BusUnderTest = kafkaBus()): PublisherSuite => {
  let services: { readonly databaseUrl: string; readonly kafka?: { readonly brokers: string; readonly kafka: Kafka; readonly admin: Kafka } } | undefined;
  let opened: OpenedEventLog | undefined;
  let dropDatabase: () => Promise<void> = () => Promise.resolve();
  const publishers: RunningPublisher[] = [];
  const collectors: Collector[] = [];

  before(async function () {
    bus.connect(this, suite);
    const database = await freshDatabase(serviceUrl(this, 'DATABASE_URL', suite));
    dropDatabase = database.drop;
    opened = await openEventLog({ databaseUrl: database.url, dataDir: 'memory', log: { pollIntervalMs: 200 } });
    const brokers = bus.variable === 'KAFKA_BROKERS' ? bus.url : undefined;
    services = {
      databaseUrl: database.url,
      ...(brokers !== undefined ? { kafka: { brokers, kafka: createKafka({ brokers: brokers.split(','), logger }), admin: testKafka(brokers) } } : {}),
    };
  });

  afterEach(async () => {
    await Promise.all(publishers.splice(0).map((p) => p.stop()));
    await Promise.all(collectors.splice(0).map((c) => c.stop()));
  });

  after(async () => {
    await bus.cleanup();
    await opened?.close();
    await dropDatabase();
  });

  const ready = () => {
    if (services === undefined || opened === undefined) throw new Error(`${suite}: used before its before hook ran`);
    return { ...services, opened };
  };

  const onKafka = () => ready().kafka ?? assert.fail(`${suite}: Kafka's clients on the ${bus.name} bus`);
  const names = (topic: string) => ({ name: topic, groupIdPrefix: '' });

  return {
    bus,
    get brokers() { return onKafka().brokers; },
    get databaseUrl() { return ready().databaseUrl; },
    get opened() { return ready().opened; },
    get kafka() { return onKafka().kafka; },
    get admin() { return onKafka().admin; },
    publishers,
    topic: (label) => bus.fresh(label).name,
    sink: (topic, partitions) => bus.sink(names(topic), logger, partitions),
    childEnv: (topic) => bus.env(names(topic)),
    collect: async (topic) => {
      const collector = await bus.collect(names(topic));
      collectors.push(collector);
      return collector;
    },
  };
};
