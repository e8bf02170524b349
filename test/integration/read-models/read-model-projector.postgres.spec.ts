// The read-model projector on PostgreSQL (DATABASE_URL), including instances running concurrently.
import { serviceUrl } from '../../support/services.js';
import type { ScratchServer } from '../../support/scratch-database.js';
import { postgresServer } from '../../support/scratch-database.js';
import { concurrentProjectorsContract, readModelProjectorContract } from './read-model-projector.contract.js';

describe('read-model projector on PostgreSQL', function () {
  this.timeout(60_000);
  let server: ScratchServer;
  before(async function () {
    server = await postgresServer(serviceUrl(this, 'DATABASE_URL', 'read-model projector on PostgreSQL'));
  });
  after(async () => server?.close());
  readModelProjectorContract(() => server);
  concurrentProjectorsContract(() => server);
});
