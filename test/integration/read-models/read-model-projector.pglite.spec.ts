// The read-model projector on PGlite (always runs).
import type { ScratchServer } from '../../support/scratch-database.js';
import { pgliteServer } from '../../support/scratch-database.js';
import { readModelProjectorContract } from './read-model-projector.contract.js';

describe('read-model projector on PGlite', function () {
  this.timeout(60_000);
  let server: ScratchServer;
  before(async () => {
    server = await pgliteServer();
  });
  after(async () => server?.close());
  readModelProjectorContract(() => server);
});
