// What the publisher suites run on: a fresh PostgreSQL database with its event log, a Kafka client
// for publishers and one for test plumbing, topics made fresh and deleted after the suite, and the
// publishers and topic readers a test starts, stopped after it.
import type { Kafka } from 'kafkajs';
import type { OpenedEventLog, RunningPublisher } from '../../commands/index.js';
import { openEventLog } from '../../commands/index.js';
import type { Logger } from '../../infra/index.js';
import { createKafka } from '../../infra/index.js';
import { collectTopic, deleteTopics, testKafka, uniqueName } from './kafka.js';
import type { Collector } from './kafka.js';
import { serviceUrl } from './services.js';
import { freshDatabase } from './system.js';

export interface PublisherSuite {
  readonly brokers: string;
  readonly databaseUrl: string;
  readonly opened: OpenedEventLog;
  /** The client publishers use. */
  readonly kafka: Kafka;
  /** The client of the test plumbing (collectors, topic admin). */
  readonly admin: Kafka;
  /** The publishers a test starts: each is stopped after the test. */
  readonly publishers: RunningPublisher[];
  /** A fresh topic named after `label`, deleted after the suite. */
  topic(label: string): string;
  /** Reads `topic` from its beginning until the test ends. */
  collect(topic: string): Promise<Collector>;
}

/** Registers the suite's hooks (call it inside `describe`); `suite` names the suite when a service is missing. */
export const publisherSuite = (suite: string, logger: Logger): PublisherSuite => {
  let services: { readonly brokers: string; readonly databaseUrl: string; readonly kafka: Kafka; readonly admin: Kafka } | undefined;
  let opened: OpenedEventLog | undefined;
  let dropDatabase: () => Promise<void> = () => Promise.resolve();
  const topics: string[] = [];
  const publishers: RunningPublisher[] = [];
  const collectors: Collector[] = [];

  before(async function () {
    const brokers = serviceUrl(this, 'KAFKA_BROKERS', suite);
    const database = await freshDatabase(serviceUrl(this, 'DATABASE_URL', suite));
    dropDatabase = database.drop;
    opened = await openEventLog({ databaseUrl: database.url, dataDir: 'memory', log: { pollIntervalMs: 200 } });
    services = { brokers, databaseUrl: database.url, kafka: createKafka({ brokers: brokers.split(','), logger }), admin: testKafka(brokers) };
  });

  afterEach(async () => {
    await Promise.all(publishers.splice(0).map((p) => p.stop()));
    await Promise.all(collectors.splice(0).map((c) => c.stop()));
  });

  after(async () => {
    if (services !== undefined) await deleteTopics(services.admin, topics).catch(() => undefined);
    await opened?.close();
    await dropDatabase();
  });

  const ready = () => {
    if (services === undefined || opened === undefined) throw new Error(`${suite}: used before its before hook ran`);
    return { ...services, opened };
  };

  return {
    get brokers() { return ready().brokers; },
    get databaseUrl() { return ready().databaseUrl; },
    get opened() { return ready().opened; },
    get kafka() { return ready().kafka; },
    get admin() { return ready().admin; },
    publishers,
    topic: (label) => {
      const name = uniqueName(label);
      topics.push(name);
      return name;
    },
    collect: async (topic) => {
      const collector = await collectTopic(ready().admin, topic);
      collectors.push(collector);
      return collector;
    },
  };
};
