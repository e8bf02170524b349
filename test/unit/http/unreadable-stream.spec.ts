// A command on an auction whose stream holds an event that cannot be read: 503 AUCTION_UNAVAILABLE
// in the error model, logged at error level once per stream and version (not per request), and
// /health keeps answering 200 with what the process adds (its parked streams).
import assert from 'node:assert/strict';
import { Router } from 'express';
import { CorruptStreamError } from '../../../commands/index.js';
import { createProcessProbes, loadConfig } from '../../../infra/index.js';
import { buildHttpApp } from '../../../scripts/compose/http-app.js';
import { call, errorOf, memoryLogger, serve } from './harness.js';

describe('HTTP: an auction whose stream cannot be read', () => {
  it('answers 503 AUCTION_UNAVAILABLE, logs once per stream, and /health still answers 200 with the extra fields', async () => {
    const { logger, records } = memoryLogger();
    const router = Router();
    router.post('/v1/auctions/:id/bids', (req) => {
      throw new CorruptStreamError(`auction-${req.params.id}`, 3, 'BidPlaced: expected a whole number of minor units');
    });
    const config = loadConfig({ DATA_DIR: 'memory', AUTH_JWT_SECRET: 'unit-test-secret-unit-test-secret-0123', RATE_LIMIT_PER_MINUTE: '1000000' });
    const parked = [{ projection: 'read-models', streamId: 'auction-a', streamVersion: 3 }];
    const probes = createProcessProbes({ roles: config.roles, state: 'ready', details: () => Promise.resolve({ parkedStreams: parked }) });
    const served = await serve(buildHttpApp({ config, logger, routers: [router], probes }));
    try {
      for (const id of ['a', 'a', 'b', 'a']) {
        const answer = await call(served.url, `/v1/auctions/${id}/bids`, { json: { maxAmount: 1000 } });
        assert.equal(answer.status, 503);
        assert.equal(errorOf(answer).code, 'AUCTION_UNAVAILABLE');
        assert.doesNotMatch(errorOf(answer).message, /minor units/, 'the decoder\'s detail stays in the log');
      }
      const errors = records.filter((r) => r.level === 'error');
      assert.deepEqual(errors.map((r) => [r.streamId, r.streamVersion]), [['auction-a', 3], ['auction-b', 3]]);
      const health = await call(served.url, '/health');
      assert.equal(health.status, 200);
      assert.deepEqual(health.body, { status: 'ok', roles: config.roles, state: 'ready', parkedStreams: parked });
    } finally {
      await served.close();
    }
  });
});
