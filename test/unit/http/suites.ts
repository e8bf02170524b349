// Behaviour suites shared by the in-memory (unit) and Redis (integration) runs.
import assert from 'node:assert/strict';
import express from 'express';
import * as t from 'io-ts';
import { randomUUID } from 'node:crypto';
import { mintToken } from '../../../infra/http/auth.js';
import { authenticate } from '../../../infra/http/authenticate.js';
import type { Role } from '../../../infra/http/auth.js';
import { conflict, errorHandler } from '../../../infra/http/errors.js';
import { idempotency, idempotencyKeyOf, requestFingerprint, scopedIdempotencyKey } from '../../../commands/http/index.js';
import type { IdempotencyRecord, IdempotencyStore } from '../../../commands/http/index.js';
import { rateLimit } from '../../../infra/http/rate-limit.js';
import type { RateLimitOptions } from '../../../infra/http/rate-limit.js';
import { decodeOr400 } from '../../../infra/http/validate.js';
import { MinorUnits } from '../../../domain/index.js';
import { call, errorOf, SECRET, serve } from './harness.js';
import type { Served } from './harness.js';

export const tokenFor = (sub: string, roles: Role[] = ['bidder']): Promise<string> => mintToken({ secret: SECRET, sub, roles, expiresIn: '1h' });

/** A deferred: a promise with its resolve. */
const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

// ---------------------------------------------------------------- rate limit

/** `options()` gives the base options (e.g. a Redis client and a fresh key prefix) for each app. */
export const rateLimitBehaviour = (options: () => Partial<RateLimitOptions>): void => {
  const start = async (extra: Partial<RateLimitOptions> = {}): Promise<Served> => {
    const app = express();
    app.set('trust proxy', true); // req.ip from X-Forwarded-For, so a test can be many clients
    app.use(authenticate({ secret: SECRET, required: false }));
    app.use(rateLimit({ perUser: { points: 3, durationSeconds: 60 }, perIp: { points: 2, durationSeconds: 60 }, ...options(), ...extra }));
    app.get('/x', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler());
    return serve(app);
  };
  const from = (ip: string, token?: string) => ({ headers: { 'x-forwarded-for': ip }, ...(token !== undefined ? { token } : {}) });

  it('limits anonymous requests per IP: 429 RATE_LIMITED with Retry-After and RateLimit headers', async () => {
    const s = await start();
    try {
      const first = await call(s.url, '/x', from('10.0.0.1'));
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('ratelimit-limit'), '2');
      assert.equal(first.headers.get('ratelimit-remaining'), '1');
      assert.equal(first.headers.get('ratelimit-policy'), '2;w=60');
      assert.equal((await call(s.url, '/x', from('10.0.0.1'))).headers.get('ratelimit-remaining'), '0');
      const refused = await call(s.url, '/x', from('10.0.0.1'));
      assert.equal(refused.status, 429);
      assert.equal(errorOf(refused).code, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
      assert.equal(refused.headers.get('ratelimit-remaining'), '0');
      assert.ok(Number(refused.headers.get('ratelimit-reset')) >= 1);
      // another IP has its own budget
      assert.equal((await call(s.url, '/x', from('10.0.0.2'))).status, 200);
    } finally {
      await s.close();
    }
  });

  it('limits authenticated requests per user, whatever their IP', async () => {
    const s = await start();
    try {
      const alice = await tokenFor(`alice-${randomUUID()}`);
      const bob = await tokenFor(`bob-${randomUUID()}`);
      // exhaust the IP's anonymous budget: users on it are not affected
      for (let i = 0; i < 3; i++) await call(s.url, '/x', from('10.0.1.1'));
      assert.equal((await call(s.url, '/x', from('10.0.1.1'))).status, 429);
      const ips = ['10.0.1.1', '10.0.1.2', '10.0.1.3'];
      for (const ip of ips) {
        const a = await call(s.url, '/x', from(ip, alice));
        assert.equal(a.status, 200);
        assert.equal(a.headers.get('ratelimit-limit'), '3');
      }
      const refused = await call(s.url, '/x', from('10.0.1.4', alice));
      assert.equal(refused.status, 429);
      assert.ok(refused.headers.get('retry-after') !== null);
      // bob, on alice's IP, still has his own
      assert.equal((await call(s.url, '/x', from('10.0.1.4', bob))).status, 200);
    } finally {
      await s.close();
    }
  });

  it("by: 'ip' counts every request against its IP, signed in or not", async () => {
    const s = await start({ by: 'ip' });
    try {
      const carol = await tokenFor(`carol-${randomUUID()}`);
      assert.equal((await call(s.url, '/x', from('10.0.2.1', carol))).status, 200);
      assert.equal((await call(s.url, '/x', from('10.0.2.1'))).status, 200);
      assert.equal((await call(s.url, '/x', from('10.0.2.1', carol))).status, 429);
    } finally {
      await s.close();
    }
  });
};

