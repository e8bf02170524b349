// Tokens of an external identity provider (AUTH_JWKS_URL): RS256 and ES256 against a key set the
// suite serves itself, key rotation, every refusal as a 401 naming the problem, a key set that
// cannot be had as a 503, roles from another claim, and HS256 tokens unchanged beside them.
import assert from 'node:assert/strict';
import express from 'express';
import fc from 'fast-check';
import { SignJWT, exportSPKI, importJWK } from 'jose';
import type { CryptoKey } from 'jose';
import { InvalidTokenError, currentUser, mintToken, requireRole, requireUser } from '../../../infra/http/auth.js';
import { authenticate } from '../../../infra/http/authenticate.js';
import { errorHandler } from '../../../infra/http/errors.js';
import { KeySetUnavailableError } from '../../../infra/http/identity-provider.js';
import type { IdentityProviderOptions } from '../../../infra/http/identity-provider.js';
import { createTokenVerifier } from '../../../infra/http/token-verifier.js';
import type { TokenVerifier, TokenVerifierOptions } from '../../../infra/http/token-verifier.js';
import { closedJwksUrl, startJwksServer } from '../../support/jwks-server.js';
import type { JwksServer } from '../../support/jwks-server.js';
import { call, errorOf, memoryLogger, SECRET, serve } from './harness.js';
import type { Answer, Served } from './harness.js';

const ROLES_CLAIM = 'https://gavelstream.test/roles';

