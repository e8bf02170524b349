// Sealed-bid auctions over real HTTP, end to end through the projectors: create (no buy-now, no soft
// close), bids, a raise, a refused lower raise, a refused retraction; while open the public view,
// the public and auditors' histories and the caller's own views show no amount, leader or ranking
// (only the bid count, and each bidder its own bid); the scheduler's close reveals them.
// Embedded mode always; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set; and with Kafka too when KAFKA_BROKERS is.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createAttemptsLog } from '../../commands/index.js';
import { streamIdOf } from '../../domain/index.js';
import type { Backend, TestSystem } from '../support/system.js';
import { startTestSystem } from '../support/system.js';
import { onEverySystem, type VariantOptions } from '../support/every-system.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

const eventually = async <T>(probe: () => Promise<T | undefined>, what: string, limitMs = 30_000): Promise<T> => {
  const until = Date.now() + limitMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) assert.fail(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const AMOUNTS = [7_345_001, 7_345_002, 7_345_003, 7_345_004];

onEverySystem('sealed-bid auctions over HTTP', (backend: () => Backend, variant: () => VariantOptions) => {
  let sys: TestSystem;
  const tokens: Record<string, string> = {};
  const seller = `seller-${randomUUID().slice(0, 8)}`;

  before(async () => {
    sys = await startTestSystem(backend(), variant());
    tokens.seller = await sys.token(seller, 'seller');
    for (const user of ['alice', 'bob', 'carol']) tokens[user] = await sys.token(user, 'bidder');
    tokens.auditor = await sys.token('audrey', 'auditor');
  });
  after(async () => sys?.stop());

  const create = (body: Record<string, unknown>) =>
    sys.call('POST', '/v1/auctions', { token: tokens.seller, body: { title: 'Sealed lot', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600), ...body } });
  const bid = (auctionId: string, user: string, maxAmount: number) =>
    sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: tokens[user], body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
  const get = (path: string, user?: string) => sys.call('GET', path, { token: user === undefined ? undefined : tokens[user] });

  it('refuses a sealed listing with buy-now or soft close, naming the field', async () => {
    const buyNow = await create({ format: 'sealed-first-price', buyNowPrice: 5000 });
    assert.deepEqual([buyNow.status, buyNow.body.error.code], [400, 'INVALID_REQUEST']);
    assert.ok(buyNow.body.error.details.fields.some((f: { path: string }) => f.path === 'body.buyNowPrice'), JSON.stringify(buyNow.body));
    const soft = await create({ format: 'sealed-second-price', softClose: { windowSeconds: 60, extensionSeconds: 60 } });
    assert.deepEqual([soft.status, soft.body.error.code], [400, 'INVALID_REQUEST']);
    assert.ok(soft.body.error.details.fields.some((f: { path: string }) => f.path === 'body.softClose'), JSON.stringify(soft.body));
  });

  it('takes sealed bids and raises, shows nothing of them while open, and reveals them at the close', async () => {
    const created = await create({ format: 'sealed-second-price', endsAt: inSeconds(6) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { auctionId } = created.body as { auctionId: string };

    const a1 = await bid(auctionId, 'alice', AMOUNTS[0]!);
    assert.equal(a1.status, 201, JSON.stringify(a1.body));
    assert.deepEqual(Object.keys(a1.body).sort(), ['bidId', 'bidderPseudonym', 'currentPrice', 'endsAt', 'leading', 'version']);
    assert.deepEqual([a1.body.leading, a1.body.currentPrice, a1.body.version], [null, null, 2]);
    const b1 = await bid(auctionId, 'bob', AMOUNTS[2]!);
    assert.deepEqual([b1.status, b1.body.leading, b1.body.currentPrice], [201, null, null]);
    const raise = await bid(auctionId, 'alice', AMOUNTS[1]!);
    assert.deepEqual([raise.status, raise.body.version], [201, 4]);
    const lower = await bid(auctionId, 'alice', AMOUNTS[0]!);
    assert.deepEqual([lower.status, lower.body.error.code, lower.body.error.details?.minimumAmount], [409, 'BID_TOO_LOW', AMOUNTS[1]! + 1]);
    const below = await bid(auctionId, 'carol', 999);
    assert.deepEqual([below.status, below.body.error.code], [409, 'BID_TOO_LOW']);
    const retraction = await sys.call('POST', `/v1/auctions/${auctionId}/retractions`, {
      token: tokens.alice, body: { reason: 'entered-wrong-amount' }, headers: { 'Idempotency-Key': randomUUID() },
    });
    assert.deepEqual([retraction.status, retraction.body.error?.code], [409, 'RETRACTION_NOT_ALLOWED']);

    // The refused attempts (alice's lower raise names her own bid) are stored, but hidden from auditors until the close.
    const stored = createAttemptsLog(sys.resources.sql);
    await eventually(async () => ((await stored.listForAuction(auctionId)).length >= 3 ? true : undefined), 'the refused commands stored');

    // While open: only the count; the caller's own bid to itself alone.
    const view = await get(`/v1/auctions/${auctionId}?minVersion=4`);
    assert.equal(view.status, 200, JSON.stringify(view.body));
    assert.deepEqual([view.body.format, view.body.status, view.body.bidCount, view.body.currentPrice, view.body.leader, view.body.minimumBid], ['sealed-second-price', 'open', 3, 1000, null, 1000]);
    const open = [
      view.body,
      (await get(`/v1/auctions/${auctionId}/bids`)).body,
      (await get(`/v1/auctions/${auctionId}/bids`, 'carol')).body,
      (await get(`/v1/auctions/${auctionId}`, 'carol')).body,
      (await get(`/v1/audit/auctions/${auctionId}/bids`, 'auditor')).body,
      (await get(`/v1/audit/auctions/${auctionId}/attempts`, 'auditor')).body,
      (await get('/v1/auctions?status=open&sort=ending-soon')).body,
    ];
    const text = JSON.stringify(open);
    for (const amount of AMOUNTS) assert.ok(!text.includes(String(amount)), `amount ${amount} leaked: ${text}`);
    for (const who of ['alice', 'bob', a1.body.bidderPseudonym, b1.body.bidderPseudonym]) assert.ok(!text.includes(who), `${who} leaked: ${text}`);
    assert.deepEqual((await get(`/v1/auctions/${auctionId}/bids`)).body.items, []);
    assert.deepEqual((await get(`/v1/audit/auctions/${auctionId}/bids`, 'auditor')).body.items, []);

    const mine = (await get(`/v1/auctions/${auctionId}`, 'alice')).body;
    assert.deepEqual([mine.yourMaxAmount, mine.yourBidCount, 'youLead' in mine, mine.leader], [AMOUNTS[1], 2, false, null]);
    const myBids = (await get('/v1/me/bids', 'alice')).body.items.find((i: { auctionId: string }) => i.auctionId === auctionId);
    assert.deepEqual([myBids?.yourMaxAmount, 'youLead' in (myBids ?? {})], [AMOUNTS[1], false]);
    assert.ok(!JSON.stringify(myBids).includes(String(AMOUNTS[2])), 'alice sees nothing of bob\'s bid');

    // The close (the scheduler, at the end time): bob wins and pays alice's bid (second price).
    const closed = await eventually(async () => (await sys.resources.log.readStream(streamIdOf(auctionId))).find((e) => e.type === 'AuctionClosed'), 'AuctionClosed');
    const data = closed.data as { winnerId: string; finalPrice: number; ranking: { bidderId: string; amount: number }[] };
    assert.deepEqual([data.winnerId, data.finalPrice], ['bob', AMOUNTS[1]]);
    assert.deepEqual(data.ranking.map((r) => [r.bidderId, r.amount]), [['bob', AMOUNTS[2]], ['alice', AMOUNTS[1]]]);

    const sold = await get(`/v1/auctions/${auctionId}?minVersion=${closed.streamVersion}`);
    assert.deepEqual([sold.body.status, sold.body.currentPrice, sold.body.leader], ['sold', AMOUNTS[1], b1.body.bidderPseudonym]);
    const history = (await get(`/v1/auctions/${auctionId}/bids?order=oldest`)).body.items as { bidder: string; price: number; sealed?: boolean }[];
    assert.deepEqual(history.map((h) => [h.bidder, h.price, h.sealed]), [
      [a1.body.bidderPseudonym, AMOUNTS[0], true], [b1.body.bidderPseudonym, AMOUNTS[2], true], [a1.body.bidderPseudonym, AMOUNTS[1], true],
    ]);
    const audit = (await get(`/v1/audit/auctions/${auctionId}/bids`, 'auditor')).body.items as { bidderId: string; maxAmount: number; outcome: string }[];
    assert.deepEqual(audit.map((r) => [r.bidderId, r.maxAmount, r.outcome]), [['alice', AMOUNTS[0], 'sealed'], ['bob', AMOUNTS[2], 'sealed'], ['alice', AMOUNTS[1], 'sealed']]);
    const attempts = (await get(`/v1/audit/auctions/${auctionId}/attempts`, 'auditor')).body.items as { bidderId: string; maxAmount: number; code: string }[];
    assert.deepEqual(attempts.map((r) => [r.bidderId, r.maxAmount, r.code]), [
      ['alice', AMOUNTS[0], 'BID_TOO_LOW'], ['carol', 999, 'BID_TOO_LOW'], ['alice', 0, 'RETRACTION_NOT_ALLOWED'],
    ]);
    const won = (await get(`/v1/auctions/${auctionId}`, 'bob')).body;
    assert.deepEqual([won.youLead, won.yourMaxAmount], [true, AMOUNTS[2]]);
  });
});
