import assert from 'node:assert/strict';
import * as t from 'io-ts';
import express from 'express';
import { MemoryIdempotencyStore, requestFingerprint, storableStatus } from '../../../commands/http/index.js';
import type { DoneRecord } from '../../../commands/http/index.js';
import { authenticate } from '../../../infra/http/authenticate.js';
import { errorHandler } from '../../../infra/http/errors.js';
import { idempotency } from '../../../commands/http/index.js';
import { call, errorOf, memoryLogger, SECRET, serve } from './harness.js';
import { idempotencyBehaviour, tokenFor } from './suites.js';

const done = (fingerprint: string, status = 201): DoneRecord => ({ state: 'done', fingerprint, response: { status, body: { ok: true }, headers: {} } });

describe('http idempotency (memory store)', () => {
  idempotencyBehaviour(() => new MemoryIdempotencyStore());

  describe('MemoryIdempotencyStore', () => {
    let clock = 0;
    const now = () => clock;

    it('claims once, completes for the owner only, expires stored responses', async () => {
      clock = 1000;
      const store = new MemoryIdempotencyStore({ now });
      assert.equal(await store.claim('u:k', 'f1', 'o1', 60_000), null);
      assert.deepEqual(await store.claim('u:k', 'f1', 'o2', 60_000), { state: 'in-flight', fingerprint: 'f1', owner: 'o1' });
      assert.equal(await store.complete('u:k', 'o2', done('f1'), 86_400_000), false);
      assert.equal(await store.complete('u:k', 'o1', done('f1'), 86_400_000), true);
      assert.deepEqual(await store.claim('u:k', 'f1', 'o3', 60_000), done('f1'));
      clock += 86_400_000 - 1;
      assert.equal((await store.claim('u:k', 'f1', 'o3', 60_000))?.state, 'done');
      clock += 1;
      assert.equal(await store.claim('u:k', 'f1', 'o3', 60_000), null, 'expired after 24 h: claimable again');
    });

    it('frees an in-flight claim after its lease (a crashed request), and the late owner cannot complete', async () => {
      clock = 0;
      const store = new MemoryIdempotencyStore({ now });
      assert.equal(await store.claim('u:k', 'f', 'crashed', 3_000), null);
      clock = 2_999;
      assert.equal((await store.claim('u:k', 'f', 'retry', 3_000))?.state, 'in-flight');
      clock = 3_000;
      assert.equal(await store.claim('u:k', 'f', 'retry', 3_000), null);
      assert.equal(await store.complete('u:k', 'crashed', done('f'), 1000), false);
      assert.equal(await store.complete('u:k', 'retry', done('f'), 1000), true);
    });

    it("a renewal keeps the owner's claim one more lease from now, however long it has run", async () => {
      clock = 0;
      const store = new MemoryIdempotencyStore({ now });
      await store.claim('u:k', 'f', 'slow', 3_000);
      for (clock = 1_000; clock <= 10_000; clock += 1_000) assert.equal(await store.renew('u:k', 'slow', 3_000), true, String(clock));
      clock = 12_999;
      assert.equal((await store.claim('u:k', 'f', 'retry', 3_000))?.state, 'in-flight', 'renewed at 10 s: held until 13 s');
      clock = 13_000;
      assert.equal(await store.renew('u:k', 'slow', 3_000), false, 'lapsed: too late to renew');
      assert.equal(await store.claim('u:k', 'f', 'retry', 3_000), null);
    });

    it('release drops only its own in-flight claim', async () => {
      clock = 0;
      const store = new MemoryIdempotencyStore({ now });
      await store.claim('u:k', 'f', 'o1', 60_000);
      await store.release('u:k', 'o2');
      assert.notEqual(await store.claim('u:k', 'f', 'o3', 60_000), null);
      await store.release('u:k', 'o1');
      assert.equal(await store.claim('u:k', 'f', 'o3', 60_000), null);
      await store.complete('u:k', 'o3', done('f'), 1000);
      await store.release('u:k', 'o3');
      assert.equal((await store.claim('u:k', 'f', 'o4', 60_000))?.state, 'done', 'a stored response is not released');
    });

    it('stays within maxEntries, sweeping expired keys first, then dropping the oldest', async () => {
      clock = 0;
      const store = new MemoryIdempotencyStore({ maxEntries: 3, now });
      await store.claim('a', 'f', 'o', 10);
      await store.claim('b', 'f', 'o', 1000);
      await store.claim('c', 'f', 'o', 1000);
      clock = 20; // 'a' expired
      await store.claim('d', 'f', 'o', 1000);
      assert.equal(store.size, 3);
      assert.notEqual(await store.claim('b', 'f', 'o2', 1000), null, "'b' survived: only the expired key went");
      await store.claim('e', 'f', 'o', 1000);
      assert.equal(store.size, 3);
      assert.equal(await store.claim('b', 'f', 'o2', 1000), null, "'b', the oldest, was dropped");
    });
  });

  it('refuses with 503 when the store is down, and still answers when storing the response fails', async () => {
    const { logger, records } = memoryLogger();
    class Broken extends MemoryIdempotencyStore {
      failClaim = false;
      override claim(key: string, fingerprint: string, owner: string, leaseMs: number) {
        return this.failClaim ? Promise.reject(new Error('ECONNREFUSED')) : super.claim(key, fingerprint, owner, leaseMs);
      }
      override complete(): Promise<boolean> {
        return Promise.reject(new Error('READONLY'));
      }
    }
    const store = new Broken();
    const app = express();
    app.use(express.json());
    app.use(authenticate({ secret: SECRET, required: true }));
    app.post('/cmd', idempotency({ store, required: true, logger, request: { body: t.UnknownRecord } }), (_req, res) => {
      res.status(201).json({ done: true });
    });
    app.use(errorHandler({ logger }));
    const s = await serve(app);
    try {
      const token = await tokenFor('dora');
      const first = await call(s.url, '/cmd', { token, json: {}, headers: { 'Idempotency-Key': 'k' } });
      assert.equal(first.status, 201);
      assert.ok(records.some((r) => r.msg === 'idempotency: could not store a response'));
      // the claim was released: a retry runs again rather than waiting for the lease to lapse
      assert.equal((await call(s.url, '/cmd', { token, json: {}, headers: { 'Idempotency-Key': 'k' } })).status, 201);
      store.failClaim = true;
      const down = await call(s.url, '/cmd', { token, json: {}, headers: { 'Idempotency-Key': 'k2' } });
      assert.equal(down.status, 503);
      assert.equal(errorOf(down).code, 'UNAVAILABLE');
      assert.equal(down.headers.get('retry-after'), '1');
    } finally {
      await s.close();
    }
  });

  it('storableStatus keeps handler answers but not 5xx, 429, 408 or INVALID_REQUEST', () => {
    for (const s of [200, 201, 204, 302, 401, 403, 404, 409, 422]) assert.equal(storableStatus(s, {}), true, String(s));
    for (const s of [500, 502, 503, 429, 408, 100]) assert.equal(storableStatus(s, {}), false, String(s));
    assert.equal(storableStatus(400, { error: { code: 'INVALID_REQUEST', message: '' } }), false);
    assert.equal(storableStatus(400, { error: { code: 'SOMETHING_ELSE', message: '' } }), true);
  });

  it('requestFingerprint covers method, path with query and canonical body', () => {
    const fp = (method: string, originalUrl: string, body: unknown) => requestFingerprint({ method, originalUrl }, body);
    const base = fp('POST', '/v1/a/1/bids', { a: 1, b: 2 });
    assert.match(base ?? '', /^[0-9a-f]{64}$/);
    assert.equal(fp('post', '/v1/a/1/bids', { b: 2, a: 1 }), base);
    assert.notEqual(fp('PUT', '/v1/a/1/bids', { a: 1, b: 2 }), base);
    assert.notEqual(fp('POST', '/v1/a/2/bids', { a: 1, b: 2 }), base);
    assert.notEqual(fp('POST', '/v1/a/1/bids?x=1', { a: 1, b: 2 }), base);
    assert.notEqual(fp('POST', '/v1/a/1/bids', { a: 1, b: 3 }), base);
    assert.notEqual(fp('POST', '/v1/a/1/bids', undefined), base);
  });

  it('requestFingerprint never throws: a body without a canonical form has no fingerprint', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const body of [{ t: '\ud800' }, { n: Infinity }, { n: NaN }, cyclic, deep]) {
      assert.equal(requestFingerprint({ method: 'POST', originalUrl: '/x' }, body), undefined);
    }
  });
});
