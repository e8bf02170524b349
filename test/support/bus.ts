// The bus a contract suite runs on (test/contract/bus-*.contract.ts): Kafka or RabbitMQ, each
// described the same way. A suite calls `bus.connect(this, suite)` in its `before` hook (skipped in
// one line, or failed under REQUIRE_SERVICES=1, when the bus's variable is absent), names fresh
// destinations with `fresh(label)` (a unique topic and consumer group prefix, or a unique stream),
// and calls `cleanup()` after: every topic or stream it named is deleted.
import amqp from 'amqplib';
import type { Kafka } from 'kafkajs';
import type { Context } from 'mocha';
import type { BusSink } from '../../commands/index.js';
import { kafkaSink, rabbitSink } from '../../commands/index.js';
import { streamOffsetOf, toRabbitMessage } from '../../contracts/index.js';
import type { Logger } from '../../infra/index.js';
import { createKafka, createLogger, ensureEventStream, ensureEventTopic } from '../../infra/index.js';
import type { RecordedEvent } from '../../domain/index.js';
import type { BusEventSource, KafkaSourceErrorContext, RabbitSourceErrorContext } from '../../projections/index.js';
import { kafkaEventSource, rabbitEventSource, rabbitSourceName } from '../../projections/index.js';
import type { SystemOptions } from '../../scripts/compose/system.js';
import type { CollectedMessage, Collector } from './kafka.js';
import { collectTopic, deleteTopics, produce, testKafka, uniqueName } from './kafka.js';
import type { ServiceVariable } from './services.js';
import { serviceUrl } from './services.js';

/** One destination on the bus: a topic and a consumer group prefix, or a stream. */
export interface BusNames {
  /** The topic or stream. */
  readonly name: string;
  /** Kafka's consumer group id prefix (unused on RabbitMQ). */
  readonly groupIdPrefix: string;
}

/** A message a test writes directly: an event as the publisher writes it, or any text (a poison message). */
export type RawBusMessage = { readonly event: RecordedEvent } | { readonly raw: string };

export interface SourceExtras {
  readonly onError?: (error: unknown, context: KafkaSourceErrorContext | RabbitSourceErrorContext) => void;
  readonly retryDelayMs?: { readonly initial: number; readonly max: number };
}

export interface BusUnderTest {
  /** 'Kafka' or 'RabbitMQ', for titles. */
  readonly name: string;
  readonly variable: ServiceVariable;
  /** Reads the bus's variable in a `before` hook (skips or fails the suite when absent). */
  connect(ctx: Context, suite: string): void;
  /** The bus's URL or brokers, once connected. */
  readonly url: string;
  /** Fresh names, deleted by `cleanup`. */
  fresh(label: string): BusNames;
  /** Creates the destination (one partition on Kafka: tests then see one order). */
  create(names: BusNames, logger: Logger): Promise<void>;
  /** A process's environment for the bus (the system's `env`, a child's). */
  env(names: BusNames): Record<string, string>;
  /** startTestSystem's options naming the destination. */
  systemOptions(names: BusNames): Pick<SystemOptions, 'kafka' | 'rabbitmq'>;
  /** The publisher's sink for `names` (Kafka: a topic of `partitions` when it creates it, default 1). */
  sink(names: BusNames, logger: Logger, partitions?: number): BusSink;
  /** The projectors' source for `names`. */
  source(names: BusNames, logger: Logger, extras?: SourceExtras): BusEventSource;
  /** The checkpoint source names a projector fed from `names` uses begin with this. */
  sourcePrefix(names: BusNames): string;
  /** Reads the destination from its beginning until stopped (Kafka's partition; 0 on RabbitMQ). */
  collect(names: BusNames): Promise<Collector>;
  /** Writes `messages` in order. */
  produce(names: BusNames, messages: readonly RawBusMessage[]): Promise<void>;
  /** Deletes every destination named by `fresh`. */
  cleanup(): Promise<void>;
}

const silentLogger = createLogger('silent');

