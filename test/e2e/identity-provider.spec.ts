// Signing in with an external identity provider, end to end over HTTP: tokens signed by keys of a
// JWKS server the suite runs (RS256 and ES256, roles in a custom claim, subjects as providers issue
// them) create, bid and audit beside HS256 tokens; the bid is stored under the subject, shown
// pseudonymised, and in the audit trail; refused tokens write nothing. Embedded mode always;
// PostgreSQL (and Redis when REDIS_URL is set) when DATABASE_URL is set. Also: a process whose
// identity provider is configured half stops at start.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { streamIdOf } from '../../domain/index.js';
import { childEnv, serviceUrl } from '../support/services.js';
import { startJwksServer } from '../support/jwks-server.js';
import type { JwksServer } from '../support/jwks-server.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, startTestSystem } from '../support/system.js';

const ROLES_CLAIM = 'https://gavelstream.example/roles';
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

const identityProviderSuite = (backend: () => Backend) => {
  let idp: JwksServer;
  let sys: TestSystem;
  const tag = randomUUID().slice(0, 8);
  const sellerSub = `auth0|5f7c8ec7d9a1b20068f1${tag}`;
  const bidderSub = `google-oauth2|10987654321098${tag}`;
  const mailSub = `jane.doe+${tag}@example.com`;
  const auditorSub = `https://idp.example.org/users/42?tenant=${tag}`;

  before(async function () {
    this.timeout(120_000); // starting PGlite takes a while on a busy machine
    idp = await startJwksServer();
    await idp.addKey('RS256');
    await idp.addKey('ES256');
    sys = await startTestSystem(backend(), { env: { AUTH_JWKS_URL: idp.url, AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: idp.audience, AUTH_ROLES_CLAIM: ROLES_CLAIM } });
  });
  after(async () => {
    await sys?.stop();
    await idp?.close();
  });

  const create = async (token: string) => {
    const r = await sys.call('POST', '/v1/auctions', { token, body: { title: 'Leica M6', currency: 'EUR', startingPrice: 1000, endsAt: inSeconds(3600) } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { auctionId: string; version: number };
  };
  const bid = (auctionId: string, token: string, maxAmount: number) =>
    sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });

  it('a provider user sells, bids and audits: the bid is stored under its subject, shown pseudonymised, and audited', async () => {
    const seller = await idp.sign({ sub: sellerSub, [ROLES_CLAIM]: ['seller'] }, { alg: 'RS256' });
    const bidder = await idp.sign({ sub: bidderSub, [ROLES_CLAIM]: ['bidder'] }, { alg: 'ES256' });
    const mail = await idp.sign({ sub: mailSub, [ROLES_CLAIM]: ['bidder'] }, { alg: 'RS256' });
    const auditor = await idp.sign({ sub: auditorSub, [ROLES_CLAIM]: ['auditor'] }, { alg: 'ES256' });
    const bob = await sys.token('bob', 'bidder'); // HS256, beside them

    const { auctionId } = await create(seller);
    const placed = await bid(auctionId, bidder, 2500);
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.leading, true);
    assert.equal((await bid(auctionId, mail, 2000)).status, 201);
    assert.equal((await bid(auctionId, bob, 2200)).status, 201);

    const events = await sys.resources.log.readStream(streamIdOf(auctionId));
    assert.deepEqual(events.map((e) => [e.type, e.metadata.userId]), [['AuctionCreated', sellerSub], ['BidPlaced', bidderSub], ['BidPlaced', mailSub], ['BidPlaced', 'bob']]);
    assert.equal((events[1]!.data as { bidderId: string }).bidderId, bidderSub);

    const mine = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=4`, { token: bidder });
    assert.equal(mine.status, 200);
    assert.deepEqual([mine.body.sellerId, mine.body.yourPseudonym, mine.body.leader], [sellerSub, placed.body.bidderPseudonym, placed.body.bidderPseudonym]);
    const history = await sys.call('GET', `/v1/auctions/${auctionId}/bids?minVersion=4&order=oldest`);
    assert.equal(history.status, 200);
    assert.equal(history.body.items[0].bidder, placed.body.bidderPseudonym);
    for (const sub of [bidderSub, mailSub]) assert.ok(!JSON.stringify(history.body).includes(sub), 'the public history shows no real id');

    const audit = await sys.call('GET', `/v1/audit/auctions/${auctionId}/bids?minVersion=4`, { token: auditor });
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    assert.deepEqual(audit.body.items.map((b: { bidderId: string }) => b.bidderId), [bidderSub, mailSub, 'bob']);
    const verified = await sys.call('GET', `/v1/audit/auctions/${auctionId}/verify`, { token: auditor });
    assert.deepEqual([verified.status, verified.body.valid], [200, true]);
  });

  it('refused provider tokens are 401s naming the problem, a token without roles a 403 naming the role, and none writes anything', async () => {
    const seller = await idp.sign({ sub: sellerSub, [ROLES_CLAIM]: ['seller'] });
    const { auctionId } = await create(seller);
    const claims = { sub: bidderSub, [ROLES_CLAIM]: ['bidder'] };
    const refusals: readonly [string, Promise<string>, RegExp][] = [
      ['another audience', idp.sign(claims, { audience: 'https://another-app.example' }), /claim aud does not name this service/],
      ['another issuer', idp.sign(claims, { issuer: 'https://evil.example/' }), /claim iss is not the configured issuer/],
      ['expired', idp.sign(claims, { expiresIn: -30 }), /^the token has expired$/],
      ['an unknown kid', idp.sign(claims, { headerKid: 'retired-key' }), /signing key \(kid\) is not in the identity provider's key set/],
    ];
    for (const [what, pending, problem] of refusals) {
      const r = await bid(auctionId, await pending, 2000);
      assert.equal(r.status, 401, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'UNAUTHENTICATED');
      assert.match(r.body.error.message, problem, what);
      assert.ok(!JSON.stringify(r.body).includes(bidderSub), what);
    }
    const noRoles = await bid(auctionId, await idp.sign({ sub: bidderSub }), 2000);
    assert.deepEqual([noRoles.status, noRoles.body.error.code, noRoles.body.error.message], [403, 'FORBIDDEN', 'requires the role bidder']);
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 1);
    // the HS256 tokens the service issues keep working
    assert.equal((await bid(auctionId, await sys.token(`hs-${tag}`, 'bidder'), 2000)).status, 201);
  });
};

describe('identity provider tokens over HTTP: embedded', () => identityProviderSuite(() => embedded));

describe('identity provider tokens over HTTP: PostgreSQL', function () {
  let backend: Backend;
  before(function () {
    const redisUrl = process.env.REDIS_URL;
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', 'identity provider tokens on PostgreSQL'), ...(redisUrl !== undefined && redisUrl !== '' ? { redisUrl } : {}) };
  });
  identityProviderSuite(() => backend);
});

describe('start: an identity provider configured by half', () => {
  const startScript = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'start.js');
  it('stops the process at start with exit code 1, naming the missing variable', async () => {
    const out = await new Promise<{ code: number; stderr: string; stdout: string }>((resolve) => {
      const env = childEnv({ PORT: '0', REALTIME_PORT: '0', DATA_DIR: 'memory', LOG_LEVEL: 'info', AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json', AUTH_ISSUER: 'https://idp.example/', AUTH_AUDIENCE: undefined });
      execFile(process.execPath, [startScript], { env, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr, stdout });
      });
    });
    assert.equal(out.code, 1);
    assert.match(out.stderr, /^gavelstream: invalid configuration: AUTH_AUDIENCE is required with AUTH_JWKS_URL/);
    assert.equal(out.stdout, '', 'nothing started');
  });
});
