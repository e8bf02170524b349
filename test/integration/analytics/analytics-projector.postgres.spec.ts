// The analytics projector and its rebuild on PostgreSQL (DATABASE_URL).
import { serviceUrl } from '../../support/services.js';
import type { ScratchServer } from '../../support/scratch-database.js';
import { postgresServer } from '../../support/scratch-database.js';
import { analyticsProjectorContract } from './analytics-projector.contract.js';

describe('analytics projector on PostgreSQL', function () {
  this.timeout(60_000);
  let server: ScratchServer;
  before(async function () {
    server = await postgresServer(serviceUrl(this, 'DATABASE_URL', 'analytics projector on PostgreSQL'));
  });
  after(async () => server?.close());
  analyticsProjectorContract(() => server);
});
