// The command API over real HTTP, end to end: embedded mode always, and PostgreSQL + Redis when
// DATABASE_URL and REDIS_URL are set.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { streamIdOf } from '../../domain/index.js';
import { createAttemptsLog } from '../../commands/index.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, eventually, startTestSystem } from '../support/system.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

const commandApiSuite = (backend: () => Backend) => {
  let sys: TestSystem;
  let seller: string;
  let alice: string;
  let bob: string;
  let carol: string;
  let admin: string;

  before(async function () {
    sys = await startTestSystem(backend());
    seller = await sys.token('sam', 'seller', 'bidder');
    alice = await sys.token('alice', 'bidder');
    bob = await sys.token('bob', 'bidder');
    carol = await sys.token('carol', 'bidder');
    admin = await sys.token('root', 'admin');
  });
  after(async () => sys?.stop());

  const create = async (body: Record<string, unknown> = {}) => {
    const r = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600), ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { auctionId: string; version: number };
  };
  const bid = (auctionId: string, token: string, maxAmount: unknown, key: string = randomUUID()) =>
    sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': key } });

  it('creates an auction: 201 with its id and stream version', async () => {
    const created = await create();
    assert.equal(created.version, 1);
    const events = await sys.resources.log.readStream(streamIdOf(created.auctionId));
    assert.deepEqual(events.map((e) => e.type), ['AuctionCreated']);
    assert.equal(events[0]!.metadata.userId, 'sam');
  });

  it('runs a proxy-bidding sequence with the right outcomes', async () => {
    const { auctionId } = await create();
    const a = await bid(auctionId, alice, 2000);
    assert.equal(a.status, 201);
    assert.deepEqual({ ...a.body, bidId: undefined, bidderPseudonym: undefined }, { bidId: undefined, bidderPseudonym: undefined, leading: true, currentPrice: 1000, endsAt: a.body.endsAt, version: 2 });
    assert.match(a.body.bidderPseudonym, /^bidder-[0-9a-f]{10}$/);

    const b = await bid(auctionId, bob, 1500);
    assert.equal(b.status, 201);
    assert.equal(b.body.leading, false);
    assert.equal(b.body.currentPrice, 1550);
    assert.notEqual(b.body.bidderPseudonym, a.body.bidderPseudonym);

    const c = await bid(auctionId, carol, 3000);
    assert.deepEqual([c.body.leading, c.body.currentPrice, c.body.version], [true, 2050, 4]);

    const low = await bid(auctionId, alice, 2099);
    assert.equal(low.status, 409);
    assert.deepEqual(low.body.error, { code: 'BID_TOO_LOW', message: 'the least acceptable maximum is 2100', details: { minimumAmount: 2100 } });

    const own = await bid(auctionId, seller, 5000);
    assert.equal(own.status, 409);
    assert.equal(own.body.error.code, 'SELLER_CANNOT_BID');

    const again = await bid(auctionId, alice, 2100);
    assert.deepEqual([again.status, again.body.leading, again.body.currentPrice, again.body.version], [201, false, 2150, 5]);
  });

  it('replays a retried bid with the same Idempotency-Key, and refuses the key with another body', async () => {
    const { auctionId } = await create();
    const key = randomUUID();
    const first = await bid(auctionId, alice, 2000, key);
    const retry = await bid(auctionId, alice, 2000, key);
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    const reused = await bid(auctionId, alice, 2500, key);
    assert.equal(reused.status, 409);
    assert.equal(reused.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
    // the same key is another user's own key
    const bobs = await bid(auctionId, bob, 1500, key);
    assert.equal(bobs.status, 201);
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 3);
  });

  it('a bid needs an Idempotency-Key', async () => {
    const { auctionId } = await create();
    const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: alice, body: { maxAmount: 2000 } });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error.details.fields, [{ path: 'headers.Idempotency-Key', message: 'is required' }]);
  });

  it('bad input gets a 400 naming the fields, and writes nothing', async () => {
    const { auctionId } = await create();
    for (const body of [{ maxAmount: 10.5 }, { maxAmount: '2000' }, { maxAmount: -1 }, { maxamount: 2000 }, {}]) {
      const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: alice, body, headers: { 'Idempotency-Key': randomUUID() } });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'INVALID_REQUEST');
      assert.ok(r.body.error.details.fields.length > 0);
    }
    const misspelt = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: alice, body: { maxamount: 2000 }, headers: { 'Idempotency-Key': randomUUID() } });
    assert.deepEqual(misspelt.body.error.details.fields.map((f: { path: string }) => f.path), ['body.maxamount']);
    const malformed = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: alice, body: '{"maxAmount": ', headers: { 'Idempotency-Key': randomUUID() } });
    assert.equal(malformed.status, 400);
    const badCreate = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: '', currency: 'XXX', startingPrice: 0, endsAt: 'tomorrow', reservePrice: 5 } });
    assert.equal(badCreate.status, 400);
    assert.deepEqual(badCreate.body.error.details.fields.map((f: { path: string }) => f.path).sort(), ['body.currency', 'body.endsAt', 'body.startingPrice', 'body.title']);
    const rules = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'x', currency: 'USD', startingPrice: 1000, reservePrice: 500, endsAt: inSeconds(60) } });
    assert.equal(rules.status, 400);
    assert.deepEqual(rules.body.error.details.fields, [{ path: 'body.reservePrice', message: 'must be at least the starting price' }]);
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 1);
  });

  it('401 without a token, 403 without the role, 404 for an unknown auction', async () => {
    assert.equal((await sys.call('POST', '/v1/auctions', { body: {} })).status, 401);
    assert.equal((await sys.call('POST', '/v1/auctions', { token: alice, body: {} })).status, 403);
    const missing = await bid('no-such-auction', alice, 2000);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'AUCTION_NOT_FOUND');
  });

  it('buy-now ends the auction at once, idempotently for the buyer', async () => {
    const { auctionId } = await create({ buyNowPrice: 9000 });
    const bought = await sys.call('POST', `/v1/auctions/${auctionId}/buy-now`, { token: alice });
    assert.equal(bought.status, 200, JSON.stringify(bought.body));
    assert.deepEqual([bought.body.status, bought.body.price, bought.body.version], ['sold', 9000, 2]);
    const again = await sys.call('POST', `/v1/auctions/${auctionId}/buy-now`, { token: alice });
    assert.deepEqual([again.status, again.body.version], [200, 2]);
    const other = await sys.call('POST', `/v1/auctions/${auctionId}/buy-now`, { token: bob });
    assert.deepEqual([other.status, other.body.error.code], [409, 'AUCTION_NOT_OPEN']);
    assert.equal((await bid(auctionId, bob, 20_000)).body.error.code, 'AUCTION_NOT_OPEN');
  });

  it('cancel: the seller before bids, an admin after; others are refused', async () => {
    const first = await create();
    const other = await sys.call('POST', `/v1/auctions/${first.auctionId}/cancel`, { token: await sys.token('sue', 'seller'), body: {} });
    assert.deepEqual([other.status, other.body.error.code], [403, 'FORBIDDEN']);
    const ok = await sys.call('POST', `/v1/auctions/${first.auctionId}/cancel`, { token: seller, body: { reason: 'listed by mistake' } });
    assert.deepEqual(ok.body, { auctionId: first.auctionId, status: 'cancelled', version: 2 });

    const second = await create();
    await bid(second.auctionId, alice, 2000);
    const late = await sys.call('POST', `/v1/auctions/${second.auctionId}/cancel`, { token: seller, body: {} });
    assert.deepEqual([late.status, late.body.error.code], [409, 'CANCEL_NOT_ALLOWED']);
    const byAdmin = await sys.call('POST', `/v1/auctions/${second.auctionId}/cancel`, { token: admin, body: {} });
    assert.deepEqual([byAdmin.status, byAdmin.body.version], [200, 3]);
  });

  it('cancelling a cancelled auction: a no-op for its seller and an admin, 403 for another seller', async () => {
    const { auctionId } = await create();
    assert.equal((await sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token: seller, body: {} })).status, 200);
    const other = await sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token: await sys.token('sue', 'seller'), body: {} });
    assert.deepEqual([other.status, other.body.error?.code], [403, 'FORBIDDEN']);
    const again = await sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token: seller, body: {} });
    assert.deepEqual([again.status, again.body.version], [200, 2]);
    assert.deepEqual([(await sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token: admin, body: {} })).status], [200]);
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 2);
  });

  it('the scheduler closes an auction at its end time, after which bids are refused', async () => {
    const { auctionId } = await create({ endsAt: inSeconds(1.5) });
    assert.equal((await bid(auctionId, alice, 2000)).status, 201);
    const closed = await eventually(async () => {
      const events = await sys.resources.log.readStream(streamIdOf(auctionId));
      return events.find((e) => e.type === 'AuctionClosed');
    }, 'AuctionClosed');
    assert.equal(closed.data.result, 'sold');
    assert.equal(closed.data.winnerId, 'alice');
    const after = await bid(auctionId, bob, 5000);
    assert.deepEqual([after.status, after.body.error.code], [409, 'AUCTION_NOT_OPEN']);
  });

  it('records refused bids, with reason and server time, for auditors', async () => {
    const { auctionId } = await create();
    await bid(auctionId, alice, 500);
    await bid(auctionId, sellerId(), 5000);
    const attempts = createAttemptsLog(sys.resources.sql);
    const rows = await eventually(async () => {
      const found = await attempts.listForAuction(auctionId);
      return found.length >= 2 ? found : undefined;
    }, 'two refused bids');
    assert.deepEqual(rows.map((r) => [r.bidderId, r.maxAmount, r.code]), [['alice', 500, 'BID_TOO_LOW'], ['sam', 5000, 'SELLER_CANNOT_BID']]);
    assert.ok(!Number.isNaN(Date.parse(rows[0]!.serverTime)));
  });

  it('concurrent bids on one hot auction: no lost update, a contiguous stream', async () => {
    const { auctionId } = await create();
    const tokens = await Promise.all(Array.from({ length: 12 }, (_, i) => sys.token(`racer${i}`, 'bidder')));
    const results = await Promise.all(tokens.map((t, i) => bid(auctionId, t, 2000 + i * 137)));
    const accepted = results.filter((r) => r.status === 201);
    assert.ok(results.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'BID_TOO_LOW')), JSON.stringify(results.map((r) => r.body)));
    const events = await sys.resources.log.readStream(streamIdOf(auctionId));
    assert.equal(events.length, 1 + accepted.length);
    assert.deepEqual(events.map((e) => e.streamVersion), events.map((_, i) => i + 1));
    assert.deepEqual(accepted.map((r) => r.body.version).sort((x: number, y: number) => x - y), events.slice(1).map((e) => e.streamVersion));
  });

  const sellerId = () => seller;
};

