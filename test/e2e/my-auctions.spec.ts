// A signed-in user's own lists over real HTTP: the watchlist (PUT/DELETE/GET /v1/me/watchlist),
// the auctions it bid on (GET /v1/me/bids) and what it won (GET /v1/me/won). Embedded mode always;
// PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { WATCHLIST_LIMIT } from '../../commands/index.js';
import type { AuctionList } from '../../read-api/index.js';
import { AuctionListCodec } from '../../read-api/index.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embeddedAndServices, eventually, startTestSystem } from '../support/system.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

const myAuctionsSuite = (backend: () => Backend) => {
  let sys: TestSystem;
  const tokens: Record<string, string> = {};
  // Users of their own per run: the lists are per user, and a database may be shared.
  const run = randomUUID().slice(0, 8);
  const user = (name: string) => `${name}-${run}`;

  before(async () => {
    sys = await startTestSystem(backend());
    tokens.seller = await sys.token(user('seller'), 'seller');
    for (const name of ['alice', 'bob', 'watcher', 'hoarder']) tokens[name] = await sys.token(user(name), 'bidder');
  });
  after(async () => sys?.stop());

  const call = (method: string, path: string, who: string | undefined, body?: unknown) =>
    sys.call(method, path, { ...(who !== undefined ? { token: tokens[who]! } : {}), ...(body !== undefined ? { body } : {}) });
  const create = async (body: Record<string, unknown> = {}) => {
    const r = await call('POST', '/v1/auctions', 'seller', { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600), ...body });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { auctionId: string; version: number };
  };
  const bid = async (auctionId: string, who: string, maxAmount: number) => {
    const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: tokens[who]!, body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { version: number };
  };
  /** A page of one's own list, checked against the read API's codec. */
  const list = async (path: string, who: string): Promise<AuctionList> => {
    const r = await call('GET', path, who);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const decoded = AuctionListCodec.decode(r.body);
    if (isLeft(decoded)) assert.fail(PathReporter.report(decoded).join('; '));
    return decoded.right;
  };
  /** The list once the read model shows `expected` auctions (projection is asynchronous). */
  const listOf = (path: string, who: string, expected: number) =>
    eventually(async () => {
      const page = await list(path, who);
      return page.items.length === expected ? page : undefined;
    }, `${expected} auctions in ${path}`);

  it('watches an auction once (201, then 200 with the same time), lists it with the caller\'s fields, and forgets it (204, twice)', async () => {
    const { auctionId } = await create({ buyNowPrice: 50_000 });
    const first = await call('PUT', `/v1/me/watchlist/${auctionId}`, 'watcher');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.watching, true);
    const again = await call('PUT', `/v1/me/watchlist/${auctionId}`, 'watcher');
    assert.equal(again.status, 200);
    assert.equal(again.body.addedAt, first.body.addedAt);

    const page = await listOf('/v1/me/watchlist', 'watcher', 1);
    assert.equal(page.items[0]!.auctionId, auctionId);
    assert.equal(page.items[0]!.buyNowPrice, 50_000);
    assert.ok(page.items[0]!.yourPseudonym !== undefined, 'the caller\'s own fields');
    assert.deepEqual((await list('/v1/me/watchlist', 'alice')).items, [], 'another user\'s list is its own');

    assert.equal((await call('DELETE', `/v1/me/watchlist/${auctionId}`, 'watcher')).status, 204);
    assert.equal((await call('DELETE', `/v1/me/watchlist/${auctionId}`, 'watcher')).status, 204);
    assert.deepEqual((await list('/v1/me/watchlist', 'watcher')).items, []);
  });

  it('refuses what it cannot watch: 401 anonymous, 400 a bad id or a body, 404 AUCTION_NOT_FOUND, 409 WATCHLIST_FULL', async () => {
    const { auctionId } = await create();
    const refused = [
      [await call('PUT', `/v1/me/watchlist/${auctionId}`, undefined), 401, 'UNAUTHENTICATED'],
      [await call('GET', '/v1/me/watchlist', undefined), 401, 'UNAUTHENTICATED'],
      [await call('PUT', `/v1/me/watchlist/${'x'.repeat(300)}`, 'watcher'), 400, 'INVALID_REQUEST'],
      [await call('PUT', `/v1/me/watchlist/${auctionId}`, 'watcher', { note: 'mine' }), 400, 'INVALID_REQUEST'],
      [await call('PUT', `/v1/me/watchlist/${randomUUID()}`, 'watcher'), 404, 'AUCTION_NOT_FOUND'],
      [await call('GET', '/v1/me/watchlist?sort=oldest', 'watcher'), 400, 'INVALID_REQUEST'],
    ] as const;
    for (const [r, status, code] of refused) assert.deepEqual([r.status, r.body.error?.code], [status, code], JSON.stringify(r.body));

    // A full list: WATCHLIST_LIMIT entries written straight into the table.
    await sys.resources.sql.query(
      `INSERT INTO watchlist (user_id, auction_id, added_at) SELECT $1, 'filler-' || n, now() FROM generate_series(1, $2::integer) AS n`,
      [user('hoarder'), WATCHLIST_LIMIT],
    );
    const full = await call('PUT', `/v1/me/watchlist/${auctionId}`, 'hoarder');
    assert.equal(full.status, 409);
    assert.equal(full.body.error.code, 'WATCHLIST_FULL');
    assert.equal(full.body.error.details.limit, WATCHLIST_LIMIT);
    await sys.resources.sql.query(`DELETE FROM watchlist WHERE user_id = $1 AND auction_id = 'filler-1'`, [user('hoarder')]);
    assert.equal((await call('PUT', `/v1/me/watchlist/${auctionId}`, 'hoarder')).status, 201, 'room again after one is removed');
  });

  it('lists the auctions a bidder bid on, latest bid first, with its maximum and whether it leads, page by page', async () => {
    const first = await create();
    const second = await create();
    await bid(first.auctionId, 'alice', 2000);
    await bid(second.auctionId, 'alice', 3000);
    const last = await bid(second.auctionId, 'bob', 5000);
    await sys.call('GET', `/v1/auctions/${second.auctionId}?minVersion=${last.version}`);

    const page = await listOf('/v1/me/bids', 'alice', 2);
    assert.deepEqual(
      page.items.map((a) => [a.auctionId, a.yourMaxAmount, a.youLead]),
      [[second.auctionId, 3000, false], [first.auctionId, 2000, true]],
    );
    assert.equal(page.nextCursor, null);
    const one = await list('/v1/me/bids?limit=1', 'alice');
    assert.deepEqual(one.items.map((a) => a.auctionId), [second.auctionId]);
    assert.ok(one.nextCursor !== null);
    const next = await list(`/v1/me/bids?limit=1&cursor=${one.nextCursor}`, 'alice');
    assert.deepEqual(next.items.map((a) => a.auctionId), [first.auctionId]);
    const foreign = await call('GET', `/v1/me/won?cursor=${one.nextCursor}`, 'alice');
    assert.equal(foreign.status, 400, 'a cursor of another list');
  });

  it('lists what a bidder won, and only to that bidder', async () => {
    const { auctionId } = await create({ buyNowPrice: 8000 });
    const bought = await sys.call('POST', `/v1/auctions/${auctionId}/buy-now`, { token: tokens.bob!, body: {} });
    assert.equal(bought.status, 200, JSON.stringify(bought.body));
    const won = await eventually(async () => {
      const page = await list('/v1/me/won', 'bob');
      return page.items.some((a) => a.auctionId === auctionId) ? page : undefined;
    }, 'the bought auction in /v1/me/won');
    const item = won.items.find((a) => a.auctionId === auctionId)!;
    assert.deepEqual([item.status, item.currentPrice, item.leader], ['sold', 8000, item.yourPseudonym], 'sold to the caller, at the buy-now price');
    assert.ok(!(await list('/v1/me/won', 'alice')).items.some((a) => a.auctionId === auctionId));
  });
};

embeddedAndServices('my auctions over HTTP', myAuctionsSuite);
