// One publisher in a process of its own, for the takeover tests (which kill or pause it).
// Environment: DATABASE_URL, KAFKA_BROKERS (or RABBITMQ_URL), TEST_TOPIC (the topic or stream, and
// the lease's name), TEST_HOLDER, TEST_IDLE_TIMEOUT_MS. It logs
// pino JSON lines to stdout; the tests watch for 'holding the publisher lease: publishing' and
// 'lost the publisher lease: standing by'. The lease heartbeats every 200 ms and the server ends a
// session silent for TEST_IDLE_TIMEOUT_MS (default 1 s), so a paused process loses the lease
// quickly (and so may a slow one, on a busy machine: tests that need it to keep the lease give more).
import { kafkaSink, openEventLog, postgresLeases, rabbitSink, startPublisher } from '../../commands/index.js';
import { createKafka, createLogger } from '../../infra/index.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};

const databaseUrl = required('DATABASE_URL');
const topic = required('TEST_TOPIC');
const holder = required('TEST_HOLDER');
const logger = createLogger('info', { name: holder });
const opened = await openEventLog({ databaseUrl, dataDir: 'memory', log: { pollIntervalMs: 200 } });
const publisher = await startPublisher({
  log: opened.log,
  sink: process.env.KAFKA_BROKERS !== undefined && process.env.KAFKA_BROKERS !== ''
    ? kafkaSink({ kafka: createKafka({ brokers: process.env.KAFKA_BROKERS.split(','), logger }), logger, topic })
    : rabbitSink({ url: required('RABBITMQ_URL'), logger, stream: topic }),
  leases: postgresLeases({
    databaseUrl,
    name: topic,
    holder,
    applicationName: holder,
    retryMs: 50,
    heartbeatMs: 200,
    idleTimeoutMs: Number(process.env.TEST_IDLE_TIMEOUT_MS ?? '1000'),
    onError: (err) => logger.warn({ err }, 'lease problem'),
  }),
  logger,
});

process.on('SIGTERM', () => {
  void publisher.stop().then(() => opened.close()).then(() => process.exit(0));
});