// ---------------------------------------------------------------- idempotency

/** How long a retry waits on a live claim in the idempotency suite, by its own clock, which only a test moves. */
const WAIT_MS = 2_000;
/** The short lease of the suite's `/short-lease` route (renewed every 200 ms while its request runs). */
const SHORT_LEASE_MS = 600;

export const idempotencyBehaviour = (makeStore: () => IdempotencyStore): void => {
  let served: Served;
  let runs = 0;
  let gate = deferred();
  let started = deferred();
  let alice: string;
  let bob: string;
  const aliceId = `alice-${randomUUID()}`;
  const scoped = scopedIdempotencyKey;
  let inner: IdempotencyStore;
  /** The clock that bounds a retry's wait on a live claim: it stands still unless a test moves it. */
  let waitClock = 0;
  const now = () => waitClock;

  let claims = 0;
  /** Told of every claim's answer and every renewal, by (scoped) key. */
  let claimSeen = (_key: string, _found: IdempotencyRecord | null): void => undefined;
  let renewSeen = (_key: string, _kept: boolean): void => undefined;
  /**
   * Resolves once requests looking at `key` have found another attempt's live claim `times` times
   * (a request's second look is made while it waits, its wait's deadline set).
   */
  const liveClaimSeen = (key: string, times = 1): Promise<void> =>
    new Promise((resolve) => {
      let seen = 0;
      claimSeen = (k, found) => {
        if (k === scoped(aliceId, key) && found?.state === 'in-flight' && ++seen === times) resolve();
      };
    });
  /** Resolves after `n` renewals of `key`'s claim, each of which kept it; rejects on one that did not. */
  const renewalsSeen = (key: string, n: number): Promise<void> =>
    new Promise((resolve, reject) => {
      let kept = 0;
      renewSeen = (k, ok) => {
        if (k !== scoped(aliceId, key)) return;
        if (!ok) reject(new Error(`renewal ${kept + 1} lost the claim`));
        else if (++kept === n) resolve();
      };
    });
  before(async () => {
    inner = makeStore();
    // counts claims, so a test can tell that a refused request never took its key; tells of claims and renewals
    const store: IdempotencyStore = {
      claim: async (...args) => {
        claims++;
        const found = await inner.claim(...args);
        claimSeen(args[0], found);
        return found;
      },
      renew: async (...args) => {
        const kept = await inner.renew(...args);
        renewSeen(args[0], kept);
        return kept;
      },
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
    };
    alice = await tokenFor(aliceId);
    bob = await tokenFor(`bob-${randomUUID()}`);
    const app = express();
    app.use(express.json());
    const handler: express.RequestHandler = async (req, res) => {
      runs++;
      const mode = (req.body as { mode?: unknown } | undefined)?.mode;
      if (mode === 'slow') {
        started.resolve();
        await gate.promise;
      }
      if (mode === 'crash') throw new Error('database unavailable');
      if (mode === 'empty') {
        res.sendStatus(204);
        return;
      }
      const body = decodeOr400(t.type({ maxAmount: MinorUnits }), req.body, 'body');
      if (body.maxAmount === 13) throw conflict('BID_TOO_LOW', 'bid at least 105', { minimum: 105 });
      res.setHeader('Location', `/v1/bids/${runs}`);
      res.status(201).json({ run: runs, maxAmount: body.maxAmount, key: idempotencyKeyOf(res) ?? null, at: new Date(0) });
    };
    // these routes' handler decodes for itself; `/strict` hands the middleware its body codec
    const request = { body: t.UnknownRecord };
    const keyed = { store, required: true, request, waitMs: WAIT_MS, now };
    app.post('/anon', idempotency(keyed), handler);
    app.use(authenticate({ secret: SECRET, required: true }));
    app.post('/v1/auctions/:id/bids', idempotency(keyed), handler);
    app.post('/v1/auctions/:id/buy-now', idempotency(keyed), handler);
    app.post('/optional', idempotency({ ...keyed, required: false }), handler);
    app.post('/strict', idempotency({ ...keyed, request: { body: t.type({ maxAmount: MinorUnits }) } }), handler);
    app.post('/short-lease', idempotency({ ...keyed, leaseMs: SHORT_LEASE_MS }), handler);
    app.use(errorHandler());
    served = await serve(app);
  });
  after(() => served.close());

  const bid = (token: string, key: string | undefined, json: unknown, path = '/v1/auctions/a1/bids', raw?: string) =>
    call(served.url, path, { token, ...(raw !== undefined ? { raw } : { json }), ...(key !== undefined ? { headers: { 'Idempotency-Key': key } } : {}) });
  const newKey = () => `key-${randomUUID()}`;

  it('replays the first response for the same key and body, without running the handler again', async () => {
    const key = newKey();
    const first = await bid(alice, key, { maxAmount: 1500, note: { a: 1, b: [1, 2] } });
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const runsAfterFirst = runs;
    // same JSON, other key order and spacing: the canonical body is the same
    const again = await call(served.url, '/v1/auctions/a1/bids', {
      token: alice,
      raw: '{ "note": {"b":[1,2], "a":1}, "maxAmount": 1500 }',
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.headers.get('location'), first.headers.get('location'));
    assert.equal(runs, runsAfterFirst);
    assert.equal((first.body as { key: string }).key, key);
  });

  it('accepts the structured-field (quoted) form of the key as the same key', async () => {
    const key = newKey();
    const first = await bid(alice, key, { maxAmount: 7 });
    const again = await bid(alice, `"${key}"`, { maxAmount: 7 });
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED for the same key with another body or path', async () => {
    const key = newKey();
    assert.equal((await bid(alice, key, { maxAmount: 100 })).status, 201);
    const runsBefore = runs;
    const other = await bid(alice, key, { maxAmount: 200 });
    assert.equal(other.status, 409);
    assert.equal(errorOf(other).code, 'IDEMPOTENCY_KEY_REUSED');
    const otherPath = await bid(alice, key, { maxAmount: 100 }, '/v1/auctions/a2/bids');
    assert.equal(errorOf(otherPath).code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(runs, runsBefore);
  });

  it('scopes keys to the user', async () => {
    const key = newKey();
    const a = await bid(alice, key, { maxAmount: 300 });
    const b = await bid(bob, key, { maxAmount: 300 });
    assert.equal(b.status, 201);
    assert.equal(b.headers.get('idempotent-replayed'), null);
    assert.notDeepEqual(a.body, b.body);
    const b2 = await bid(bob, key, { maxAmount: 999 });
    assert.equal(errorOf(b2).code, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('a retry that finds the first request running waits for its answer, and replays it', async () => {
    const key = newKey();
    gate = deferred();
    started = deferred();
    const first = bid(alice, key, { maxAmount: 410, mode: 'slow' });
    await started.promise;
    const runsBefore = runs;
    const looked = liveClaimSeen(key);
    const retry = bid(alice, key, { maxAmount: 410, mode: 'slow' });
    await looked;
    gate.resolve();
    const [answered, replayed] = await Promise.all([first, retry]);
    assert.equal(answered.status, 201);
    assert.equal(replayed.status, 201);
    assert.deepEqual(replayed.body, answered.body);
    assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
    assert.equal(runs, runsBefore, 'the handler ran once');
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_PROGRESS when the first request outlasts the wait, then replays it', async () => {
    const key = newKey();
    gate = deferred();
    started = deferred();
    const first = bid(alice, key, { maxAmount: 400, mode: 'slow' });
    await started.promise;
    const looked = liveClaimSeen(key, 2);
    const waiting = bid(alice, key, { maxAmount: 400, mode: 'slow' });
    await looked;
    waitClock += WAIT_MS;
    const concurrent = await waiting;
    assert.equal(concurrent.status, 409);
    assert.equal(errorOf(concurrent).code, 'IDEMPOTENCY_KEY_IN_PROGRESS');
    assert.equal(concurrent.headers.get('retry-after'), '1');
    // another body with the key in flight is a reuse, answered at once
    assert.equal(errorOf(await bid(alice, key, { maxAmount: 401 })).code, 'IDEMPOTENCY_KEY_REUSED');
    gate.resolve();
    const done = await first;
    assert.equal(done.status, 201);
    const replay = await bid(alice, key, { maxAmount: 400, mode: 'slow' });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, done.body);
  });

  it('a live request keeps its claim past its lease by renewing it: a retry is not let in, and gets its answer', async () => {
    const key = newKey();
    gate = deferred();
    started = deferred();
    const body = { maxAmount: 420, mode: 'slow' };
    const first = call(served.url, '/short-lease', { token: alice, json: body, headers: { 'Idempotency-Key': key } });
    await started.promise;
    // renewals come a third of a lease apart: four that each kept the claim span more than a lease
    await renewalsSeen(key, 4);
    const runsBefore = runs;
    const looked = liveClaimSeen(key);
    const retry = call(served.url, '/short-lease', { token: alice, json: body, headers: { 'Idempotency-Key': key } });
    await looked;
    gate.resolve();
    const [answered, replayed] = await Promise.all([first, retry]);
    assert.equal(answered.status, 201);
    assert.deepEqual([replayed.status, replayed.headers.get('idempotent-replayed')], [201, 'true']);
    assert.deepEqual(replayed.body, answered.body);
    assert.equal(runs, runsBefore, 'not taken over: the handler ran once');
  });

  it('a claim left by a dead owner (never renewed) is taken over by a retry once its lease lapses', async () => {
    const key = newKey();
    const body = { maxAmount: 430 };
    const fingerprint = requestFingerprint({ method: 'POST', originalUrl: '/v1/auctions/a1/bids' }, body);
    assert.ok(fingerprint !== undefined);
    assert.equal(await inner.claim(scoped(aliceId, key), fingerprint, 'a-process-that-died', 200), null);
    const runsBefore = runs;
    const retry = await bid(alice, key, body);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), null, 'this middleware has no stored answer: the handler ran');
    assert.equal(runs, runsBefore + 1);
    const again = await bid(alice, key, body);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, retry.body);
  });

  it("stores a rule's refusal (409) and replays it", async () => {
    const key = newKey();
    const first = await bid(alice, key, { maxAmount: 13 });
    assert.equal(first.status, 409);
    assert.equal(errorOf(first).code, 'BID_TOO_LOW');
    const runsBefore = runs;
    const again = await bid(alice, key, { maxAmount: 13 });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(runs, runsBefore);
  });

  it('does not store a 5xx: a retry runs the handler again', async () => {
    const key = newKey();
    assert.equal((await bid(alice, key, { maxAmount: 5, mode: 'crash' })).status, 500);
    const runsBefore = runs;
    const retry = await bid(alice, key, { maxAmount: 5, mode: 'crash' });
    assert.equal(retry.status, 500);
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    assert.equal(runs, runsBefore + 1);
  });

  it('does not store 400 INVALID_REQUEST: the client may fix the body and keep the key', async () => {
    const key = newKey();
    const bad = await bid(alice, key, { maxAmount: -5 });
    assert.equal(bad.status, 400);
    const fixed = await bid(alice, key, { maxAmount: 5 });
    assert.equal(fixed.status, 201);
  });

  it('does not store a response without a JSON body (it releases the key)', async () => {
    const key = newKey();
    assert.equal((await bid(alice, key, { mode: 'empty' })).status, 204);
    const runsBefore = runs;
    assert.equal((await bid(alice, key, { mode: 'empty' })).status, 204);
    assert.equal(runs, runsBefore + 1);
  });

  it('requires the header when told, naming it; refuses invalid keys; passes through when optional', async () => {
    const runsBefore = runs;
    const missing = await bid(alice, undefined, { maxAmount: 5 });
    assert.equal(missing.status, 400);
    assert.deepEqual((errorOf(missing).details as { fields: unknown[] }).fields, [{ path: 'headers.Idempotency-Key', message: 'is required' }]);
    for (const key of ['k'.repeat(256), 'with space', '""']) {
      const invalid = await bid(alice, key, { maxAmount: 5 });
      assert.equal(invalid.status, 400, key);
      assert.equal((errorOf(invalid).details as { fields: { path: string }[] }).fields[0]?.path, 'headers.Idempotency-Key');
    }
    assert.equal(runs, runsBefore);
    const a = await call(served.url, '/optional', { token: alice, json: { maxAmount: 5 } });
    const b = await call(served.url, '/optional', { token: alice, json: { maxAmount: 5 } });
    assert.deepEqual([a.status, b.status], [201, 201]);
    assert.equal(runs, runsBefore + 2);
  });

  it("decodes with the route's codecs before claiming: a body the route refuses is its 400, and takes no key", async () => {
    const key = newKey();
    const before = { runs, claims };
    for (const raw of ['{"maxAmount":1e400}', '{"maxAmount":"\\ud800"}', `{"maxAmount":${'['.repeat(3_000)}${']'.repeat(3_000)}}`]) {
      const refused = await call(served.url, '/strict', { token: alice, raw, headers: { 'Idempotency-Key': key } });
      assert.equal(refused.status, 400, raw.slice(0, 40));
      assert.equal(errorOf(refused).code, 'INVALID_REQUEST');
      assert.match((errorOf(refused).details as { fields: { path: string }[] }).fields[0]?.path ?? '', /^body\./);
    }
    assert.deepEqual({ runs, claims }, before, 'neither the handler nor the store saw them');
    const valid = await call(served.url, '/strict', { token: alice, json: { maxAmount: 5 }, headers: { 'Idempotency-Key': key } });
    assert.equal(valid.status, 201);
  });

  it('never throws while fingerprinting: a body without a canonical form is a 400 naming it, and takes no key', async () => {
    const before = { runs, claims };
    for (const raw of ['{"maxAmount":5,"note":"\\udfff"}', '{"maxAmount":5,"note":1e400}', `{"maxAmount":5,"note":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`]) {
      const refused = await bid(alice, newKey(), undefined, undefined, raw);
      assert.equal(refused.status, 400, raw.slice(0, 40));
      assert.deepEqual((errorOf(refused).details as { fields: { path: string }[] }).fields.map((f) => f.path), ['body']);
    }
    assert.deepEqual({ runs, claims }, before);
  });

  it('refuses a key on an anonymous request with 401 (keys are per user)', async () => {
    const a = await call(served.url, '/anon', { json: { maxAmount: 5 }, headers: { 'Idempotency-Key': newKey() } });
    assert.equal(a.status, 401);
  });
};
