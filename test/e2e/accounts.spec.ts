// Accounts over real HTTP, end to end (README, "Accounts"): registration, sign-in and its lockout,
// access and refresh tokens with rotation and reuse detection, sign-out, the profile, an admin's
// suspension and a seller's block list, enforced by the command handler from the account streams.
// Every refusal code has a test here. Embedded mode always; PostgreSQL and Redis when
// DATABASE_URL and REDIS_URL are set.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { accountStreamIdOf } from '../../domain/index.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embeddedAndServices, startTestSystem } from '../support/system.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const PASSWORD = 'correct horse battery';
const MAX_FAILURES = 3;

const accountsSuite = (backend: () => Backend) => {
  let sys: TestSystem;
  let admin: string;

  before(async () => {
    sys = await startTestSystem(backend(), { env: { SIGN_IN_MAX_FAILURES: String(MAX_FAILURES) } });
    admin = await sys.token('root', 'admin');
  });
  after(async () => sys?.stop());

  const uniqueEmail = () => `u-${randomUUID().slice(0, 8)}@example.com`;
  const register = async (body: Record<string, unknown> = {}) => {
    const r = await sys.call('POST', '/v1/accounts', { body: { email: uniqueEmail(), password: PASSWORD, displayName: 'Jane', country: 'DE', ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { userId: string; accessToken: string; refreshToken: string; roles: string[]; expiresIn: number };
  };
  const create = async (token: string, body: Record<string, unknown> = {}) =>
    sys.call('POST', '/v1/auctions', { token, body: { title: 'Leica M6', currency: 'EUR', startingPrice: 1000, buyNowPrice: 90_000, endsAt: inSeconds(3600), ...body } });
  const auctionOf = async (token: string) => {
    const r = await create(token);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.auctionId as string;
  };
  const bid = (auctionId: string, token: string, maxAmount: number) =>
    sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
  const buyNow = (auctionId: string, token: string) => sys.call('POST', `/v1/auctions/${auctionId}/buy-now`, { token });

  describe('registration and sign-in', () => {
    it('registers: 201 with an access token the API accepts and a refresh token; the profile in GET /v1/me', async () => {
      const email = uniqueEmail();
      const r = await sys.call('POST', '/v1/accounts', { body: { email: `  ${email.toUpperCase()} `, password: PASSWORD, displayName: 'Zoë 山田 🦊', country: 'JP' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.roles, ['bidder', 'seller']);
      assert.equal(r.body.tokenType, 'Bearer');
      assert.equal(r.body.expiresIn, 900);
      assert.match(r.body.refreshToken, /^[A-Za-z0-9_-]{43}$/);
      const me = await sys.call('GET', '/v1/me', { token: r.body.accessToken });
      assert.equal(me.status, 200);
      assert.deepEqual(me.body, { userId: r.body.userId, registered: true, email, displayName: 'Zoë 山田 🦊', country: 'JP', roles: ['bidder', 'seller'], status: 'active', version: 1 });
      assert.equal((await create(r.body.accessToken)).status, 201);
    });

    it('keeps the e-mail address and the password out of the event log', async () => {
      const email = uniqueEmail();
      const r = await sys.call('POST', '/v1/accounts', { body: { email, password: PASSWORD, displayName: 'Jane', country: 'FR' } });
      const events = await sys.resources.log.readStream(accountStreamIdOf(r.body.userId));
      assert.deepEqual(events.map((e) => [e.type, e.data]), [['AccountRegistered', { userId: r.body.userId, displayName: 'Jane', country: 'FR', roles: ['bidder', 'seller'] }]]);
      const text = JSON.stringify(events);
      assert.ok(!text.includes(PASSWORD) && !text.includes(email));
      const stored = await sys.resources.sql.query<{ password_hash: string }>('SELECT password_hash FROM account_credentials WHERE user_id = $1', [r.body.userId]);
      assert.match(stored.rows[0]!.password_hash, /^scrypt\$16384\$8\$1\$/);
    });

    it('refuses a second account for the same address, whatever its case and spaces: 409 EMAIL_TAKEN', async () => {
      const email = uniqueEmail();
      await register({ email });
      const again = await sys.call('POST', '/v1/accounts', { body: { email: ` ${email.toUpperCase()}`, password: PASSWORD, displayName: 'Other', country: 'DE' } });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'EMAIL_TAKEN');
    });

    it('refuses a short password naming the rule, never echoing it', async () => {
      const r = await sys.call('POST', '/v1/accounts', { body: { email: uniqueEmail(), password: 'hunter2', displayName: 'Jane', country: 'DE' } });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body.error.details.fields, [{ path: 'body.password', message: 'must be at least 10 characters' }]);
      assert.ok(!JSON.stringify(r.body).includes('hunter2'));
    });

    it('refuses bad fields with 400 naming each', async () => {
      const r = await sys.call('POST', '/v1/accounts', { body: { email: 'not-an-address', password: PASSWORD, displayName: ' ', country: 'de' } });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body.error.details.fields, [
        { path: 'body.email', message: 'expected an e-mail address such as jane@example.com' },
        { path: 'body.displayName', message: 'must not be blank' },
        { path: 'body.country', message: 'expected an ISO 3166-1 alpha-2 country code such as DE (two capital letters)' },
      ]);
      const extra = await sys.call('POST', '/v1/accounts', { body: { email: uniqueEmail(), password: PASSWORD, displayName: 'Jane', country: 'DE', roles: ['admin'] } });
      assert.deepEqual([extra.status, extra.body.error.details.fields], [400, [{ path: 'body.roles', message: 'is not a known field' }]]);
    });

    it('signs in with the password (any case of the address); a wrong one is 401', async () => {
      const email = uniqueEmail();
      const { userId } = await register({ email });
      const ok = await sys.call('POST', '/v1/auth/sign-in', { body: { email: email.toUpperCase(), password: PASSWORD } });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.userId, userId);
      const me = await sys.call('GET', '/v1/me', { token: ok.body.accessToken });
      assert.equal(me.body.userId, userId);
      const wrong = await sys.call('POST', '/v1/auth/sign-in', { body: { email, password: `${PASSWORD}!` } });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, 'UNAUTHENTICATED');
      assert.equal(wrong.body.error.message, 'the e-mail address or the password is wrong');
    });

    it('a user of another identity provider (or the development sign-in) has an active account with no profile', async () => {
      const token = await sys.token('auth0|5f7c8ec7', 'bidder');
      const me = await sys.call('GET', '/v1/me', { token });
      assert.deepEqual(me.body, { userId: 'auth0|5f7c8ec7', registered: false, email: null, displayName: null, country: null, roles: ['bidder'], status: 'active', version: 0 });
      const patch = await sys.call('PATCH', '/v1/me', { token, body: { displayName: 'Eve' } });
      assert.equal(patch.status, 404);
      assert.equal(patch.body.error.code, 'ACCOUNT_NOT_FOUND');
    });

    it('changes the profile: an AccountProfileChanged event with only what changed', async () => {
      const { userId, accessToken } = await register();
      const r = await sys.call('PATCH', '/v1/me', { token: accessToken, body: { displayName: 'Jane D.', country: 'DE' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.displayName, r.body.country, r.body.version], ['Jane D.', 'DE', 2]);
      const events = await sys.resources.log.readStream(accountStreamIdOf(userId));
      assert.deepEqual(events[1]!.data, { userId, displayName: 'Jane D.' });
      const empty = await sys.call('PATCH', '/v1/me', { token: accessToken, body: {} });
      assert.equal(empty.status, 400);
    });
  });

  describe('tokens', () => {
    it('refresh rotates the token; the old one presented again revokes the family: 401 REFRESH_TOKEN_REUSED', async () => {
      const first = await register();
      const second = await sys.call('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.notEqual(second.body.refreshToken, first.refreshToken);
      assert.equal((await sys.call('GET', '/v1/me', { token: second.body.accessToken })).body.userId, first.userId);
      const reuse = await sys.call('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
      assert.equal(reuse.status, 401);
      assert.equal(reuse.body.error.code, 'REFRESH_TOKEN_REUSED');
      const after = await sys.call('POST', '/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
      assert.equal(after.status, 401);
      assert.equal(after.body.error.code, 'INVALID_REFRESH_TOKEN');
    });

    it('sign-out revokes the refresh token: 204, then 401 INVALID_REFRESH_TOKEN', async () => {
      const { refreshToken } = await register();
      const out = await sys.call('POST', '/v1/auth/sign-out', { body: { refreshToken } });
      assert.equal(out.status, 204);
      const r = await sys.call('POST', '/v1/auth/refresh', { body: { refreshToken } });
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'INVALID_REFRESH_TOKEN');
      const unknown = await sys.call('POST', '/v1/auth/refresh', { body: { refreshToken: 'A'.repeat(43) } });
      assert.equal(unknown.body.error.code, 'INVALID_REFRESH_TOKEN');
      const malformed = await sys.call('POST', '/v1/auth/refresh', { body: { refreshToken: 'short' } });
      assert.equal(malformed.status, 400);
    });
  });

  describe('suspension', () => {
    it('a suspended user cannot bid, buy now or list: 403 ACCOUNT_SUSPENDED; reinstated, it can; the events say who and why', async () => {
      const seller = await sys.token('suspension-seller', 'seller');
      const auctionId = await auctionOf(seller);
      const mallory = await sys.token('mallory', 'bidder', 'seller');
      assert.equal((await bid(auctionId, mallory, 1000)).status, 201); // the auction is cached now, mallory's standing too
      const suspended = await sys.call('POST', '/v1/admin/users/mallory/suspend', { token: admin, body: { reason: 'shill bidding' } });
      assert.deepEqual([suspended.status, suspended.body], [200, { userId: 'mallory', status: 'suspended', version: 1 }]);
      for (const r of [await bid(auctionId, mallory, 5000), await buyNow(auctionId, mallory), await create(mallory)]) {
        assert.equal(r.status, 403, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'ACCOUNT_SUSPENDED');
      }
      const again = await sys.call('POST', '/v1/admin/users/mallory/suspend', { token: admin, body: { reason: 'twice' } });
      assert.deepEqual([again.status, again.body.version], [200, 1]);
      const reinstated = await sys.call('POST', '/v1/admin/users/mallory/reinstate', { token: admin, body: { reason: 'appeal upheld' } });
      assert.deepEqual(reinstated.body, { userId: 'mallory', status: 'active', version: 2 });
      assert.equal((await bid(auctionId, mallory, 5000)).status, 201);
      const events = await sys.resources.log.readStream(accountStreamIdOf('mallory'));
      assert.deepEqual(events.map((e) => [e.type, e.data, e.metadata.userId]), [
        ['AccountSuspended', { userId: 'mallory', by: 'root', reason: 'shill bidding' }, 'root'],
        ['AccountReinstated', { userId: 'mallory', by: 'root', reason: 'appeal upheld' }, 'root'],
      ]);
    });

    it('sees a suspension another process appended (the catch-up read of the account stream), on a cached auction', async () => {
      const seller = await sys.token('catch-up-seller', 'seller');
      const auctionId = await auctionOf(seller);
      const trudy = await sys.token('trudy', 'bidder');
      assert.equal((await bid(auctionId, trudy, 1000)).status, 201);
      // As another command-api process would: straight into the log, past this process's caches.
      const appended = await sys.resources.log.appendToStream(accountStreamIdOf('trudy'), 0, [{
        eventId: randomUUID(), type: 'AccountSuspended', data: { userId: 'trudy', by: 'root', reason: 'elsewhere' },
        metadata: { commandId: randomUUID(), idempotencyKey: null, userId: 'root', correlationId: randomUUID(), causationId: randomUUID(), serverTime: new Date().toISOString(), schemaVersion: 1 },
      }]);
      assert.equal(appended.kind, 'appended');
      const r = await bid(auctionId, trudy, 5000);
      assert.deepEqual([r.status, r.body.error?.code], [403, 'ACCOUNT_SUSPENDED']);
      const blockedElsewhere = await sys.resources.log.appendToStream(accountStreamIdOf('catch-up-seller'), 0, [{
        eventId: randomUUID(), type: 'BidderBlocked', data: { sellerId: 'catch-up-seller', bidderId: 'victor' },
        metadata: { commandId: randomUUID(), idempotencyKey: null, userId: 'catch-up-seller', correlationId: randomUUID(), causationId: randomUUID(), serverTime: new Date().toISOString(), schemaVersion: 1 },
      }]);
      assert.equal(blockedElsewhere.kind, 'appended');
      assert.equal((await bid(auctionId, await sys.token('victor', 'bidder'), 5000)).body.error?.code, 'BIDDER_BLOCKED');
    });

    it('suspends a 255-character subject of another identity provider, by its URL-encoded id', async () => {
      const sub = `https://idp.example.org/users/${'ü'.repeat(200)}/${'🦊'.repeat(24)}`;
      assert.equal([...sub].length, 255);
      const token = await sys.token(sub, 'bidder');
      const seller = await sys.token('long-sub-seller', 'seller');
      const auctionId = await auctionOf(seller);
      const s = await sys.call('POST', `/v1/admin/users/${encodeURIComponent(sub)}/suspend`, { token: admin, body: { reason: 'chargebacks' } });
      assert.deepEqual([s.status, s.body.userId, s.body.status], [200, sub, 'suspended']);
      assert.equal((await bid(auctionId, token, 1000)).body.error?.code, 'ACCOUNT_SUSPENDED');
      const me = await sys.call('GET', '/v1/me', { token });
      assert.deepEqual([me.status, me.body.userId, me.body.status], [200, sub, 'suspended']);
    });

    it('in a batch of concurrent bids on one auction, only the suspended and the blocked bidders are refused', async () => {
      const seller = await sys.token('batch-seller', 'seller');
      const auctionId = await auctionOf(seller);
      assert.equal((await sys.call('POST', '/v1/admin/users/batch-suspended/suspend', { token: admin, body: { reason: 'x' } })).status, 200);
      assert.equal((await sys.call('PUT', '/v1/me/blocked-bidders/batch-blocked', { token: seller })).status, 200);
      const names = ['batch-suspended', 'batch-blocked', ...Array.from({ length: 8 }, (_, i) => `batch-${i}`)];
      const tokens = await Promise.all(names.map((n) => sys.token(n, 'bidder')));
      const results = await Promise.all(tokens.map((t, i) => bid(auctionId, t, 2000 + i * 300)));
      assert.deepEqual([results[0]!.status, results[0]!.body.error.code], [403, 'ACCOUNT_SUSPENDED']);
      assert.deepEqual([results[1]!.status, results[1]!.body.error.code], [409, 'BIDDER_BLOCKED']);
      for (const r of results.slice(2)) assert.ok(r.status === 201 || r.body.error.code === 'BID_TOO_LOW', JSON.stringify(r.body));
      const events = await sys.resources.log.readStream(`auction-${auctionId}`);
      assert.ok(events.every((e) => e.type !== 'BidPlaced' || !['batch-suspended', 'batch-blocked'].includes((e.data as { bidderId: string }).bidderId)));
    });

    it('only an admin suspends (403 FORBIDDEN), not itself (409 CANNOT_SUSPEND_SELF), with a reason (400)', async () => {
      const bidder = await sys.token('nobody', 'bidder');
      const r = await sys.call('POST', '/v1/admin/users/mallory/suspend', { token: bidder, body: { reason: 'x' } });
      assert.deepEqual([r.status, r.body.error.code], [403, 'FORBIDDEN']);
      const self = await sys.call('POST', '/v1/admin/users/root/suspend', { token: admin, body: { reason: 'x' } });
      assert.deepEqual([self.status, self.body.error.code], [409, 'CANNOT_SUSPEND_SELF']);
      const noReason = await sys.call('POST', '/v1/admin/users/mallory/suspend', { token: admin, body: {} });
      assert.deepEqual([noReason.status, noReason.body.error.details.fields], [400, [{ path: 'body.reason', message: 'is required' }]]);
    });

    it('a suspended registered user cannot sign in or refresh: 403 ACCOUNT_SUSPENDED', async () => {
      const email = uniqueEmail();
      const { userId, refreshToken } = await register({ email });
      const s = await sys.call('POST', `/v1/admin/users/${encodeURIComponent(userId)}/suspend`, { token: admin, body: { reason: 'fraud' } });
      assert.equal(s.status, 200);
      const signIn = await sys.call('POST', '/v1/auth/sign-in', { body: { email, password: PASSWORD } });
      assert.deepEqual([signIn.status, signIn.body.error.code], [403, 'ACCOUNT_SUSPENDED']);
      const refresh = await sys.call('POST', '/v1/auth/refresh', { body: { refreshToken } });
      assert.equal(refresh.status, 401); // revoked by the suspension
    });
  });

  describe('block lists', () => {
    it('a blocked bidder cannot bid or buy now on the seller\'s auctions: 409 BIDDER_BLOCKED; elsewhere it can; unblocked, it can', async () => {
      const seller = await sys.token('blocking-seller', 'seller');
      const other = await sys.token('other-seller', 'seller');
      const bob = await sys.token('bob', 'bidder');
      const auctionId = await auctionOf(seller);
      const elsewhere = await auctionOf(other);
      assert.equal((await bid(auctionId, bob, 1000)).status, 201);
      const put = await sys.call('PUT', '/v1/me/blocked-bidders/bob', { token: seller });
      assert.deepEqual([put.status, put.body], [200, { sellerId: 'blocking-seller', bidderId: 'bob', blocked: true, version: 1 }]);
      for (const r of [await bid(auctionId, bob, 5000), await buyNow(auctionId, bob)]) {
        assert.equal(r.status, 409, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'BIDDER_BLOCKED');
      }
      const fresh = await auctionOf(seller); // an auction not cached yet
      assert.equal((await bid(fresh, bob, 1000)).body.error.code, 'BIDDER_BLOCKED');
      assert.equal((await bid(elsewhere, bob, 1000)).status, 201);
      const list = await sys.call('GET', '/v1/me/blocked-bidders', { token: seller });
      assert.deepEqual(list.body, { sellerId: 'blocking-seller', bidders: ['bob'], version: 1 });
      const del = await sys.call('DELETE', '/v1/me/blocked-bidders/bob', { token: seller });
      assert.deepEqual(del.body, { sellerId: 'blocking-seller', bidderId: 'bob', blocked: false, version: 2 });
      assert.equal((await bid(auctionId, bob, 5000)).status, 201);
    });

    it('blocks any subject (255 characters, Unicode); not oneself (409 CANNOT_BLOCK_SELF); sellers only (403)', async () => {
      const seller = await sys.token('unicode-seller', 'seller');
      const longSub = `${'ß'.repeat(251)}|🦊42`;
      assert.equal([...longSub].length, 255);
      const put = await sys.call('PUT', `/v1/me/blocked-bidders/${encodeURIComponent(longSub)}`, { token: seller });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const longBidder = await sys.token(longSub, 'bidder');
      const auctionId = await auctionOf(seller);
      assert.equal((await bid(auctionId, longBidder, 1000)).body.error.code, 'BIDDER_BLOCKED');
      const self = await sys.call('PUT', '/v1/me/blocked-bidders/unicode-seller', { token: seller });
      assert.deepEqual([self.status, self.body.error.code], [409, 'CANNOT_BLOCK_SELF']);
      const tooLong = await sys.call('PUT', `/v1/me/blocked-bidders/${encodeURIComponent('x'.repeat(256))}`, { token: seller });
      assert.deepEqual([tooLong.status, tooLong.body.error.details.fields[0].path], [400, 'params.userId']);
      const bidder = await sys.token('just-a-bidder', 'bidder');
      assert.equal((await sys.call('GET', '/v1/me/blocked-bidders', { token: bidder })).status, 403);
      assert.equal((await sys.call('GET', '/v1/me/blocked-bidders')).status, 401);
    });
  });

  describe('hostile bodies', () => {
    const routes: readonly [string, string, boolean][] = [
      ['POST', '/v1/accounts', false],
      ['POST', '/v1/auth/sign-in', false],
      ['POST', '/v1/auth/refresh', false],
      ['POST', '/v1/auth/sign-out', false],
      ['PATCH', '/v1/me', true],
      ['POST', '/v1/admin/users/victim/suspend', true],
      ['POST', '/v1/admin/users/victim/reinstate', true],
    ];

    it('answers any JSON body on every account route with a 4xx naming the problem, never a 5xx', async function () {
      this.timeout(120_000);
      const token = await sys.token('fuzzer', 'bidder', 'seller', 'admin');
      const field = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 300 }), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
      const body = fc.oneof(
        fc.record({ email: field, password: field, displayName: field, country: field, refreshToken: field, reason: field }, { requiredKeys: [] }),
        fc.jsonValue({ maxDepth: 2 }),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, path, auth], value) => {
          const r = await sys.call(method, path, { body: JSON.stringify(value), ...(auth ? { token } : {}), headers: { 'content-type': 'application/json' } });
          assert.ok(r.status < 500, `${method} ${path} ${JSON.stringify(value)} -> ${r.status} ${JSON.stringify(r.body)}`);
          if (r.status >= 400) assert.equal(typeof r.body?.error?.message, 'string');
        }),
        { numRuns: 150 },
      );
    });

    it('answers any user id in the path (URL-encoded, any length or script) with a 2xx or a 4xx, never a 5xx', async function () {
      this.timeout(120_000);
      const token = await sys.token('path-fuzzer', 'seller', 'admin');
      const segment = fc.oneof(fc.string({ minLength: 1, maxLength: 300 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 260 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }));
      const route = fc.constantFrom(['PUT', '/v1/me/blocked-bidders/'], ['DELETE', '/v1/me/blocked-bidders/'], ['POST', '/v1/admin/users/:/suspend'], ['POST', '/v1/admin/users/:/reinstate']);
      await fc.assert(
        fc.asyncProperty(route, segment, async ([method, template], id) => {
          const encoded = encodeURIComponent(id);
          const path = template.includes(':') ? template.replace(':', encoded) : `${template}${encoded}`;
          const r = await sys.call(method, path, { token, ...(method === 'POST' ? { body: { reason: 'fuzz' } } : {}) });
          assert.ok(r.status < 500, `${method} ${path} -> ${r.status} ${JSON.stringify(r.body)}`);
        }),
        { numRuns: 100 },
      );
      assert.equal((await sys.call('GET', '/v1/me/blocked-bidders', { token })).status, 200);
    });

    it('refuses a huge body with 413 and a broken one with 400', async () => {
      const huge = await sys.call('POST', '/v1/accounts', { body: JSON.stringify({ email: uniqueEmail(), password: 'p'.repeat(40_000), displayName: 'x', country: 'DE' }) });
      assert.equal(huge.status, 413);
      const broken = await sys.call('POST', '/v1/auth/sign-in', { body: '{"email":', headers: { 'content-type': 'application/json' } });
      assert.equal(broken.status, 400);
      const longPassword = await sys.call('POST', '/v1/accounts', { body: { email: uniqueEmail(), password: 'p'.repeat(201), displayName: 'x', country: 'DE' } });
      assert.deepEqual(longPassword.body.error.details.fields, [{ path: 'body.password', message: 'must be at most 200 characters' }]);
    });
  });

  // Last: these lock the test client's address.
  describe('sign-in lockout', () => {
    it(`locks an account after ${MAX_FAILURES} failures: 429 SIGN_IN_LOCKED with Retry-After, even with the right password`, async () => {
      const email = uniqueEmail();
      await register({ email });
      for (let i = 0; i < MAX_FAILURES; i++) assert.equal((await sys.call('POST', '/v1/auth/sign-in', { body: { email, password: 'wrong password!' } })).status, 401);
      const locked = await sys.call('POST', '/v1/auth/sign-in', { body: { email, password: PASSWORD } });
      assert.equal(locked.status, 429);
      assert.equal(locked.body.error.code, 'SIGN_IN_LOCKED');
      assert.match(locked.body.error.message, /too many failed sign-ins for this account: sign-in is locked for \d+ s/);
      const retryAfter = Number(locked.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 900, String(retryAfter));
      // Another account from the same address is not locked yet.
      const other = uniqueEmail();
      await register({ email: other });
      assert.equal((await sys.call('POST', '/v1/auth/sign-in', { body: { email: other, password: PASSWORD } })).status, 200);
    });

    it(`locks an address after ${4 * MAX_FAILURES} failures, whichever accounts`, async () => {
      let locked;
      for (let i = 0; i < 4 * MAX_FAILURES + 1; i++) {
        locked = await sys.call('POST', '/v1/auth/sign-in', { body: { email: uniqueEmail(), password: 'wrong password!' } });
        if (locked.status === 429) break;
      }
      assert.equal(locked?.status, 429);
      assert.match(locked!.body.error.message, /this address/);
    });
  });
};

embeddedAndServices('accounts over HTTP', accountsSuite);
