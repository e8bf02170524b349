// Kafka plumbing that both sides share (kafkajs): the client with its logs in pino, and creating
// the event topic with the settings the design asks for. No auction logic here.
import { createRequire } from 'node:module';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, LogEntry, logCreator } from 'kafkajs';
import type { Logger } from './logger.js';

/** What the fix below touches of kafkajs's per-connection request queue (src/network/requestQueue). */
interface RequestQueueInternals {
  pending: readonly unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own interval for looking at queued requests again. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/**
 * kafkajs 2.2.4 re-arms a timer after every look at its request queue, even with nothing queued
 * and no throttling, and then with a negative delay (`throttledUntil` is -1): every connection to
 * a broker runs a 1 ms timer loop for as long as it is open, about 25 ms of CPU a second per
 * consumer or producer while idle (tulios/kafkajs#1556, #1704; the fix of PR #1667, unreleased).
 * Here a look is scheduled only when requests wait or the broker throttles; a queued request is
 * still looked at on every response and on every push, as before.
 */
const fixIdleRequestQueueLoop = (): void => {
  const loaded: unknown = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js');
  if (typeof loaded !== 'function') return;
  const proto = (loaded as { prototype: RequestQueueInternals }).prototype;
  if (typeof proto.scheduleCheckPendingRequests !== 'function' || typeof proto.checkPendingRequests !== 'function') return;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
    if (this.throttleCheckTimeoutId) return;
    const throttledFor = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && throttledFor <= 0) return;
    const delay = throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL_MS;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
};
fixIdleRequestQueueLoop();

export const DEFAULT_EVENTS_TOPIC = 'auction-events';
export const DEFAULT_EVENTS_TOPIC_PARTITIONS = 12;

/**
 * Warnings about settings chosen on purpose. The publisher bounds its idempotent producer's
 * retries so that a publisher which lost its lease gives its batch up quickly; the batch is then
 * retried from the checkpoint (see commands/publisher/publisher.ts).
 */
const EXPECTED = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/**
 * kafkajs records into pino under `kafka`. kafkajs logs retried protocol errors (rebalances,
 * concurrent group joins) at ERROR although it recovers from them: they become warnings here; its
 * INFO (joins, connects) becomes debug.
 */
const pinoLogCreator = (logger: Logger): logCreator => () => ({ namespace, level, log }: LogEntry) => {
  const { message, timestamp: _timestamp, logger: _name, ...extra } = log as LogEntry['log'] & { logger?: string };
  const record = { kafka: namespace, ...extra };
  if (EXPECTED.has(message)) {
    logger.debug(record, message);
    return;
  }
  switch (level) {
    case logLevel.ERROR:
    case logLevel.WARN:
      logger.warn(record, message);
      break;
    case logLevel.INFO:
      logger.debug(record, message);
      break;
    default:
      logger.trace(record, message);
  }
};

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly logger: Logger;
  readonly clientId?: string;
}

/** One client per process; producers, consumers and admins are made from it. */
export const createKafka = (options: KafkaClientOptions): Kafka =>
  new Kafka({
    clientId: options.clientId ?? 'gavelstream',
    brokers: [...options.brokers],
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(options.logger.child({ component: 'kafka' })),
    // A broker restart takes seconds; keep trying for about a minute before reporting failure.
    retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 12 },
  });

export interface EventTopicSpec {
  readonly topic: string;
  /** Only used when the topic is created: a topic's partition count is never changed here. */
  readonly partitions: number;
  /** Default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
}

/** The topic keeps every message: no deletion by age or by size, so it can be replayed from the start. */
export const KEEP_FOREVER = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
  { name: 'cleanup.policy', value: 'delete' },
] as const;

const withAdmin = async <T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
};

/**
 * Creates the event topic when it is missing (keyed partitions, kept forever). An existing topic is
 * left as it is; settings that would delete events are reported as a warning. Safe when several
 * processes start at once. Returns true when this call created the topic.
 */
export const ensureEventTopic = (kafka: Kafka, spec: EventTopicSpec, logger: Logger): Promise<boolean> =>
  withAdmin(kafka, async (admin) => {
    if (!Number.isSafeInteger(spec.partitions) || spec.partitions < 1) throw new Error(`partitions must be a positive integer, got ${spec.partitions}`);
    const existing = await admin.listTopics();
    let created = false;
    if (!existing.includes(spec.topic)) {
      created = await admin.createTopics({
        waitForLeaders: true,
        topics: [{
          topic: spec.topic,
          numPartitions: spec.partitions,
          ...(spec.replicationFactor !== undefined ? { replicationFactor: spec.replicationFactor } : {}),
          configEntries: KEEP_FOREVER.map((e) => ({ ...e })),
        }],
      });
      if (created) logger.info({ topic: spec.topic, partitions: spec.partitions }, 'created the event topic');
    }
    if (!created) {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2 /* TOPIC */, name: spec.topic, configNames: ['retention.ms', 'retention.bytes'] }],
      });
      const entries = described.resources[0]?.configEntries ?? [];
      const deleting = entries.filter((e) => e.configValue !== '-1').map((e) => `${e.configName}=${e.configValue}`);
      if (deleting.length > 0) {
        logger.warn({ topic: spec.topic, settings: deleting }, 'the event topic deletes old messages; set retention.ms=-1 and retention.bytes=-1 to keep the log replayable');
      }
    }
    return created;
  });
