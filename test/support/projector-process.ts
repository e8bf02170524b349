// The projector role in a process of its own, for tests that kill it (SIGKILL) mid-stream: the real
// composition (resources from the environment, the read-model projector on the log source, or on
// Kafka when KAFKA_BROKERS is set: topic TEST_KAFKA_TOPIC, group prefix TEST_KAFKA_GROUP_PREFIX),
// with a small batch size (PROJECTOR_BATCH_SIZE, log source; on Kafka small fetches, one
// partition at a time) so that a backlog takes many transactions. Prints "running" once the
// projection has started; stops cleanly on SIGTERM.
import { createLogger, loadConfig } from '../../infra/index.js';
import { openResources } from '../../scripts/compose/resources.js';
import { logSourceFor, startReadModelProjection } from '../../scripts/compose/read-side.js';
import { kafkaSourceFor } from '../../scripts/compose/kafka-source.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, { name: 'test-projector' });
const resources = await openResources(config, logger);
const kafka = kafkaSourceFor(resources, {
  ...(process.env.TEST_KAFKA_TOPIC !== undefined ? { topic: process.env.TEST_KAFKA_TOPIC } : {}),
  ...(process.env.TEST_KAFKA_GROUP_PREFIX !== undefined ? { groupIdPrefix: process.env.TEST_KAFKA_GROUP_PREFIX } : {}),
  partitionsConsumedConcurrently: 1,
  maxBytesPerPartition: 1024,
});
const source = kafka ?? logSourceFor(resources, { batchSize: Number(process.env.PROJECTOR_BATCH_SIZE ?? '500') });
const projection = await startReadModelProjection(resources, source);
process.stdout.write('running\n');
process.once('SIGTERM', () => {
  void projection.stop().then(() => resources.close()).then(() => process.exit(0));
});