/** An app with the gateway's authentication in front of /me (any user), /sell (seller) and /public (anyone). */
const appWith = async (verifier: TokenVerifier): Promise<Served> => {
  const app = express();
  app.use(authenticate({ verifier, required: false }));
  app.get('/public', (_req, res) => {
    res.json({ user: currentUser(res) ?? null });
  });
  app.get('/me', (_req, res) => {
    res.json(requireUser(res));
  });
  app.post('/sell', requireRole('seller'), (_req, res) => {
    res.status(201).json({ ok: true });
  });
  app.use(errorHandler());
  return serve(app);
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('http auth: tokens of an identity provider (JWKS)', () => {
  let idp: JwksServer;
  let rsaKid: string;
  let ecKid: string;
  const served: Served[] = [];
  const provider = (extra: Partial<IdentityProviderOptions> = {}): IdentityProviderOptions => ({
    jwksUrl: idp.url, issuer: idp.issuer, audience: [idp.audience], rolesClaim: ROLES_CLAIM, ...extra,
  });
  const gateway = async (extra: Partial<IdentityProviderOptions> = {}, options: Partial<TokenVerifierOptions> = {}) => {
    const verifier = createTokenVerifier({ secret: SECRET, identityProvider: provider(extra), ...options });
    const s = await appWith(verifier);
    served.push(s);
    return { verifier, url: s.url };
  };
  /** The answer is a 401 whose message matches `problem` and shows nothing of the token. */
  const refused = (a: Answer, problem: RegExp, token: string, what: string) => {
    assert.equal(a.status, 401, `${what}: ${JSON.stringify(a.body)}`);
    assert.equal(errorOf(a).code, 'UNAUTHENTICATED', what);
    assert.match(errorOf(a).message, problem, what);
    assert.match(a.headers.get('www-authenticate') ?? '', /error="invalid_token"/, what);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() || '{}') as Record<string, unknown>;
    for (const value of [claims.sub, claims.iss, claims.aud].flat()) {
      if (typeof value === 'string' && value.length > 3) assert.ok(!JSON.stringify(a.body).includes(value) && !(a.headers.get('www-authenticate') ?? '').includes(value), `${what}: the answer shows ${value}`);
    }
  };

  before(async () => {
    idp = await startJwksServer();
    rsaKid = await idp.addKey('RS256');
    ecKid = await idp.addKey('ES256');
  });
  afterEach(() => idp.answer('keys'));
  after(async () => {
    await Promise.all(served.map((s) => s.close()));
    await idp.close();
  });

  it('accepts RS256 and ES256 tokens of the key set, with roles from the configured claim and any subject', async () => {
    const { url } = await gateway();
    for (const [alg, sub] of [['RS256', 'auth0|5f7c8ec7a1b2c3d4e5f60718'], ['ES256', 'jane.doe+bids@example.com'], ['RS256', `https://idp.example.org/users/${'x'.repeat(200)}`]] as const) {
      const token = await idp.sign({ sub, [ROLES_CLAIM]: ['bidder', 'seller'] }, { alg });
      const a = await call(url, '/me', { token });
      assert.equal(a.status, 200, `${alg}: ${JSON.stringify(a.body)}`);
      assert.deepEqual(a.body, { userId: sub, roles: ['bidder', 'seller'] });
      assert.equal((await call(url, '/sell', { token, method: 'POST' })).status, 201);
    }
    // an audience list naming this service among others
    const several = await idp.sign({ sub: 'google-oauth2|1098', [ROLES_CLAIM]: ['auditor'] }, { audience: ['https://other.example', idp.audience] });
    assert.deepEqual((await call(url, '/me', { token: several })).body, { userId: 'google-oauth2|1098', roles: ['auditor'] });
  });

  it('keeps HS256 tokens working exactly as before, beside the provider', async () => {
    const { url } = await gateway();
    const token = await mintToken({ secret: SECRET, sub: 'alice', roles: ['seller'], expiresIn: '1h' });
    assert.deepEqual((await call(url, '/me', { token })).body, { userId: 'alice', roles: ['seller'] });
    assert.equal((await call(url, '/sell', { token, method: 'POST' })).status, 201);
    // the roles claim of HS256 tokens stays `roles`, whatever AUTH_ROLES_CLAIM says
    const noRoles = await new SignJWT({ sub: 'alice', [ROLES_CLAIM]: ['seller'] }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    refused(await call(url, '/me', { token: noRoles }), /claim roles is required/, noRoles, 'HS256 without roles');
  });

  it('refuses an unsigned token, an HS256 token signed with the public key, and a key outside the set', async () => {
    const { url } = await gateway();
    const claims = { sub: 'mallory', [ROLES_CLAIM]: ['admin'], roles: ['admin'], iss: idp.issuer, aud: idp.audience, exp: Math.floor(Date.now() / 1000) + 600 };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    refused(await call(url, '/me', { token: none }), /unsigned token \(alg none\) is never accepted/, none, 'alg none');
    const noneWithKid = `${b64({ alg: 'none', kid: rsaKid })}.${b64(claims)}.`;
    refused(await call(url, '/me', { token: noneWithKid }), /alg none/, noneWithKid, 'alg none with a kid');

    // algorithm confusion: the public key (as a JWK, as its JSON, as PEM) used as an HMAC secret
    const jwk = idp.publicJwk(rsaKid);
    const pem = await exportSPKI(await importJWK(jwk, 'RS256', { extractable: true }) as CryptoKey);
    for (const [secret, what] of [[JSON.stringify(jwk), 'the JWK'], [pem, 'PEM'], [jwk.n ?? '', 'the modulus']] as const) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const confused = await new SignJWT(claims).setProtectedHeader({ alg, kid: rsaKid }).sign(new TextEncoder().encode(secret));
        refused(await call(url, '/me', { token: confused }), alg === 'HS256' ? /^the token is not valid$/ : /algorithm is not accepted; accepted: HS256, RS256, ES256/, confused, `${alg} with ${what}`);
      }
    }

    // signed by a key the provider never published, naming a published kid
    const stranger = await startJwksServer({ issuer: idp.issuer, audience: idp.audience });
    try {
      await stranger.addKey('RS256');
      const forged = await stranger.sign({ sub: 'mallory', [ROLES_CLAIM]: ['admin'] }, { headerKid: rsaKid });
      refused(await call(url, '/me', { token: forged }), /^the token is not valid$/, forged, 'a key outside the set');
      const forgedEc = await stranger.addKey('ES256').then(() => stranger.sign({ sub: 'mallory' }, { alg: 'ES256', headerKid: ecKid }));
      refused(await call(url, '/me', { token: forgedEc }), /^the token is not valid$/, forgedEc, 'an EC key outside the set');
    } finally {
      await stranger.close();
    }
    // a tampered payload
    const good = await idp.sign({ sub: 'bob', [ROLES_CLAIM]: ['bidder'] });
    const [h, , s] = good.split('.');
    const tampered = `${h}.${b64({ ...claims, sub: 'bob' })}.${s}`;
    refused(await call(url, '/me', { token: tampered }), /^the token is not valid$/, tampered, 'tampered');
  });

  it('refuses a wrong issuer or audience, an expired token, a missing exp, an unknown kid, naming the problem only', async () => {
    const { url } = await gateway({ cooldownMs: 0 });
    const claims = { sub: 'auth0|victim', [ROLES_CLAIM]: ['bidder'] };
    const cases: readonly [string, Promise<string>, RegExp][] = [
      ['wrong issuer', idp.sign(claims, { issuer: 'https://evil.example/' }), /claim iss is not the configured issuer \(AUTH_ISSUER\)/],
      ['no issuer', idp.sign(claims, { issuer: null }), /claim iss is required/],
      ['wrong audience', idp.sign(claims, { audience: 'https://another-app.example' }), /claim aud does not name this service \(AUTH_AUDIENCE\)/],
      ['no audience', idp.sign(claims, { audience: null }), /claim aud is required/],
      ['expired', idp.sign(claims, { expiresIn: -60 }), /^the token has expired$/],
      ['no exp', idp.sign(claims, { expiresIn: null }), /claim exp is required/],
      ['not yet valid', idp.sign({ ...claims, nbf: Math.floor(Date.now() / 1000) + 600 }), /"nbf" claim timestamp check failed/],
      ['unknown kid', idp.sign(claims, { headerKid: 'kid-nobody-published' }), /its signing key \(kid\) is not in the identity provider's key set/],
      ['kid of another algorithm', idp.sign(claims, { alg: 'ES256', headerKid: rsaKid }), /signing key \(kid\) is not in/],
      ['no sub', idp.sign({ [ROLES_CLAIM]: ['bidder'] }), /claim sub is required/],
      ['sub with a NUL', idp.sign({ sub: 'auth0|a\u0000b' }), /claim sub must not contain the control character U\+0000/],
      ['sub of 256 characters', idp.sign({ sub: 'x'.repeat(256) }), /claim sub .*255/],
      ['roles not an array', idp.sign({ sub: 'auth0|x', [ROLES_CLAIM]: 'admin' }), new RegExp(`claim ${ROLES_CLAIM.replace(/[./]/g, '\\$&')} must be an array of role names`)],
    ];
    for (const [what, pending, problem] of cases) {
      const token = await pending;
      for (const path of ['/me', '/public']) refused(await call(url, path, { token }), problem, token, `${what} on ${path}`);
    }
  });

  it('a token without roles signs in with none: what needs a role is a 403 naming it; unknown role names grant nothing', async () => {
    const { url } = await gateway();
    for (const roles of [undefined, [], ['editor', 'Seller', 'ADMIN']]) {
      const token = await idp.sign({ sub: 'auth0|plain', ...(roles !== undefined ? { [ROLES_CLAIM]: roles } : {}) });
      assert.deepEqual((await call(url, '/me', { token })).body, { userId: 'auth0|plain', roles: [] }, JSON.stringify(roles));
      const sell = await call(url, '/sell', { token, method: 'POST' });
      assert.equal(sell.status, 403);
      assert.equal(errorOf(sell).message, 'requires the role seller');
    }
    const mixed = await idp.sign({ sub: 'auth0|mixed', [ROLES_CLAIM]: ['editor', 'seller', 'seller'] });
    assert.deepEqual((await call(url, '/me', { token: mixed })).body, { userId: 'auth0|mixed', roles: ['seller'] });
  });

  it('follows a key rotation: a new kid fetches the key set once more; a withdrawn key stops working', async () => {
    const { url } = await gateway({ cooldownMs: 0 });
    const old = await idp.sign({ sub: 'auth0|rotating', [ROLES_CLAIM]: ['bidder'] }, { kid: rsaKid });
    assert.equal((await call(url, '/me', { token: old })).status, 200);
    const before = idp.fetches;
    const newKid = await idp.addKey('RS256');
    idp.withdraw(rsaKid);
    try {
      const fresh = await idp.sign({ sub: 'auth0|rotating', [ROLES_CLAIM]: ['bidder'] }, { kid: newKid });
      assert.equal((await call(url, '/me', { token: fresh })).status, 200);
      assert.equal(idp.fetches, before + 1, 'one fetch for the new kid');
      assert.equal((await call(url, '/me', { token: fresh })).status, 200);
      assert.equal(idp.fetches, before + 1, 'a verified token is recalled');
      // a token of the withdrawn key that was never verified here
      const lateOld = await idp.sign({ sub: 'auth0|other', [ROLES_CLAIM]: ['bidder'] }, { kid: rsaKid });
      refused(await call(url, '/me', { token: lateOld }), /signing key \(kid\) is not in/, lateOld, 'withdrawn key');
    } finally {
      idp.withdraw(newKid);
      await idp.addKey('RS256').then((kid) => (rsaKid = kid));
    }
  });

  it('an unknown kid within the cooldown does not fetch the key set again', async () => {
    const { url } = await gateway();
    assert.equal((await call(url, '/me', { token: await idp.sign({ sub: 'auth0|a' }) })).status, 200);
    const fetched = idp.fetches;
    for (let i = 0; i < 5; i += 1) {
      const token = await idp.sign({ sub: 'auth0|a' }, { headerKid: `made-up-${i}` });
      refused(await call(url, '/me', { token }), /signing key \(kid\) is not in/, token, `kid ${i}`);
    }
    assert.equal(idp.fetches, fetched);
  });

  it('a key set that cannot be had is a 503 UNAVAILABLE with Retry-After, not a 401; HS256 unaffected; back without a restart', async () => {
    const hs256 = await mintToken({ secret: SECRET, sub: 'alice', roles: ['bidder'], expiresIn: '1h' });
    const outages: readonly [string, () => Promise<Partial<IdentityProviderOptions>>][] = [
      ['nothing listens', async () => ({ jwksUrl: await closedJwksUrl() })],
      ['500', async () => (idp.answer({ status: 500 }), {})],
      ['404', async () => (idp.answer({ status: 404 }), {})],
      ['a redirect', async () => (idp.answer({ status: 302 }), {})],
      ['not JSON', async () => (idp.answer('not-json'), {})],
      ['not a key set', async () => (idp.answer('not-a-key-set'), {})],
      ['no answer within the timeout', async () => (idp.answer('hang'), { fetchTimeoutMs: 200 })],
    ];
    for (const [what, outage] of outages) {
      const { logger, records } = memoryLogger();
      const { url } = await gateway(await outage(), { logger });
      const token = await idp.sign({ sub: 'auth0|waiting', [ROLES_CLAIM]: ['bidder'] });
      for (let i = 0; i < 2; i += 1) {
        const a = await call(url, '/me', { token });
        assert.equal(a.status, 503, `${what}: ${JSON.stringify(a.body)}`);
        assert.equal(errorOf(a).code, 'UNAVAILABLE', what);
        assert.match(errorOf(a).message, /identity provider's signing keys cannot be fetched right now; retry shortly/, what);
        assert.equal(a.headers.get('retry-after'), '5', what);
      }
      assert.equal(records.filter((r) => r.level === 'warn').length, 1, `${what}: reported once`);
      assert.equal((await call(url, '/me', { token: hs256 })).status, 200, `${what}: HS256`);
      if (what !== 'nothing listens') {
        idp.answer('keys');
        assert.equal((await call(url, '/me', { token })).status, 200, `${what}: back`);
        assert.equal(records.filter((r) => r.level === 'info' && /fetched again/.test(String(r.msg))).length, 1, `${what}: recovery reported`);
      }
    }
  });

  it('remembers a verified token until it expires (a provider\'s at most the key set\'s cache age), also while the key set is down; never a refused one', async () => {
    let now = Date.now();
    const { url } = await gateway({}, { now: () => now });
    const token = await idp.sign({ sub: 'auth0|dora', [ROLES_CLAIM]: ['bidder'] }, { expiresIn: 60, now: new Date(now) });
    assert.equal((await call(url, '/me', { token })).status, 200);
    idp.answer({ status: 500 });
    now += 64_000; // within exp plus the 5 s tolerance
    assert.equal((await call(url, '/me', { token })).status, 200);
    idp.answer('keys');
    now += 1_000;
    refused(await call(url, '/me', { token }), /^the token has expired$/, token, 'expired');
    // a provider's token is recalled at most as long as the key set is cached (a withdrawn key stops it then)
    const long = await idp.sign({ sub: 'auth0|dora' }, { expiresIn: 3600, now: new Date(now) });
    const verifier = createTokenVerifier({ secret: SECRET, identityProvider: provider({ cacheMaxAgeMs: 600_000 }), now: () => now });
    await verifier.verify(long);
    now += 599_000;
    assert.deepEqual(verifier.recall(long), { userId: 'auth0|dora', roles: [] });
    now += 1_000;
    assert.equal(verifier.recall(long), undefined);
    const hs256 = await mintToken({ secret: SECRET, sub: 'alice', roles: ['bidder'], expiresIn: 3600, now: new Date(now) });
    await verifier.verify(hs256);
    now += 3_604_000;
    assert.deepEqual(verifier.recall(hs256), { userId: 'alice', roles: ['bidder'] }, 'an HS256 token until exp plus the tolerance');
    now += 1_000;
    assert.equal(verifier.recall(hs256), undefined);
    const [h, p] = token.split('.');
    const otherSignature = `${h}.${p}.${'A'.repeat(342)}`;
    refused(await call(url, '/me', { token: otherSignature }), /^the token is not valid$/, otherSignature, 'same claims, another signature');
  });

  it('without AUTH_JWKS_URL, RS256 and ES256 tokens are refused saying no identity provider is configured', async () => {
    const verifier = createTokenVerifier({ secret: SECRET });
    const s = await appWith(verifier);
    served.push(s);
    assert.equal(verifier.acceptsIdentityProviderTokens, false);
    for (const alg of ['RS256', 'ES256'] as const) {
      const token = await idp.sign({ sub: 'auth0|x', roles: ['bidder'] }, { alg });
      refused(await call(s.url, '/me', { token }), /accepted only from an identity provider \(AUTH_JWKS_URL\), and none is configured; accepted: HS256$/, token, alg);
    }
  });

  it('the verifier works outside Express (the realtime auth frame): a user, InvalidTokenError or KeySetUnavailableError', async () => {
    const verifier = createTokenVerifier({ secret: SECRET, identityProvider: provider() });
    assert.equal(verifier.acceptsIdentityProviderTokens, true);
    const token = await idp.sign({ sub: 'auth0|socket', [ROLES_CLAIM]: ['bidder'] }, { alg: 'ES256' });
    assert.deepEqual(await verifier.verify(token), { userId: 'auth0|socket', roles: ['bidder'] });
    assert.deepEqual(verifier.recall(token), { userId: 'auth0|socket', roles: ['bidder'] });
    assert.equal(verifier.recall(await idp.sign({ sub: 'auth0|socket' })), undefined);
    await assert.rejects(verifier.verify(await idp.sign({ sub: 'auth0|socket' }, { expiresIn: -10 })), (e: unknown) => e instanceof InvalidTokenError && e.message === 'the token has expired');
    await assert.rejects(verifier.verify('garbage'), InvalidTokenError);
    const down = createTokenVerifier({ secret: SECRET, identityProvider: provider({ jwksUrl: await closedJwksUrl() }) });
    await assert.rejects(down.verify(token), KeySetUnavailableError);
  });

  it('any token a client can make is a 401, never a 500 or a 503, while the key set is up (fuzz)', async () => {
    const { url } = await gateway({ cooldownMs: 60_000 });
    const real = await idp.sign({ sub: 'auth0|fuzz', [ROLES_CLAIM]: ['bidder'] });
    const [, , realSignature] = real.split('.');
    const json = fc.jsonValue({ maxDepth: 2 });
    const header = fc.record({
      alg: fc.oneof(fc.constantFrom('RS256', 'ES256', 'HS256', 'none', 'None', 'PS256', 'EdDSA', 'RS512', ''), json),
      kid: fc.oneof(fc.constantFrom(rsaKid, ecKid, '', '../../etc/passwd'), fc.string(), json),
      typ: fc.constantFrom('JWT', 'at+jwt'),
      crit: fc.oneof(fc.constant(undefined), fc.array(fc.string(), { maxLength: 2 })),
      jku: fc.constant('http://attacker.example/jwks.json'),
      jwk: fc.oneof(fc.constant(undefined), fc.constant(idp.publicJwk(rsaKid))),
    }, { requiredKeys: ['alg'] });
    const payload = fc.oneof(
      fc.record({ sub: fc.oneof(fc.string(), json), iss: fc.constantFrom(idp.issuer, 'x'), aud: fc.constantFrom(idp.audience, 'x'), exp: fc.oneof(fc.integer(), json), [ROLES_CLAIM]: json }, { requiredKeys: [] }),
      json,
    );
    const signature = fc.oneof(fc.constant(realSignature ?? ''), fc.base64String().map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')), fc.constant(''));
    await fc.assert(
      fc.asyncProperty(header, payload, signature, async (h, p, s) => {
        const token = `${b64(h)}.${b64(p)}.${s}`;
        const a = await call(url, '/me', { token });
        return a.status === 401 && errorOf(a).code === 'UNAUTHENTICATED';
      }),
      { numRuns: 300 },
    );
  });
});
