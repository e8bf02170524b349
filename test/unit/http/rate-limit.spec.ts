import assert from 'node:assert/strict';
import express from 'express';
import { Redis } from 'ioredis';
import { errorHandler } from '../../../infra/http/errors.js';
import { rateLimit } from '../../../infra/http/rate-limit.js';
import { call, errorOf, serve } from './harness.js';
import { rateLimitBehaviour } from './suites.js';

describe('http rate limit (in memory)', () => {
  rateLimitBehaviour(() => ({}));

  it('refuses nonsensical limits at construction', () => {
    assert.throws(() => rateLimit({ perUser: { points: 0, durationSeconds: 60 } }), /perUser/);
    assert.throws(() => rateLimit({ perIp: { points: 5, durationSeconds: 0.5 } }), /perIp/);
  });

  it('keeps limiting, in memory, while Redis is unreachable (insurance limiter), never a 500', async () => {
    // A client that never connected: status 'wait', so the Redis limiter defers to its insurance.
    const down = new Redis('redis://127.0.0.1:1/5', { lazyConnect: true, enableOfflineQueue: false });
    const app = express();
    app.use(rateLimit({ redis: down, perIp: { points: 2, durationSeconds: 60 }, keyPrefix: 'gs:test:down' }));
    app.get('/x', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler());
    const s = await serve(app);
    try {
      assert.equal((await call(s.url, '/x')).status, 200);
      assert.equal((await call(s.url, '/x')).status, 200);
      const refused = await call(s.url, '/x');
      assert.equal(refused.status, 429);
      assert.equal(errorOf(refused).code, 'RATE_LIMITED');
      assert.ok(refused.headers.get('retry-after') !== null);
    } finally {
      await s.close();
      down.disconnect();
    }
  });
});