export const kafkaBus = (): BusUnderTest => {
  let brokers: string | undefined;
  let client: Kafka | undefined;
  let admin: Kafka | undefined;
  const topics: string[] = [];
  const ready = () => {
    if (brokers === undefined || client === undefined || admin === undefined) throw new Error('the Kafka bus is used before connect()');
    return { brokers, client, admin };
  };
  return {
    name: 'Kafka',
    variable: 'KAFKA_BROKERS',
    connect(ctx, suite) {
      brokers = serviceUrl(ctx, 'KAFKA_BROKERS', suite);
      client = createKafka({ brokers: brokers.split(','), logger: silentLogger });
      admin = testKafka(brokers);
    },
    get url() { return ready().brokers; },
    fresh(label) {
      const name = uniqueName(label);
      topics.push(name);
      return { name, groupIdPrefix: `${uniqueName('group')}.` };
    },
    create: async (names, logger) => void (await ensureEventTopic(ready().client, { topic: names.name, partitions: 1 }, logger)),
    env: () => ({ KAFKA_BROKERS: ready().brokers }),
    systemOptions: (names) => ({ kafka: { topic: names.name, groupIdPrefix: names.groupIdPrefix } }),
    sink: (names, logger, partitions = 1) => kafkaSink({ kafka: ready().client, logger, topic: names.name, partitions }),
    source: (names, logger, extras = {}) => kafkaEventSource({
      kafka: ready().client, logger, topic: names.name, groupIdPrefix: names.groupIdPrefix, partitions: 1, ...extras,
    }),
    sourcePrefix: (names) => `kafka:${names.name}:`,
    collect: (names) => collectTopic(ready().admin, names.name),
    produce: (names, messages) => produce(ready().admin, names.name, messages.map((m) => ('event' in m ? { event: m.event, partition: 0 } : { raw: m.raw, key: 'raw', partition: 0 }))),
    cleanup: async () => {
      if (admin !== undefined) await deleteTopics(admin, topics.splice(0)).catch(() => undefined);
    },
  };
};

export const rabbitBus = (): BusUnderTest => {
  let url: string | undefined;
  const streams: string[] = [];
  const ready = () => {
    if (url === undefined) throw new Error('the RabbitMQ bus is used before connect()');
    return url;
  };
  /** Runs `fn` on a channel of its own connection. */
  const withChannel = async <T>(fn: (channel: amqp.Channel) => Promise<T>): Promise<T> => {
    const connection = await amqp.connect(ready());
    try {
      return await fn(await connection.createChannel());
    } finally {
      await connection.close().catch(() => undefined);
    }
  };
  return {
    name: 'RabbitMQ',
    variable: 'RABBITMQ_URL',
    connect(ctx, suite) {
      url = serviceUrl(ctx, 'RABBITMQ_URL', suite);
    },
    get url() { return ready(); },
    fresh(label) {
      const name = uniqueName(label);
      streams.push(name);
      return { name, groupIdPrefix: '' };
    },
    create: (names) => withChannel((channel) => ensureEventStream(channel, names.name)),
    env: (names) => ({ RABBITMQ_URL: ready(), RABBITMQ_STREAM: names.name }),
    systemOptions: (names) => ({ rabbitmq: { stream: names.name } }),
    sink: (names, logger) => rabbitSink({ url: ready(), logger, stream: names.name }),
    source: (names, logger, extras = {}) => rabbitEventSource({ url: ready(), logger, stream: names.name, ...extras }),
    sourcePrefix: (names) => rabbitSourceName(names.name),
    collect: async (names) => {
      const messages: CollectedMessage[] = [];
      const connection = await amqp.connect(ready());
      const channel = await connection.createChannel();
      await ensureEventStream(channel, names.name);
      await channel.prefetch(1_000);
      await channel.consume(names.name, (message) => {
        if (message === null) return;
        const headers = Object.fromEntries(Object.entries(message.properties.headers ?? {})
          .filter(([k]) => !k.startsWith('x-'))
          .map(([k, v]) => [k, String(v)]));
        messages.push({ partition: 0, offset: String(streamOffsetOf(message.properties.headers) ?? -1n), key: '', value: message.content, headers });
        channel.ack(message);
      }, { noAck: false, arguments: { 'x-stream-offset': 'first' } });
      return { messages, stop: () => connection.close().catch(() => undefined) };
    },
    produce: async (names, messages) => {
      const connection = await amqp.connect(ready());
      try {
        const confirm = await connection.createConfirmChannel();
        await ensureEventStream(confirm, names.name);
        for (const m of messages) {
          if ('event' in m) {
            const message = toRabbitMessage(m.event);
            confirm.sendToQueue(names.name, message.content, { ...message.properties, headers: { ...message.properties.headers } });
          } else {
            confirm.sendToQueue(names.name, Buffer.from(m.raw, 'utf8'), { persistent: true });
          }
        }
        await confirm.waitForConfirms();
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
    cleanup: async () => {
      if (url === undefined || streams.length === 0) return;
      const names = streams.splice(0);
      await withChannel(async (channel) => {
        for (const name of names) await channel.deleteQueue(name);
      }).catch(() => undefined);
    },
  };
};

/** Both buses, for suites that run on each. */
export const everyBus = (): readonly BusUnderTest[] => [kafkaBus(), rabbitBus()];
