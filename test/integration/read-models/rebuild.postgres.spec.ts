// Rebuild of the read models on PostgreSQL (DATABASE_URL): with writes and a live projector during the swap.
import { serviceUrl } from '../../support/services.js';
import type { ScratchServer } from '../../support/scratch-database.js';
import { postgresServer } from '../../support/scratch-database.js';
import { rebuildContract } from './rebuild.contract.js';

describe('read-model rebuild on PostgreSQL', function () {
  this.timeout(60_000);
  let server: ScratchServer;
  before(async function () {
    server = await postgresServer(serviceUrl(this, 'DATABASE_URL', 'read-model rebuild on PostgreSQL'));
  });
  after(async () => server?.close());
  rebuildContract(() => server);
});
