import assert from 'node:assert/strict';
import express from 'express';
import { isRight } from 'fp-ts/lib/Either.js';
import { ApiError, conflict, ErrorBodyCodec, errorHandler, forbidden, invalidRequest, notFound, notFoundHandler, tooManyRequests, unauthenticated } from '../../../infra/http/errors.js';
import { call, errorOf, memoryLogger, serve } from './harness.js';
import type { Served } from './harness.js';

describe('http errors: the error model', () => {
  it('helpers build the documented statuses, codes and headers', () => {
    assert.deepEqual(invalidRequest('bad', [{ path: 'body.x', message: 'is required' }]).toBody(), {
      error: { code: 'INVALID_REQUEST', message: 'bad', details: { fields: [{ path: 'body.x', message: 'is required' }] } },
    });
    const u = unauthenticated();
    assert.equal(u.status, 401);
    assert.equal(u.code, 'UNAUTHENTICATED');
    assert.match(u.headers['WWW-Authenticate'] ?? '', /^Bearer /);
    assert.match(unauthenticated('expired "x"', true).headers['WWW-Authenticate'] ?? '', /error="invalid_token", error_description="expired x"/);
    assert.equal(forbidden().status, 403);
    assert.equal(notFound().code, 'NOT_FOUND');
    assert.deepEqual(conflict('BID_TOO_LOW', 'too low', { minimum: 105 }).toBody(), { error: { code: 'BID_TOO_LOW', message: 'too low', details: { minimum: 105 } } });
    const r = tooManyRequests(1.2);
    assert.equal(r.status, 429);
    assert.equal(r.code, 'RATE_LIMITED');
    assert.equal(r.headers['Retry-After'], '2');
    assert.equal(tooManyRequests(0).headers['Retry-After'], '1');
    assert.ok(isRight(ErrorBodyCodec.decode(r.toBody())));
  });

  describe('errorHandler over HTTP', () => {
    let served: Served;
    const { logger, records } = memoryLogger();
    let ran = 0;

    before(async () => {
      const app = express();
      app.use(express.json({ limit: '1kb' }));
      app.post('/echo', (req, res) => {
        ran++;
        res.status(201).json({ got: req.body as unknown });
      });
      app.get('/api-error', () => {
        throw new ApiError(409, 'AUCTION_NOT_OPEN', 'the auction is closed', { status: 'sold' });
      });
      app.get('/boom', () => {
        throw new Error('secret connection string postgres://u:p@db');
      });
      app.get('/async-boom', async () => {
        await Promise.resolve();
        throw new TypeError('cannot read properties of undefined');
      });
      app.get('/behind', () => {
        throw new ApiError(503, 'READ_MODEL_BEHIND', 'the read model is behind; retry shortly', undefined, { 'Retry-After': '1' });
      });
      app.get('/late', (_req, res) => {
        res.status(200).write('partial');
        throw new Error('after headers');
      });
      app.use(notFoundHandler);
      app.use(errorHandler({ logger }));
      served = await serve(app);
    });
    after(() => served.close());

    it('turns ApiError into its status and body', async () => {
      const a = await call(served.url, '/api-error');
      assert.equal(a.status, 409);
      assert.deepEqual(a.body, { error: { code: 'AUCTION_NOT_OPEN', message: 'the auction is closed', details: { status: 'sold' } } });
    });

    it('answers malformed JSON with 400 INVALID_REQUEST, without running the handler', async () => {
      const before = ran;
      const a = await call(served.url, '/echo', { raw: '{"maxAmount": 10,' });
      assert.equal(a.status, 400);
      assert.equal(errorOf(a).code, 'INVALID_REQUEST');
      assert.equal(errorOf(a).message, 'the request body is not valid JSON');
      assert.equal(ran, before);
    });

    it('answers a JSON scalar body (strict parser) with 400, and a too large body with 413', async () => {
      const scalar = await call(served.url, '/echo', { raw: '"just a string"' });
      assert.equal(scalar.status, 400);
      assert.equal(errorOf(scalar).code, 'INVALID_REQUEST');
      const big = await call(served.url, '/echo', { json: { text: 'x'.repeat(5000) } });
      assert.equal(big.status, 413);
      assert.equal(errorOf(big).code, 'PAYLOAD_TOO_LARGE');
    });

    it('answers an unsupported charset with 415', async () => {
      const a = await call(served.url, '/echo', { raw: '{}', headers: { 'content-type': 'application/json; charset=klingon' } });
      assert.equal(a.status, 415);
      assert.equal(errorOf(a).code, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers unexpected errors with 500 INTERNAL, leaking nothing, and logs them', async () => {
      for (const path of ['/boom', '/async-boom']) {
        const a = await call(served.url, path);
        assert.equal(a.status, 500);
        assert.deepEqual(a.body, { error: { code: 'INTERNAL', message: 'internal error' } });
      }
      const logged = records.filter((r) => r.level === 'error');
      assert.ok(logged.some((r) => JSON.stringify(r).includes('secret connection string')));
      assert.ok(logged.some((r) => r.path === '/async-boom'));
    });

    it('logs a 5xx a handler answers on purpose (READ_MODEL_BEHIND) at warn, as an expected condition, not at error', async () => {
      const logged = records.length;
      const a = await call(served.url, '/behind');
      assert.equal(a.status, 503);
      assert.equal(errorOf(a).code, 'READ_MODEL_BEHIND');
      const mine = records.slice(logged);
      assert.ok(!mine.some((r) => r.level === 'error'), JSON.stringify(mine));
      assert.ok(mine.some((r) => r.level === 'warn' && r.code === 'READ_MODEL_BEHIND' && r.path === '/behind'), JSON.stringify(mine));
    });

    it('answers an unknown route with 404 NOT_FOUND in the error model', async () => {
      const a = await call(served.url, '/nowhere');
      assert.equal(a.status, 404);
      assert.equal(errorOf(a).code, 'NOT_FOUND');
    });

    it('cuts the connection when the headers were already sent, and logs the error', async () => {
      await assert.rejects(call(served.url, '/late'));
      assert.ok(records.some((r) => r.level === 'error' && JSON.stringify(r).includes('after headers')));
    });
  });
});
