// Bid retraction and approved bidders over real HTTP, end to end (write side, read models, the
// live cache's WebSocket frames, the audit trail and the attempts log): embedded mode always, and
// PostgreSQL + Redis when DATABASE_URL and REDIS_URL are set. The server's clock is the test's
// (an offset it moves), so the 12-hour and 1-hour rules are reached without waiting.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { streamIdOf } from '../../domain/index.js';
import { createAttemptsLog } from '../../commands/index.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, eventually, startTestSystem } from '../support/system.js';
import { connect } from '../support/ws-client.js';

const HOUR_MS = 3_600_000;

const suite = (backend: () => Backend) => {
  let sys: TestSystem;
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const inHours = (h: number) => new Date(now() + h * HOUR_MS).toISOString();
  let seller: string;
  let otherSeller: string;
  let alice: string;
  let bob: string;
  let carol: string;
  let admin: string;
  let auditor: string;

  before(async function () {
    sys = await startTestSystem(backend(), { clock: () => new Date(now()) });
    seller = await sys.token('sam', 'seller');
    otherSeller = await sys.token('sue', 'seller');
    alice = await sys.token('alice', 'bidder');
    bob = await sys.token('bob', 'bidder');
    carol = await sys.token('carol', 'bidder');
    admin = await sys.token('root', 'admin');
    auditor = await sys.token('audrey', 'auditor');
  });
  after(async () => sys?.stop());
  afterEach(() => {
    offsetMs = 0;
  });

  const create = async (body: Record<string, unknown> = {}) => {
    const r = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inHours(48), ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.auctionId as string;
  };
  const bid = (auctionId: string, token: string, maxAmount: number, key: string = randomUUID()) =>
    sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': key } });
  const retract = (auctionId: string, token: string, body: Record<string, unknown> = { reason: 'entered-wrong-amount' }, key: string = randomUUID()) =>
    sys.call('POST', `/v1/auctions/${auctionId}/retractions`, { token, body, headers: { 'Idempotency-Key': key } });
  const placed = async (auctionId: string, token: string, maxAmount: number) => {
    const r = await bid(auctionId, token, maxAmount);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { bidId: string; version: number; bidderPseudonym: string };
  };

  it('retracts all of a bidder\'s bids while more than 12 hours remain; the read side shows the recomputed contest', async () => {
    const auctionId = await create({ reservePrice: 2500, buyNowPrice: 9000 });
    await placed(auctionId, alice, 2000);
    const b1 = await placed(auctionId, bob, 3000);
    const b2 = await placed(auctionId, bob, 4000);
    const key = randomUUID();
    const r = await retract(auctionId, bob, { reason: 'entered-wrong-amount' }, key);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.retractedBidIds, [b1.bidId, b2.bidId]);
    assert.deepEqual([r.body.currentPrice, r.body.bidCount, r.body.reserveMet, r.body.version], [1000, 1, false, 5]);
    assert.match(r.body.leader, /^bidder-[0-9a-f]{10}$/);

    // a retried retraction (same key) is answered from the log, not applied twice
    const retry = await retract(auctionId, bob, { reason: 'entered-wrong-amount' }, key);
    assert.deepEqual([retry.status, retry.headers.get('idempotent-replayed'), retry.body], [201, 'true', r.body]);
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 5);

    // the auction view: price, leader, reserve and buy-now back as the remaining bid leaves them
    const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=5`, { token: bob });
    assert.equal(view.status, 200, JSON.stringify(view.body));
    assert.deepEqual([view.body.currentPrice, view.body.bidCount, view.body.leader, view.body.reserveMet, view.body.buyNowPrice], [1000, 1, r.body.leader, false, 9000]);
    assert.equal(view.body.yourMaxAmount, undefined, 'no maximum of bob stands');

    // the public history: the retraction as an entry, the retracted bids marked
    const history = await sys.call('GET', `/v1/auctions/${auctionId}/bids?order=oldest`, { token: bob });
    assert.equal(history.status, 200);
    assert.deepEqual(history.body.items.map((i: { retracted?: boolean; retraction?: boolean }) => [i.retracted ?? false, i.retraction ?? false]), [[false, false], [true, false], [true, false], [false, true]]);
    const entry = history.body.items[3];
    assert.deepEqual([entry.bidder, entry.retractedBidIds, entry.price, entry.leader, entry.mine, entry.maxAmount], [b1.bidderPseudonym, [b1.bidId, b2.bidId], 1000, r.body.leader, true, undefined]);

    // the audit trail: the retraction's row with real ids, the highest maximum retracted, hashes
    const audit = await sys.call('GET', `/v1/audit/auctions/${auctionId}/bids`, { token: auditor });
    assert.equal(audit.status, 200);
    const row = audit.body.items[3];
    assert.deepEqual([row.outcome, row.bidderId, row.maxAmount, row.retractedBidIds, row.version], ['retracted', 'bob', 4000, `${b1.bidId} ${b2.bidId}`, 5]);
    assert.match(row.hash, /^[0-9a-f]{64}$/);
    const csv = await fetch(`${sys.url}/v1/audit/auctions/${auctionId}/bids?format=csv`, { headers: { authorization: `Bearer ${auditor}` } });
    const lines = (await csv.text()).trim().split('\r\n');
    assert.ok(lines[0]!.endsWith(',retractedBidIds') && lines[4]!.includes(',retracted,'), lines.join('\n'));

    // the seller's list of bidders, by pseudonym, with their retractions
    const bidders = await sys.call('GET', `/v1/auctions/${auctionId}/bidders?minVersion=5`, { token: seller });
    assert.equal(bidders.status, 200, JSON.stringify(bidders.body));
    assert.deepEqual(bidders.body.items.map((b: Record<string, unknown>) => [b.bidder, b.bidCount, b.leading, b.retractions]), [
      [r.body.leader, 1, true, 0],
      [b1.bidderPseudonym, 2, false, 1],
    ]);
    assert.ok(!JSON.stringify(bidders.body).includes('"bob"') && !JSON.stringify(bidders.body).includes('"alice"'), 'no real id');
    assert.equal((await sys.call('GET', `/v1/auctions/${auctionId}/bidders`, { token: otherSeller })).status, 403);
    assert.equal((await sys.call('GET', `/v1/auctions/${auctionId}/bidders`, { token: alice })).status, 403);
    assert.equal((await sys.call('GET', `/v1/auctions/${randomUUID()}/bidders`, { token: seller })).status, 404);
  });

  it('counts a bidder\'s retractions across auctions for sellers', async () => {
    const first = await create();
    await placed(first, carol, 2000);
    assert.equal((await retract(first, carol)).status, 201);
    const second = await create();
    await placed(second, carol, 2000);
    const r = await retract(second, carol);
    assert.equal(r.status, 201);
    await placed(second, carol, 2500);
    const list = await sys.call('GET', `/v1/auctions/${second}/bidders?minVersion=${r.body.version + 1}`, { token: seller });
    assert.deepEqual(list.body.items.map((b: Record<string, unknown>) => [b.retractions, b.totalRetractions]), [[1, 2]]);
  });

  it('sends the retraction to WebSocket subscribers as an auction.updated frame from the live cache', async () => {
    const auctionId = await create();
    await placed(auctionId, alice, 2000);
    await placed(auctionId, bob, 3000);
    const c = await connect(sys.realtimeUrl!);
    try {
      c.send({ type: 'subscribe', auctionId });
      await c.waitFor((f) => f.type === 'snapshot', 'the snapshot');
      const r = await retract(auctionId, bob);
      assert.equal(r.status, 201);
      const frame = await c.waitFor((f) => f.type === 'auction.updated' && f.version === r.body.version, 'the retraction\'s frame');
      assert.deepEqual([frame.currentPrice, frame.leader, frame.bidCount], [1000, r.body.leader, 1]);
    } finally {
      await c.close();
    }
  });

  it('inside the last 12 hours: only the most recent bid, within 1 hour of placing it (409 RETRACTION_NOT_ALLOWED names the rule)', async () => {
    const auctionId = await create({ endsAt: inHours(13) });
    const first = await placed(auctionId, alice, 2000);
    offsetMs = 1.5 * HOUR_MS; // 11.5 h left; alice's bid is 1.5 h old
    const late = await retract(auctionId, alice);
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'RETRACTION_NOT_ALLOWED');
    assert.match(late.body.error.message, /within 1 hour/);
    const raised = await placed(auctionId, alice, 3000);
    const notLatest = await retract(auctionId, alice, { reason: 'entered-wrong-amount', bidId: first.bidId });
    assert.deepEqual([notLatest.status, notLatest.body.error.code], [409, 'RETRACTION_NOT_ALLOWED']);
    assert.match(notLatest.body.error.message, /most recent/);
    const ok = await retract(auctionId, alice, { reason: 'entered-wrong-amount', bidId: raised.bidId });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.deepEqual([ok.body.retractedBidIds, ok.body.bidCount], [[raised.bidId], 1]);

    // refused retractions are in the attempts log, with their codes
    const attempts = createAttemptsLog(sys.resources.sql);
    const rows = await eventually(async () => {
      const found = await attempts.listForAuction(auctionId);
      return found.length >= 2 ? found : undefined;
    }, 'two refused retractions');
    assert.deepEqual(rows.map((a) => [a.bidderId, a.maxAmount, a.code]), [['alice', 0, 'RETRACTION_NOT_ALLOWED'], ['alice', 0, 'RETRACTION_NOT_ALLOWED']]);
    const audited = await sys.call('GET', `/v1/audit/auctions/${auctionId}/attempts`, { token: auditor });
    assert.equal(audited.body.items[0].code, 'RETRACTION_NOT_ALLOWED');
  });

  it('refuses retractions that no rule allows, each with its code', async () => {
    const auctionId = await create();
    await placed(auctionId, alice, 2000);
    const none = await retract(auctionId, bob);
    assert.deepEqual([none.status, none.body.error.code], [409, 'NO_BIDS_TO_RETRACT']);
    const unknownBid = await retract(auctionId, bob, { reason: 'seller-unreachable', bidId: 'no-such-bid' });
    assert.deepEqual([unknownBid.status, unknownBid.body.error.code], [409, 'NO_BIDS_TO_RETRACT']);
    await placed(auctionId, bob, 2500);
    const othersBid = await retract(auctionId, bob, { reason: 'description-changed', bidId: 'no-such-bid' });
    assert.deepEqual([othersBid.status, othersBid.body.error.code], [404, 'BID_NOT_FOUND']);
    const unknown = await retract(randomUUID(), bob);
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'AUCTION_NOT_FOUND']);
    const asSeller = await sys.call('POST', `/v1/auctions/${auctionId}/retractions`, { token: seller, body: { reason: 'entered-wrong-amount' }, headers: { 'Idempotency-Key': randomUUID() } });
    assert.equal(asSeller.status, 403, 'retracting takes the bidder role');
    const noKey = await sys.call('POST', `/v1/auctions/${auctionId}/retractions`, { token: bob, body: { reason: 'entered-wrong-amount' } });
    assert.equal(noKey.status, 400);
    const badReason = await retract(auctionId, bob, { reason: 'changed my mind' });
    assert.deepEqual([badReason.status, badReason.body.error.details.fields[0].path], [400, 'body.reason']);
    const extra = await retract(auctionId, bob, { reason: 'entered-wrong-amount', all: true });
    assert.equal(extra.status, 400);
    assert.equal((await sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token: admin, body: {} })).status, 200);
    const ended = await retract(auctionId, bob);
    assert.deepEqual([ended.status, ended.body.error.code], [409, 'AUCTION_NOT_OPEN']);
  });

  it('approved bidders: only bidders the seller approved may bid or buy (409 BIDDER_NOT_APPROVED)', async () => {
    const auctionId = await create({ approvedBiddersOnly: true, buyNowPrice: 9000 });
    const refused = await bid(auctionId, alice, 2000);
    assert.deepEqual([refused.status, refused.body.error.code], [409, 'BIDDER_NOT_APPROVED']);
    const buy = await sys.call('POST', `/v1/auctions/${auctionId}/buy-now`, { token: alice });
    assert.deepEqual([buy.status, buy.body.error.code], [409, 'BIDDER_NOT_APPROVED']);

    const approve = await sys.call('PUT', `/v1/auctions/${auctionId}/approved-bidders/alice`, { token: seller });
    assert.equal(approve.status, 200, JSON.stringify(approve.body));
    assert.deepEqual(approve.body, { auctionId, bidderId: 'alice', approved: true, version: 2 });
    const again = await sys.call('PUT', `/v1/auctions/${auctionId}/approved-bidders/alice`, { token: seller });
    assert.deepEqual([again.status, again.body.version], [200, 2], 'approving twice changes nothing');
    const subject = 'auth0|5f7c 8e/x';
    assert.equal((await sys.call('PUT', `/v1/auctions/${auctionId}/approved-bidders/${encodeURIComponent(subject)}`, { token: seller })).status, 200);

    const list = await sys.call('GET', `/v1/auctions/${auctionId}/approved-bidders`, { token: seller });
    assert.deepEqual(list.body, { auctionId, approvedBiddersOnly: true, items: ['alice', subject].sort(), version: 3 });
    assert.equal((await sys.call('GET', `/v1/auctions/${auctionId}/approved-bidders`, { token: otherSeller })).status, 403);
    assert.equal((await sys.call('GET', `/v1/auctions/${randomUUID()}/approved-bidders`, { token: seller })).status, 404);

    assert.equal((await bid(auctionId, alice, 2000)).status, 201);
    const revoke = await sys.call('DELETE', `/v1/auctions/${auctionId}/approved-bidders/alice`, { token: seller });
    assert.deepEqual([revoke.status, revoke.body.approved], [200, false]);
    const afterRevoke = await bid(auctionId, alice, 3000);
    assert.deepEqual([afterRevoke.status, afterRevoke.body.error.code], [409, 'BIDDER_NOT_APPROVED']);

    const byOther = await sys.call('PUT', `/v1/auctions/${auctionId}/approved-bidders/bob`, { token: otherSeller });
    assert.deepEqual([byOther.status, byOther.body.error.code], [403, 'FORBIDDEN']);
    const byBidder = await sys.call('PUT', `/v1/auctions/${auctionId}/approved-bidders/bob`, { token: bob });
    assert.equal(byBidder.status, 403);
    const self = await sys.call('PUT', `/v1/auctions/${auctionId}/approved-bidders/sam`, { token: seller });
    assert.deepEqual([self.status, self.body.error.code], [409, 'SELLER_CANNOT_BID']);

    const open = await create();
    const notRequired = await sys.call('PUT', `/v1/auctions/${open}/approved-bidders/alice`, { token: seller });
    assert.deepEqual([notRequired.status, notRequired.body.error.code], [409, 'APPROVAL_NOT_REQUIRED']);
    const badBody = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'x', currency: 'USD', startingPrice: 1000, endsAt: inHours(2), approvedBiddersOnly: 'yes' } });
    assert.deepEqual([badBody.status, badBody.body.error.details.fields[0].path], [400, 'body.approvedBiddersOnly']);
  });
};

describe('bid retraction and approved bidders over HTTP: embedded', () => suite(() => embedded));

describe('bid retraction and approved bidders over HTTP: PostgreSQL and Redis', function () {
  let backend: Backend;
  before(function () {
    backend = {
      name: 'services',
      databaseUrl: serviceUrl(this, 'DATABASE_URL', 'retraction and approval on PostgreSQL and Redis'),
      redisUrl: serviceUrl(this, 'REDIS_URL', 'retraction and approval on PostgreSQL and Redis'),
    };
  });
  suite(() => backend);
});