describe('command API over HTTP: embedded', () => commandApiSuite(() => embedded));

describe('command API over HTTP: PostgreSQL and Redis', function () {
  let backend: Backend;
  before(function () {
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', 'command API on PostgreSQL and Redis'), redisUrl: serviceUrl(this, 'REDIS_URL', 'command API on PostgreSQL and Redis') };
  });
  commandApiSuite(() => backend);

  it('the scheduler closes an auction queued before Redis lost its data (it follows the log again once its checkpoint is gone)', async () => {
    const namespace = `gs:test:${randomUUID()}`;
    const sys = await startTestSystem(backend, { schedulerNamespace: namespace });
    try {
      const redis = sys.resources.redis!;
      const seller = await sys.token('sam', 'seller');
      const created = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(8) } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const auctionId = created.body.auctionId as string;
      // Queued, and the feed's checkpoint saved past it; then everything the scheduler keeps in Redis is lost.
      await eventually(async () => ((await redis.zscore(`{${namespace}}:due`, auctionId)) !== null ? true : undefined), 'the auction queued');
      await eventually(async () => ((await redis.exists(`${namespace}:feed-checkpoint`)) === 1 ? true : undefined), 'the feed\'s checkpoint');
      const keys = await redis.keys(`*${namespace}*`);
      await redis.del(...keys);
      const closed = await eventually(async () => {
        const events = await sys.resources.log.readStream(streamIdOf(auctionId));
        return events.find((e) => e.type === 'AuctionClosed');
      }, 'AuctionClosed', 30_000);
      assert.equal(closed.data.result, 'unsold');
    } finally {
      await sys.stop();
    }
  });
});
