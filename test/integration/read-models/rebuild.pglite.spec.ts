// Rebuild of the read models on PGlite (always runs).
import type { ScratchServer } from '../../support/scratch-database.js';
import { pgliteServer } from '../../support/scratch-database.js';
import { rebuildContract } from './rebuild.contract.js';

describe('read-model rebuild on PGlite', function () {
  this.timeout(60_000);
  let server: ScratchServer;
  before(async () => {
    server = await pgliteServer();
  });
  after(async () => server?.close());
  rebuildContract(() => server);
});
