// The projector role in a process of its own, for tests that kill it (SIGKILL) mid-stream: the real
// composition (resources from the environment, the read-model projector on the log source, or on
// the bus: Kafka when KAFKA_BROKERS is set, topic TEST_KAFKA_TOPIC, group prefix
// TEST_KAFKA_GROUP_PREFIX; RabbitMQ when RABBITMQ_URL is set, stream RABBITMQ_STREAM), with small
// batches (PROJECTOR_BATCH_SIZE on the log source; on Kafka small fetches, one partition at a time;
// on RabbitMQ a prefetch of 16) so that a backlog takes many transactions. Prints "running" once
// the projection has started; stops cleanly on SIGTERM.
import { createLogger, loadConfig } from '../../infra/index.js';
import { openResources } from '../../scripts/compose/resources.js';
import { logSourceFor, startReadModelProjection } from '../../scripts/compose/read-side.js';
import { busSourceFor } from '../../scripts/compose/bus-source.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, { name: 'test-projector' });
const resources = await openResources(config, logger);
const bus = busSourceFor(resources, {
  consumer: 'projector',
  ...(process.env.TEST_KAFKA_TOPIC !== undefined ? { topic: process.env.TEST_KAFKA_TOPIC } : {}),
  ...(process.env.TEST_KAFKA_GROUP_PREFIX !== undefined ? { groupIdPrefix: process.env.TEST_KAFKA_GROUP_PREFIX } : {}),
  partitionsConsumedConcurrently: 1,
  maxBytesPerPartition: 1024,
  prefetch: 16,
});
const source = bus ?? logSourceFor(resources, { batchSize: Number(process.env.PROJECTOR_BATCH_SIZE ?? '500') });
const projection = await startReadModelProjection(resources, source);
process.stdout.write('running\n');
process.once('SIGTERM', () => {
  void projection.stop().then(() => resources.close()).then(() => process.exit(0));
});
