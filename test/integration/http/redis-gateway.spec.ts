// The gateway against a real Redis (REDIS_URL; the helper suites use database 5).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { closeRedis, openRedis } from '../../../infra/index.js';
import type { Redis } from '../../../infra/index.js';
import { RedisIdempotencyStore } from '../../../commands/http/index.js';
import type { DoneRecord } from '../../../commands/http/index.js';
import { serviceUrl } from '../../support/services.js';
import { idempotencyBehaviour, rateLimitBehaviour } from '../../unit/http/suites.js';

describe('http gateway on Redis', () => {
  let url: string;
  let redis: Redis;
  const prefix = `gs:test:gw:${randomUUID()}`;

  before(async function () {
    url = serviceUrl(this, 'REDIS_URL', 'http gateway on Redis');
    redis = await openRedis(url, 'test-gateway');
  });
  after(async () => {
    if (redis === undefined) return;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length > 0) await redis.del(...keys);
    await closeRedis(redis);
  });

  it('openRedis connects, names the connection, and fails clearly on a missing database', async () => {
    const name = `gw-probe-${process.pid}`;
    const probe = await openRedis(url, name);
    try {
      assert.equal(await probe.client('GETNAME'), name);
    } finally {
      await closeRedis(probe);
    }
    assert.equal(probe.status, 'end');
    const missingDb = new URL(url);
    missingDb.pathname = '/100000';
    await assert.rejects(openRedis(missingDb.toString(), 'probe'), /Redis \(probe\): cannot connect .*DB index is out of range/);
  });

  describe('rate limit (RateLimiterRedis)', () => {
    let n = 0;
    rateLimitBehaviour(() => ({ redis, keyPrefix: `${prefix}:rl:${n++}` }));

    it('shares one budget between processes (two limiters on the same Redis)', async () => {
      const { rateLimit } = await import('../../../infra/http/rate-limit.js');
      const express = (await import('express')).default;
      const { serve, call } = await import('../../unit/http/harness.js');
      const keyPrefix = `${prefix}:rl:shared`;
      const make = () => {
        const app = express();
        app.use(rateLimit({ redis, keyPrefix, perIp: { points: 3, durationSeconds: 60 } }));
        app.get('/x', (_req, res) => {
          res.json({ ok: true });
        });
        return serve(app);
      };
      const [a, b] = await Promise.all([make(), make()]);
      try {
        const statuses = [];
        for (const s of [a, b, a, b]) statuses.push((await call(s.url, '/x')).status);
        assert.deepEqual(statuses, [200, 200, 200, 429]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });

  describe('idempotency (RedisIdempotencyStore)', () => {
    idempotencyBehaviour(() => new RedisIdempotencyStore(redis, { keyPrefix: `${prefix}:idem` }));

    it('claims for a lease that its owner renews, stores the response for 24 h, compare-and-sets by owner', async () => {
      const store = new RedisIdempotencyStore(redis, { keyPrefix: `${prefix}:idem2` });
      const key = `u:${randomUUID()}`;
      const record: DoneRecord = { state: 'done', fingerprint: 'f', response: { status: 201, body: { id: 1 }, headers: { location: '/x' } } };
      assert.equal(await store.claim(key, 'f', 'o1', 3_000), null);
      const lease = await redis.pttl(`${prefix}:idem2:${key}`);
      assert.ok(lease > 0 && lease <= 3_000, String(lease));
      assert.equal(await store.renew(key, 'o1', 60_000), true);
      const renewed = await redis.pttl(`${prefix}:idem2:${key}`);
      assert.ok(renewed > 3_000 && renewed <= 60_000, String(renewed));
      assert.equal(await store.renew(key, 'o2', 120_000), false);
      assert.ok((await redis.pttl(`${prefix}:idem2:${key}`)) <= 60_000, "another owner's renewal changes nothing");
      assert.deepEqual(await store.claim(key, 'f', 'o2', 60_000), { state: 'in-flight', fingerprint: 'f', owner: 'o1' });
      assert.equal(await store.complete(key, 'o2', record, 86_400_000), false);
      assert.equal(await store.complete(key, 'o1', record, 86_400_000), true);
      const ttl = await redis.pttl(`${prefix}:idem2:${key}`);
      assert.ok(ttl > 60_000 && ttl <= 86_400_000, String(ttl));
      assert.deepEqual(await store.claim(key, 'f', 'o3', 60_000), record);
      await store.release(key, 'o1');
      assert.deepEqual(await store.claim(key, 'f', 'o3', 60_000), record, 'a stored response is not released');

      const other = `u:${randomUUID()}`;
      await store.claim(other, 'f', 'o1', 60_000);
      await store.release(other, 'o2');
      assert.notEqual(await store.claim(other, 'f', 'o3', 60_000), null);
      await store.release(other, 'o1');
      assert.equal(await store.claim(other, 'f', 'o3', 60_000), null);
    });

    it('refuses an unreadable record instead of guessing', async () => {
      const store = new RedisIdempotencyStore(redis, { keyPrefix: `${prefix}:idem3` });
      await redis.set(`${prefix}:idem3:u:bad`, '{"state":"weird"}', 'PX', 60_000);
      await assert.rejects(store.claim('u:bad', 'f', 'o', 60_000), /unreadable record/);
    });
  });
});
