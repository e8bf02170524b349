// Personal notifications end to end: sockets sign in with an auth frame, bids and ends go through
// HTTP, the notifier sends, and each user's sockets (on any realtime node) get that user's
// notifications and nobody else's. Embedded always; on Redis with two realtime nodes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { NotificationFrame } from '../../contracts/index.js';
import { createLogger, loadConfig, mintToken } from '../../infra/index.js';
import { startSystem } from '../../scripts/compose/system.js';
import type { RunningSystem } from '../../scripts/compose/system.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, startTestSystem } from '../support/system.js';
import type { Frame, TestClient } from '../support/ws-client.js';
import { connect } from '../support/ws-client.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const LEAD_SECONDS = 3600;
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

const notificationsSuite = (backend: () => Backend, twoNodes: boolean) => {
  let sys: TestSystem;
  let second: RunningSystem | undefined;
  const clients: TestClient[] = [];
  const run = randomUUID().slice(0, 8);
  const user = (name: string) => `${name}-${run}`;

  before(async () => {
    sys = await startTestSystem(backend(), { env: { NOTIFY_ENDING_SOON_SECONDS: String(LEAD_SECONDS) } });
    if (twoNodes) {
      second = await startSystem(loadConfig({
        ROLES: 'realtime', REALTIME_PORT: '0', DATA_DIR: 'memory', LOG_LEVEL: 'silent', AUTH_JWT_SECRET: SECRET, REDIS_URL: backend().redisUrl!,
        ...(sys.config.databaseUrl !== undefined ? { DATABASE_URL: sys.config.databaseUrl } : {}),
      }), createLogger('silent'));
    }
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await second?.stop();
    await sys?.stop();
  });

  const nodeUrl = (n: 0 | 1) => (n === 1 && second !== undefined ? second.realtimeUrl! : sys.realtimeUrl!);
  /** A socket on node `n`, signed in as `name` (waits for `authenticated`). */
  const signedIn = async (name: string, n: 0 | 1 = 0): Promise<TestClient> => {
    const c = await connect(nodeUrl(n));
    clients.push(c);
    c.send({ type: 'auth', token: await sys.token(user(name), 'bidder') });
    const answer = await c.waitFor((f) => f.type === 'authenticated' || f.type === 'error', 'the auth answer');
    assert.equal(answer.type, 'authenticated', JSON.stringify(answer));
    assert.equal(answer.userId, user(name));
    return c;
  };
  const call = async (method: string, path: string, who: string, body: unknown, roles: ('bidder' | 'seller' | 'admin')[] = ['bidder']) => {
    const r = await sys.call(method, path, { token: await sys.token(user(who), ...roles), body, headers: { 'Idempotency-Key': randomUUID() } });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown>;
  };
  const create = async (endsInSeconds = 7200, extra: Record<string, unknown> = {}) =>
    (await call('POST', '/v1/auctions', 'sam', { title: `Leica M3 ${run}`, currency: 'USD', startingPrice: 1000, endsAt: inSeconds(endsInSeconds), ...extra }, ['seller'])).auctionId as string;
  const bid = (auctionId: string, who: string, maxAmount: number) => call('POST', `/v1/auctions/${auctionId}/bids`, who, { maxAmount });
  const cancel = (auctionId: string) => call('POST', `/v1/auctions/${auctionId}/cancel`, 'root', {}, ['admin']);
  const notifications = (c: TestClient): Frame[] => c.frames.filter((f) => f.type === 'notification');
  const notified = (c: TestClient, kind: string, auctionId: string) =>
    c.waitFor((f) => f.type === 'notification' && f.kind === kind && f.auctionId === auctionId, `${kind} of ${auctionId}`);
  /** A barrier: a cancelled auction the user watches; once its notice arrived, every earlier notice to that user has too. */
  const barrier = async (clientsOf: Record<string, TestClient[]>) => {
    const auctionId = await create();
    for (const name of Object.keys(clientsOf)) await call('PUT', `/v1/me/watchlist/${auctionId}`, name, undefined);
    await cancel(auctionId);
    for (const list of Object.values(clientsOf)) for (const c of list) await notified(c, 'auction-cancelled', auctionId);
    return auctionId;
  };

  it('signs a socket in with an auth frame, and refuses a bad or expired token with UNAUTHENTICATED', async () => {
    const c = await signedIn('ann');
    const answer = c.frames.find((f) => f.type === 'authenticated')!;
    assert.ok(Date.parse(answer.expiresAt as string) > Date.now());
    for (const token of ['not-a-token', await mintToken({ secret: SECRET, sub: user('ann'), roles: ['bidder'], expiresIn: -60 })]) {
      const from = c.frames.length;
      c.send({ type: 'auth', token });
      const refused = await c.waitFor((f) => f.type === 'error', 'a refusal', from);
      assert.equal(refused.code, 'UNAUTHENTICATED', JSON.stringify(refused));
      assert.ok(!JSON.stringify(refused).includes(token), 'the token is not echoed');
    }
    const from = c.frames.length;
    c.send({ type: 'auth', token: '' });
    assert.equal((await c.waitFor((f) => f.type === 'error', 'a refusal', from)).code, 'INVALID_FRAME');
  });

  it('tells the leader the moment it is outbid, on every socket of that user, and nobody else', async () => {
    const alice = [await signedIn('alice', 0), await signedIn('alice', 1)];
    const bob = [await signedIn('bob', twoNodes ? 1 : 0)];
    const carol = [await signedIn('carol', 0)];
    const auctionId = await create();
    await bid(auctionId, 'alice', 2000);
    await bid(auctionId, 'bob', 5000);
    for (const c of alice) {
      const frame = await notified(c, 'outbid', auctionId);
      assert.ok(NotificationFrame.is(frame), JSON.stringify(frame));
      assert.equal(frame.currentPrice, 2050);
      assert.ok(!JSON.stringify(frame).includes('5000'), 'no maximum');
    }
    const end = await barrier({ alice, bob, carol });
    for (const c of [...bob, ...carol]) {
      assert.deepEqual(notifications(c).map((f) => `${f.kind as string}:${f.auctionId as string}`), [`auction-cancelled:${end}`], 'only its own notices');
    }
  });

  it('a sale tells the buyer won and the other bidders lost; a cancellation tells the bidders and the watchers', async () => {
    const dora = await signedIn('dora');
    const eve = await signedIn('eve');
    const walt = await signedIn('walt');
    const auctionId = await create();
    await call('PUT', `/v1/me/watchlist/${auctionId}`, 'walt', undefined);
    await bid(auctionId, 'dora', 2000);
    await bid(auctionId, 'eve', 3000);
    await cancel(auctionId);
    await notified(dora, 'auction-cancelled', auctionId);
    await notified(eve, 'auction-cancelled', auctionId);
    await notified(walt, 'auction-cancelled', auctionId);

    // A reserve keeps buy-now offered after a bid.
    const sold = await create(7200, { reservePrice: 50_000, buyNowPrice: 60_000 });
    await bid(sold, 'dora', 2000);
    await call('POST', `/v1/auctions/${sold}/buy-now`, 'eve', {});
    assert.equal((await notified(eve, 'won', sold)).currentPrice, 60_000);
    await notified(dora, 'lost', sold);
  });

  it('tells bidders and watchers that an auction ends soon, NOTIFY_ENDING_SOON_SECONDS before its end', async () => {
    const fay = await signedIn('fay');
    const gus = await signedIn('gus');
    const auctionId = await create(LEAD_SECONDS + 4);
    await bid(auctionId, 'fay', 2000);
    await call('PUT', `/v1/me/watchlist/${auctionId}`, 'gus', undefined);
    const [forFay, forGus] = await Promise.all([notified(fay, 'ending-soon', auctionId), notified(gus, 'ending-soon', auctionId)]);
    assert.equal(forFay.endsAt, forGus.endsAt);
  });

  it('stops a socket\'s notifications when its token expires (TOKEN_EXPIRED), until it signs in again', async () => {
    const c = await connect(nodeUrl(0));
    clients.push(c);
    c.send({ type: 'auth', token: await mintToken({ secret: SECRET, sub: user('hal'), roles: ['bidder'], expiresIn: 2 }) });
    await c.waitFor((f) => f.type === 'authenticated', 'authenticated');
    const expired = await c.waitFor((f) => f.type === 'error' && f.code === 'TOKEN_EXPIRED', 'TOKEN_EXPIRED');
    assert.match(expired.message as string, /send an auth frame/);
  });
};

describe('notifications over WebSockets: embedded', () => notificationsSuite(() => embedded, false));

describe('notifications over WebSockets: Redis, two realtime nodes', function () {
  let backend: Backend;
  before(function () {
    backend = { name: 'redis', redisUrl: serviceUrl(this, 'REDIS_URL', 'notifications on Redis'), databaseUrl: process.env.DATABASE_URL || undefined };
  });
  notificationsSuite(() => backend, true);
});
