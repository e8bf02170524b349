// The projector role in a process of its own, for tests that kill it (SIGKILL) mid-stream: the real
// composition (resources from the environment, the read-model projector on the log source), with a
// small batch size (PROJECTOR_BATCH_SIZE) so that a backlog takes many transactions. Prints
// "running" once the projection has started; stops cleanly on SIGTERM.
import { createLogger, loadConfig } from '../../infra/index.js';
import { openResources } from '../../scripts/compose/resources.js';
import { startReadModelProjection } from '../../scripts/compose/read-side.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, { name: 'test-projector' });
const resources = await openResources(config, logger);
const projection = await startReadModelProjection(resources, { batchSize: Number(process.env.PROJECTOR_BATCH_SIZE ?? '500') });
process.stdout.write('running\n');
process.once('SIGTERM', () => {
  void projection.stop().then(() => resources.close()).then(() => process.exit(0));
});
