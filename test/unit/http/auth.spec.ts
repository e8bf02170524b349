import assert from 'node:assert/strict';
import express from 'express';
import { SignJWT } from 'jose';
import { currentUser, mintToken, requireRole, requireUser, spanMs, verifyToken } from '../../../infra/http/auth.js';
import { authenticate } from '../../../infra/http/authenticate.js';
import { errorHandler } from '../../../infra/http/errors.js';
import { UserId } from '../../../domain/index.js';
import { call, errorOf, SECRET, serve } from './harness.js';
import type { Served } from './harness.js';

const sign = (claims: Record<string, unknown>, secret = SECRET, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(secret));

describe('http auth: bearer JWT', () => {
  let served: Served;

  before(async () => {
    const app = express();
    app.get('/public', authenticate({ secret: SECRET, required: false }), (_req, res) => {
      res.json({ user: currentUser(res) ?? null });
    });
    const strict = authenticate({ secret: SECRET, required: true });
    app.get('/me', strict, (_req, res) => {
      res.json(requireUser(res));
    });
    app.post('/sell', strict, requireRole('seller'), (_req, res) => {
      res.status(201).json({ ok: true });
    });
    app.get('/audit', strict, requireRole('auditor', 'admin'), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler());
    served = await serve(app);
  });
  after(() => served.close());

  it('accepts a valid token and puts {userId, roles} on res.locals.user', async () => {
    const token = await mintToken({ secret: SECRET, sub: 'alice', roles: ['bidder', 'seller'], expiresIn: '1h' });
    const a = await call(served.url, '/me', { token });
    assert.equal(a.status, 200);
    assert.deepEqual(a.body, { userId: 'alice', roles: ['bidder', 'seller'] });
    assert.equal((await call(served.url, '/sell', { token, method: 'POST' })).status, 201);
  });

  it('refuses a missing token with 401 and WWW-Authenticate: Bearer when required', async () => {
    const a = await call(served.url, '/me');
    assert.equal(a.status, 401);
    assert.equal(errorOf(a).code, 'UNAUTHENTICATED');
    assert.match(a.headers.get('www-authenticate') ?? '', /^Bearer realm="gavelstream"$/);
  });

  it('lets an anonymous request through when not required', async () => {
    const a = await call(served.url, '/public');
    assert.equal(a.status, 200);
    assert.deepEqual(a.body, { user: null });
  });

  it('refuses an expired token with 401 invalid_token', async () => {
    const token = await mintToken({ secret: SECRET, sub: 'alice', roles: ['bidder'], expiresIn: -60 });
    for (const path of ['/me', '/public']) {
      const a = await call(served.url, path, { token });
      assert.equal(a.status, 401, path);
      assert.equal(errorOf(a).message, 'the token has expired');
      assert.match(a.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    }
  });

  it('refuses a token signed with another secret, a tampered one, and garbage', async () => {
    const other = await mintToken({ secret: 'another-secret-another-secret-another', sub: 'alice', roles: ['admin'], expiresIn: '1h' });
    const good = await mintToken({ secret: SECRET, sub: 'alice', roles: ['bidder'], expiresIn: '1h' });
    const [h, , s] = good.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'alice', roles: ['admin'], exp: 4_000_000_000 })).toString('base64url');
    for (const token of [other, `${h}.${forgedPayload}.${s}`, 'not.a.token', 'abc']) {
      const a = await call(served.url, '/me', { token });
      assert.equal(a.status, 401, token);
      assert.equal(errorOf(a).message, 'the token is not valid');
    }
  });

  it('refuses alg "none" and other algorithms', async () => {
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'mallory', roles: ['admin'], exp: 4_000_000_000 })).toString('base64url')}.`;
    const hs512 = await sign({ sub: 'alice', roles: ['admin'] }, SECRET, 'HS512');
    for (const token of [none, hs512]) assert.equal((await call(served.url, '/me', { token })).status, 401);
  });

  it('refuses tokens whose claims are missing or wrong', async () => {
    const cases = [
      await sign({ roles: ['bidder'] }), // no sub
      await sign({ sub: '', roles: ['bidder'] }),
      await sign({ sub: 'alice' }), // no roles
      await sign({ sub: 'alice', roles: 'bidder' }),
      await sign({ sub: 'alice', roles: ['bidder', 'superuser'] }),
      await new SignJWT({ sub: 'alice', roles: ['bidder'] }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET)), // no exp
    ];
    for (const token of cases) {
      const a = await call(served.url, '/me', { token });
      assert.equal(a.status, 401);
      assert.equal(errorOf(a).code, 'UNAUTHENTICATED');
    }
  });

  it('accepts any subject an identity provider issues, as the domain UserId codec does', async () => {
    for (const sub of ['auth0|5f7c8ec7', 'google-oauth2|1098', 'jane@example.com', 'https://idp.example/u/1', 'CN=Jane Doe, O=Acme', 'José 山田 😀', 'x'.repeat(255)]) {
      const a = await call(served.url, '/me', { token: await sign({ sub, roles: ['bidder'] }) });
      assert.equal(a.status, 200, sub);
      assert.deepEqual(a.body, { userId: sub, roles: ['bidder'] });
      assert.ok(UserId.is(sub), sub);
    }
  });

  it('refuses a subject the domain could not store, naming the sub claim and the problem', async () => {
    const cases: readonly [string, RegExp][] = [
      ['alice\u0000', /control character/],
      ['alice\u001f', /control character/],
      ['\ud800alice', /lone surrogate|well-formed/],
      ['x'.repeat(256), /255/],
      [' \t ', /blank/],
    ];
    for (const [sub, problem] of cases) {
      assert.ok(!UserId.is(sub));
      const a = await call(served.url, '/me', { token: await sign({ sub, roles: ['bidder'] }) });
      assert.equal(a.status, 401, JSON.stringify(sub));
      assert.match(errorOf(a).message, /\bsub\b/);
      assert.match(errorOf(a).message, problem);
      assert.match(a.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    }
  });

  it('refuses a malformed Authorization header with 401', async () => {
    for (const value of ['Basic YWxpY2U6cHc=', 'Bearer', 'Bearer a b', 'token']) {
      const a = await call(served.url, '/me', { headers: { authorization: value } });
      assert.equal(a.status, 401, value);
    }
  });

  it('answers 403 FORBIDDEN when the user lacks the role, 401 when anonymous', async () => {
    const bidder = await mintToken({ secret: SECRET, sub: 'bob', roles: ['bidder'], expiresIn: 60 });
    const a = await call(served.url, '/sell', { token: bidder, method: 'POST' });
    assert.equal(a.status, 403);
    assert.equal(errorOf(a).code, 'FORBIDDEN');
    assert.deepEqual(errorOf(a).details, { requiredRoles: ['seller'] });
    const admin = await mintToken({ secret: SECRET, sub: 'root', roles: ['admin'], expiresIn: 60 });
    assert.equal((await call(served.url, '/audit', { token: admin })).status, 200);
    assert.equal((await call(served.url, '/audit', { token: bidder })).status, 403);
    assert.equal((await call(served.url, '/audit')).status, 401);
  });

  it('verifyToken honours the clock and mintToken the lifetime', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const token = await mintToken({ secret: SECRET, sub: 'carol', roles: ['auditor', 'auditor'], expiresIn: '2h', now });
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iat: number; exp: number };
    assert.equal(payload.exp - payload.iat, 7200);
    assert.deepEqual(await verifyToken(token, SECRET, { now: new Date('2030-01-01T01:59:00Z') }), { userId: 'carol', roles: ['auditor'] });
    await assert.rejects(verifyToken(token, SECRET, { now: new Date('2030-01-01T02:01:00Z') }), /expired/);
  });

  it('spanMs parses spans', () => {
    assert.equal(spanMs('90s'), 90_000);
    assert.equal(spanMs('15m'), 900_000);
    assert.equal(spanMs('24h'), 86_400_000);
    assert.equal(spanMs('7d'), 604_800_000);
    assert.equal(spanMs('3600'), 3_600_000);
    for (const bad of ['', '1y', '-5m', '1.5h', 'soon']) assert.throws(() => spanMs(bad), bad);
  });

  it('remembers a verified token until it expires, and never a refused one', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const app = express();
    app.get('/me', authenticate({ secret: SECRET, required: true, now: () => now }), (_req, res) => {
      res.json(requireUser(res));
    });
    app.use(errorHandler());
    const server = await serve(app);
    try {
      const token = await mintToken({ secret: SECRET, sub: 'dora', roles: ['bidder'], expiresIn: 60, now: new Date(now) });
      const first = await call(server.url, '/me', { token });
      assert.equal(first.status, 200);
      assert.deepEqual(first.body, { userId: 'dora', roles: ['bidder'] });
      const [h, p] = token.split('.');
      assert.equal((await call(server.url, '/me', { token: `${h}.${p}.${'A'.repeat(43)}` })).status, 401, 'same claims, another signature');
      now += 64_000; // within exp plus the 5 s tolerance
      assert.equal((await call(server.url, '/me', { token })).status, 200);
      now += 1_000;
      const expired = await call(server.url, '/me', { token });
      assert.equal(expired.status, 401);
      assert.equal(errorOf(expired).message, 'the token has expired');
    } finally {
      await server.close();
    }
  });
});
