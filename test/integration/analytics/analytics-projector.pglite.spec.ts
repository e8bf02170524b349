// The analytics projector and its rebuild on PGlite (always runs).
import type { ScratchServer } from '../../support/scratch-database.js';
import { pgliteServer } from '../../support/scratch-database.js';
import { analyticsProjectorContract } from './analytics-projector.contract.js';

describe('analytics projector on PGlite', function () {
  this.timeout(60_000);
  let server: ScratchServer;
  before(async () => {
    server = await pgliteServer();
  });
  after(async () => server?.close());
  analyticsProjectorContract(() => server);
});
