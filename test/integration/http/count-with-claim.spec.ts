// A keyed command's rate-limit point counted by its idempotency claim, in one Redis script: the
// answers are those of counting the point first and claiming after, in two round trips. On one
// Redis server and on a cluster (the counter and the claim share the user's hash tag).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import express from 'express';
import * as t from 'io-ts';
import fc from 'fast-check';
import { authenticate, closeRedis, errorHandler, rateLimit, requireRole } from '../../../infra/index.js';
import type { RedisClient } from '../../../infra/index.js';
import { RedisIdempotencyStore, claimsIdempotencyKey, idempotency } from '../../../commands/index.js';
import { MinorUnits } from '../../../domain/index.js';
import { deleteKeys, keysMatching, openTestRedis, redisVariants } from '../../support/redis-variants.js';
import { SECRET, call, errorOf, serve } from '../../unit/http/harness.js';
import type { Served } from '../../unit/http/harness.js';
import { tokenFor } from '../../unit/http/suites.js';

/** Counts the scripts run on this connection, by name, from the commands it sends (MONITOR would see them too). */
const countCalls = (redis: RedisClient, names: readonly string[]): { counts: Record<string, number>; stop: () => void } => {
  const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const shas = new Map<string, string>();
  const target = redis as unknown as { sendCommand: (command: { name: string; args: unknown[] }, ...rest: unknown[]) => unknown };
  const original = target.sendCommand;
  const scripts = (redis as unknown as { scriptsSet: Record<string, { sha: string }> }).scriptsSet;
  for (const name of names) if (scripts[name] !== undefined) shas.set(scripts[name].sha, name);
  target.sendCommand = function (this: unknown, command, ...rest) {
    if (command.name === 'evalsha' || command.name === 'eval') {
      const name = shas.get(String(command.args[0]));
      if (name !== undefined) counts[name]! += 1;
    }
    return original.call(this, command, ...rest);
  };
  return { counts, stop: () => void (target.sendCommand = original) };
};

