import assert from 'node:assert/strict';
import express from 'express';
import { errorHandler, notFoundHandler } from '../../../infra/http/errors.js';
import { createHttpMetrics } from '../../../infra/http/metrics.js';
import { call, serve } from './harness.js';

describe('http metrics', () => {
  it('times requests by route pattern, method and status, and serves /metrics', async () => {
    const metrics = createHttpMetrics({ labels: { role: 'command-api' } });
    const app = express();
    app.use(metrics.middleware);
    app.get('/metrics', metrics.handler);
    const v1 = express.Router();
    v1.post('/auctions/:id/bids', (_req, res) => {
      res.status(201).json({ ok: true });
    });
    app.use('/v1', v1);
    app.get('/health', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(notFoundHandler);
    app.use(errorHandler());
    const s = await serve(app);
    try {
      await call(s.url, '/v1/auctions/123/bids', { json: {} });
      await call(s.url, '/v1/auctions/456/bids', { json: {} });
      await call(s.url, '/health');
      await call(s.url, '/no/such/thing/789');
      const page = await call(s.url, '/metrics');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/plain/);
      const text = String(page.body);
      const count = (labels: string[]): number | undefined => {
        const line = text
          .split('\n')
          .find((l) => l.startsWith('gavelstream_http_request_duration_seconds_count{') && labels.every((label) => l.includes(label)));
        return line === undefined ? undefined : Number(line.split(' ').pop());
      };
      assert.equal(count(['method="POST"', 'route="/v1/auctions/:id/bids"', 'status="201"', 'role="command-api"']), 2);
      assert.equal(count(['method="GET"', 'route="/health"', 'status="200"']), 1);
      assert.equal(count(['method="GET"', 'route="unmatched"', 'status="404"']), 1);
      assert.doesNotMatch(text, /auctions\/123|thing\/789/);
      assert.match(text, /gavelstream_process_cpu_user_seconds_total/);
    } finally {
      await s.close();
    }
  });

  it('can leave out the default metrics', async () => {
    const metrics = createHttpMetrics({ defaultMetrics: false, prefix: 'x_' });
    const text = await metrics.registry.metrics();
    assert.doesNotMatch(text, /process_cpu/);
    assert.match(text, /x_http_request_duration_seconds/);
  });
});