for (const variant of redisVariants) describe(`rate limit counted by the idempotency claim (${variant.name})`, () => {
  let redis: RedisClient;
  const prefix = `gs:test:cwc:${randomUUID()}`;
  before(async function () {
    redis = await openTestRedis(variant.target(this, 'rate limit counted by the claim'), 'test-count-with-claim');
  });
  after(async () => {
    if (redis === undefined) return;
    await deleteKeys(redis, `${prefix}:*`);
    await closeRedis(redis);
  });

  /** An app with one keyed command route and one plain route; `combine` chooses the one-script path. */
  const start = (points: number, run: number, combine: boolean): Promise<Served> => {
    const app = express();
    app.use(express.json());
    app.use(authenticate({ secret: SECRET, required: false }));
    app.use(rateLimit({ redis, keyPrefix: `${prefix}:rl:${run}`, perUser: { points, durationSeconds: 60 }, ...(combine ? { countWithClaim: claimsIdempotencyKey } : {}) }));
    const store = new RedisIdempotencyStore(redis, { keyPrefix: `${prefix}:idem:${run}` });
    app.post('/v1/auctions/:id/bids', requireRole('bidder'), idempotency({ store, required: true, request: { body: t.type({ maxAmount: MinorUnits }) } }), (_req, res) => {
      res.status(201).json({ ok: true });
    });
    app.get('/x', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler());
    return serve(app);
  };
  let runs = 0;

  const bid = (key: string, token: string, body: unknown = { maxAmount: 1500 }) => ({ method: 'POST', token, json: body, headers: { 'Idempotency-Key': key } });

  it('counts the point and claims the key in one script; the plain route shares the budget', async () => {
    const run = runs++;
    const s = await start(3, run, true);
    const { counts, stop } = countCalls(redis, ['gsCountAndClaim', 'gsIdempotencyClaim', 'rlflxIncr']);
    try {
      const alice = await tokenFor(`alice-${randomUUID()}`);
      const first = await call(s.url, '/v1/auctions/a1/bids', bid('k1', alice));
      assert.equal(first.status, 201);
      assert.equal(first.headers.get('ratelimit-remaining'), '2');
      assert.deepEqual(counts, { gsCountAndClaim: 1, gsIdempotencyClaim: 0, rlflxIncr: 0 });
      assert.equal((await call(s.url, '/x', { token: alice })).headers.get('ratelimit-remaining'), '1');
      const replay = await call(s.url, '/v1/auctions/a1/bids', bid('k1', alice));
      assert.equal(replay.status, 201);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.headers.get('ratelimit-remaining'), '0');
      const refused = await call(s.url, '/v1/auctions/a1/bids', bid('k2', alice));
      assert.equal(refused.status, 429);
      assert.equal(errorOf(refused).code, 'RATE_LIMITED');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal((await keysMatching(redis, `${prefix}:idem:${run}:*k2`)).length, 0, 'over the limit, the key is not claimed');
      assert.equal((await call(s.url, '/x', { token: alice })).status, 429);
      assert.deepEqual(counts, { gsCountAndClaim: 3, gsIdempotencyClaim: 0, rlflxIncr: 2 });
      // Once over the limit, the keyed route's refusals come from memory until the window ends.
      assert.equal((await call(s.url, '/v1/auctions/a1/bids', bid('k3', alice))).status, 429);
      assert.deepEqual(counts, { gsCountAndClaim: 3, gsIdempotencyClaim: 0, rlflxIncr: 2 });
    } finally {
      stop();
      await s.close();
    }
  });

  it('a request the route refuses before its claim counts its point alone, and is the 429 over the limit', async () => {
    const s = await start(2, runs++, true);
    try {
      const user = `carol-${randomUUID()}`;
      const bidder = await tokenFor(user);
      const seller = await tokenFor(user, ['seller']);
      const forbidden = await call(s.url, '/v1/auctions/a1/bids', bid('k1', seller));
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.headers.get('ratelimit-remaining'), '1');
      const invalid = await call(s.url, '/v1/auctions/a1/bids', bid('k2', bidder, { maxAmount: 'lots' }));
      assert.equal(invalid.status, 400);
      assert.equal(invalid.headers.get('ratelimit-remaining'), '0');
      assert.equal((await call(s.url, '/v1/auctions/a1/bids', bid('k3', bidder, { maxAmount: 'lots' }))).status, 429);
      assert.equal((await call(s.url, '/v1/auctions/a1/bids', bid('k4', seller))).status, 429);
      assert.equal((await call(s.url, '/v1/auctions/a1/bids', bid('k5', bidder))).status, 429);
    } finally {
      await s.close();
    }
  });

  it('property: one script or two round trips, two processes on one budget, every answer is what counting first gives', async () => {
    const kinds = ['new-key', 'same-key', 'invalid', 'plain', 'no-role'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ kind: fc.constantFrom(...kinds), combined: fc.boolean() }), { minLength: 1, maxLength: 7 }),
        async (points, requests) => {
          const run = runs++;
          const [one, two] = await Promise.all([start(points, run, true), start(points, run, false)]);
          try {
            const user = `dora-${randomUUID()}`;
            const bidder = await tokenFor(user);
            const seller = await tokenFor(user, ['seller']);
            let keys = 0;
            let claimed = 0;
            for (const [i, { kind, combined }] of requests.entries()) {
              const s = combined ? one : two;
              const answer = kind === 'plain' ? await call(s.url, '/x', { token: bidder })
                : kind === 'no-role' ? await call(s.url, '/v1/auctions/a1/bids', bid(`k${keys}`, seller))
                : kind === 'invalid' ? await call(s.url, '/v1/auctions/a1/bids', bid(`k${keys}`, bidder, { maxAmount: -1 }))
                : await call(s.url, '/v1/auctions/a1/bids', bid(`k${kind === 'new-key' ? ++keys : keys}`, bidder));
              const over = i + 1 > points;
              const expected = over ? 429
                : kind === 'plain' ? 200
                : kind === 'no-role' ? 403
                : kind === 'invalid' ? 400
                : keys === 0 ? 201 // 'same-key' before any key: k0, a fresh key
                : 201;
              assert.equal(answer.status, expected, `request ${i + 1} (${kind}, ${combined ? 'one script' : 'two round trips'}) of ${points} allowed`);
              assert.equal(answer.headers.get('ratelimit-remaining'), String(Math.max(points - i - 1, 0)));
              if (!over && (kind === 'new-key' || kind === 'same-key')) claimed += 1;
            }
            const stored = await keysMatching(redis, `${prefix}:idem:${run}:*`);
            assert.ok(stored.length <= claimed, 'no key claimed over the limit');
          } finally {
            await Promise.all([one.close(), two.close()]);
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});
