// Second-chance offers over real HTTP, end to end: the write side's rules and answers (with
// Idempotency-Key retries), the read model's view, the live cache's WebSocket snapshot, the
// bidder's notifications and won list, and the auditors' event listing; embedded mode always, and
// PostgreSQL + Redis when DATABASE_URL and REDIS_URL are set. Auctions end a couple of seconds after
// they open (the scheduler closes them); the server's clock is the test's (an offset it moves), so
// an offer's expiry is reached without waiting.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { streamIdOf } from '../../domain/index.js';
import type { Backend, TestSystem } from '../support/system.js';
import { eventually, startTestSystem } from '../support/system.js';
import { connect } from '../support/ws-client.js';
import { onEverySystem, type VariantOptions } from '../support/every-system.js';

const HOUR_MS = 3_600_000;

const suite = (backend: () => Backend, extra: () => VariantOptions) => {
  let sys: TestSystem;
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const inSeconds = (s: number) => new Date(now() + s * 1000).toISOString();
  let seller: string;
  let otherSeller: string;
  let alice: string;
  let bob: string;
  let carol: string;
  let auditor: string;

  before(async function () {
    const more = extra();
    sys = await startTestSystem(backend(), { ...more, clock: () => new Date(now()), env: { ...more.env, SECOND_CHANCE_OFFER_SECONDS: String(48 * 3600) } });
    seller = await sys.token('sam', 'seller');
    otherSeller = await sys.token('sue', 'seller');
    alice = await sys.token('alice', 'bidder');
    bob = await sys.token('bob', 'bidder');
    carol = await sys.token('carol', 'bidder');
    auditor = await sys.token('audrey', 'auditor');
  });
  after(async () => sys?.stop());
  afterEach(() => {
    offsetMs = 0;
  });

  /** An auction that ends 2 seconds from now, with these bids (in order), once the scheduler closed it: its id and each bidder's pseudonym. */
  const endedAuction = async (body: Record<string, unknown>, bids: readonly [string, number][]) => {
    const created = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(2), ...body } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const auctionId = created.body.auctionId as string;
    const pseudonyms = new Map<string, string>();
    for (const [token, maxAmount] of bids) {
      const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      pseudonyms.set(token, r.body.bidderPseudonym as string);
    }
    const closed = await eventually(async () => (await sys.resources.log.readStream(streamIdOf(auctionId))).find((e) => e.type === 'AuctionClosed'), 'AuctionClosed');
    return { auctionId, pseudonyms, closed };
  };
  const offer = (auctionId: string, body: unknown, token = seller, key: string = randomUUID()) =>
    sys.call('POST', `/v1/auctions/${auctionId}/second-chance-offers`, { token, body, headers: { 'Idempotency-Key': key } });
  const answer = (auctionId: string, what: 'accept' | 'decline', token: string, key: string = randomUUID()) =>
    sys.call('POST', `/v1/auctions/${auctionId}/second-chance-offers/${what}`, { token, body: {}, headers: { 'Idempotency-Key': key } });
  const offers = (auctionId: string, token: string) => sys.call('GET', `/v1/auctions/${auctionId}/second-chance-offers`, { token });
  const codeOf = (r: { status: number; body: { error?: { code?: string } } }) => [r.status, r.body.error?.code];

  it('below the reserve: offers at each bidder\'s maximum; one accepted sells the item, the others lapse; read model, live cache, notifications and audit agree', async () => {
    const { auctionId, pseudonyms, closed } = await endedAuction({ reservePrice: 5000 }, [[carol, 1500], [bob, 2000], [alice, 3000]]);
    assert.equal(closed.data.result, 'unsold');
    const [bobName, aliceName] = [pseudonyms.get(bob)!, pseudonyms.get(alice)!];

    // the seller's bidder list names the pseudonyms it offers to
    const bidders = await sys.call('GET', `/v1/auctions/${auctionId}/bidders?minVersion=${closed.streamVersion}`, { token: seller });
    assert.ok(bidders.body.items.some((b: { bidder: string }) => b.bidder === bobName), JSON.stringify(bidders.body));

    const key = randomUUID();
    const toBob = await offer(auctionId, { bidder: bobName, expiresInSeconds: 3600 }, seller, key);
    assert.equal(toBob.status, 201, JSON.stringify(toBob.body));
    assert.deepEqual([toBob.body.bidder, toBob.body.price, toBob.body.status], [bobName, 2000, 'open']);
    assert.equal(Date.parse(toBob.body.expiresAt) - Date.parse(toBob.body.offeredAt), HOUR_MS);
    // a retried offer (same key) is answered again, not made twice
    const retry = await offer(auctionId, { bidder: bobName, expiresInSeconds: 3600 }, seller, key);
    assert.deepEqual([retry.status, retry.headers.get('idempotent-replayed'), retry.body], [201, 'true', toBob.body]);
    // one open offer per bidder
    assert.deepEqual(codeOf(await offer(auctionId, { bidder: bobName })), [409, 'SECOND_CHANCE_NOT_ALLOWED']);
    // without expiresInSeconds: SECOND_CHANCE_OFFER_SECONDS (48 h here)
    const toAlice = await offer(auctionId, { bidder: aliceName });
    assert.deepEqual([toAlice.status, toAlice.body.price], [201, 3000]);
    assert.equal(Date.parse(toAlice.body.expiresAt) - Date.parse(toAlice.body.offeredAt), 48 * HOUR_MS);

    // the seller sees every offer, a bidder its own, anyone else none
    assert.deepEqual((await offers(auctionId, seller)).body.items.map((o: { bidder: string; status: string }) => [o.bidder, o.status]), [[aliceName, 'open'], [bobName, 'open']]);
    assert.deepEqual((await offers(auctionId, bob)).body.items.map((o: { price: number }) => o.price), [2000]);
    assert.deepEqual((await offers(auctionId, carol)).body.items, []);

    // bob accepts: sold to him at his maximum; a retry is answered the same; alice's offer lapsed
    const accepted = await answer(auctionId, 'accept', bob);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.deepEqual([accepted.body.status, accepted.body.price, accepted.body.buyerPseudonym], ['sold', 2000, bobName]);
    const again = await answer(auctionId, 'accept', bob);
    assert.deepEqual([again.status, again.body.version], [200, accepted.body.version]);
    assert.deepEqual(codeOf(await answer(auctionId, 'accept', alice)), [409, 'OFFER_LAPSED']);
    assert.deepEqual(codeOf(await answer(auctionId, 'accept', carol)), [404, 'OFFER_NOT_FOUND']);
    assert.deepEqual(codeOf(await offer(auctionId, { bidder: pseudonyms.get(carol) })), [409, 'SECOND_CHANCE_NOT_ALLOWED']);
    assert.deepEqual((await offers(auctionId, seller)).body.items.map((o: { status: string }) => o.status), ['lapsed', 'accepted']);

    // the read model: sold at the offer's price to bob
    const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=${accepted.body.version}`);
    assert.equal(view.status, 200, JSON.stringify(view.body));
    assert.deepEqual([view.body.status, view.body.currentPrice, view.body.leader, view.body.version], ['sold', 2000, bobName, accepted.body.version]);
    const won = await eventually(async () => {
      const r = await sys.call('GET', '/v1/me/won', { token: bob });
      return r.body.items?.some((i: { auctionId: string }) => i.auctionId === auctionId) === true ? r : undefined;
    }, 'the auction in bob\'s won list');
    assert.equal(won.status, 200);

    // the live cache's snapshot says the same
    const c = await connect(sys.realtimeUrl!);
    try {
      c.send({ type: 'subscribe', auctionId });
      const snapshot = await c.waitFor((f) => f.type === 'snapshot' && (f.auction as { version: number }).version === accepted.body.version, 'the snapshot after the sale');
      const a = snapshot.auction as Record<string, unknown>;
      assert.deepEqual([a.status, a.currentPrice, a.leader], ['sold', 2000, bobName]);
    } finally {
      await c.close();
    }

    // bob was told of his offer, then that he won
    const kinds = await eventually(async () => {
      const r = await sys.call('GET', '/v1/me/notifications', { token: bob });
      const found = (r.body.items as { kind: string; auctionId: string }[]).filter((n) => n.auctionId === auctionId).map((n) => n.kind);
      return found.includes('won') && found.includes('second-chance-offer') ? found : undefined;
    }, 'bob\'s second-chance-offer and won notifications');
    assert.ok(kinds.includes('second-chance-offer'));

    // the auditors see every event of it, with real ids and prices
    const audit = await sys.call('GET', `/v1/audit/auctions/${auctionId}/events`, { token: auditor });
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    const trail = (audit.body.items as { type: string; data: Record<string, unknown> }[]).filter((e) => e.type.startsWith('SecondChance'));
    assert.deepEqual(trail.map((e) => [e.type, e.data.bidderId]), [['SecondChanceOffered', 'bob'], ['SecondChanceOffered', 'alice'], ['SecondChanceAccepted', 'bob']]);
    assert.deepEqual(trail[2]!.data.lapsedBidderIds, ['alice']);
    assert.equal((await sys.call('GET', `/v1/audit/auctions/${auctionId}/events`, { token: bob })).status, 403);
  });

  it('non-payment: the sale falls through, a runner-up is offered the item; acceptance after expiresAt is refused', async () => {
    const { auctionId, pseudonyms, closed } = await endedAuction({}, [[bob, 2000], [alice, 3000]]);
    assert.deepEqual([closed.data.result, closed.data.winnerId], ['sold', 'alice']);
    const [bobName, aliceName] = [pseudonyms.get(bob)!, pseudonyms.get(alice)!];

    // no offer before the report; only the seller reports
    assert.deepEqual(codeOf(await offer(auctionId, { bidder: bobName })), [409, 'SECOND_CHANCE_NOT_ALLOWED']);
    assert.deepEqual(codeOf(await sys.call('POST', `/v1/auctions/${auctionId}/non-payment`, { token: otherSeller, body: {} })), [403, 'FORBIDDEN']);
    const reported = await sys.call('POST', `/v1/auctions/${auctionId}/non-payment`, { token: seller, body: {} });
    assert.deepEqual([reported.status, reported.body.status], [200, 'unsold'], JSON.stringify(reported.body));
    const twice = await sys.call('POST', `/v1/auctions/${auctionId}/non-payment`, { token: seller, body: {} });
    assert.deepEqual([twice.status, twice.body.version], [200, reported.body.version]);
    const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=${reported.body.version}`);
    assert.deepEqual([view.body.status, view.body.leader], ['unsold', null]);
    const aliceWon = await sys.call('GET', `/v1/me/won`, { token: alice });
    assert.ok(!aliceWon.body.items.some((i: { auctionId: string }) => i.auctionId === auctionId), 'the sale that fell through is not in alice\'s won list');

    // never to the winner who did not pay; to bob for an hour
    assert.deepEqual(codeOf(await offer(auctionId, { bidder: aliceName })), [409, 'SECOND_CHANCE_NOT_ALLOWED']);
    const toBob = await offer(auctionId, { bidder: bobName, expiresInSeconds: 3600 });
    assert.deepEqual([toBob.status, toBob.body.price], [201, 2000]);

    // the server's clock passes expiresAt: too late to accept or decline
    offsetMs += HOUR_MS;
    assert.deepEqual(codeOf(await answer(auctionId, 'accept', bob)), [409, 'OFFER_EXPIRED']);
    assert.deepEqual(codeOf(await answer(auctionId, 'decline', bob)), [409, 'OFFER_EXPIRED']);
    assert.deepEqual((await offers(auctionId, bob)).body.items.map((o: { status: string }) => o.status), ['expired']);

    // a new offer; bob declines it (twice: the same answer)
    assert.equal((await offer(auctionId, { bidder: bobName, expiresInSeconds: 7200 })).status, 201);
    const declined = await answer(auctionId, 'decline', bob);
    assert.deepEqual([declined.status, declined.body.offer], [200, 'declined']);
    assert.deepEqual([(await answer(auctionId, 'decline', bob)).status], [200]);
    assert.deepEqual(codeOf(await answer(auctionId, 'accept', bob)), [409, 'SECOND_CHANCE_NOT_ALLOWED']);
    assert.deepEqual((await offers(auctionId, seller)).body.items.map((o: { status: string }) => o.status), ['declined', 'expired']);
    const unsold = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=${declined.body.version}`);
    assert.deepEqual([unsold.body.status, unsold.body.version], ['unsold', declined.body.version]);
  });

  it('refuses bad input with a 4xx naming the problem, and a buy-now sale\'s non-payment', async () => {
    const { auctionId, pseudonyms } = await endedAuction({ reservePrice: 5000 }, [[bob, 2000]]);
    const bobName = pseudonyms.get(bob)!;
    const short = await offer(auctionId, { bidder: bobName, expiresInSeconds: 10 });
    assert.deepEqual(codeOf(short), [400, 'INVALID_REQUEST']);
    assert.ok(JSON.stringify(short.body.error.details).includes('body.expiresInSeconds'), JSON.stringify(short.body));
    const notNumber = await offer(auctionId, { bidder: bobName, expiresInSeconds: 'a day' });
    assert.deepEqual(codeOf(notNumber), [400, 'INVALID_REQUEST']);
    assert.ok(JSON.stringify(notNumber.body.error).includes('expiresInSeconds'), JSON.stringify(notNumber.body));
    assert.deepEqual(codeOf(await offer(auctionId, {})), [400, 'INVALID_REQUEST']);
    assert.deepEqual(codeOf(await offer(auctionId, { bidder: bobName, extra: 1 })), [400, 'INVALID_REQUEST']);
    assert.deepEqual(codeOf(await offer(auctionId, { bidder: 'bidder-0000000000' })), [404, 'BIDDER_NOT_FOUND']);
    assert.deepEqual(codeOf(await offer(auctionId, { bidder: bobName }, otherSeller)), [403, 'FORBIDDEN']);
    assert.deepEqual(codeOf(await offer(auctionId, { bidder: bobName }, bob)), [403, 'FORBIDDEN']);
    assert.deepEqual(codeOf(await offer(randomUUID(), { bidder: bobName })), [404, 'AUCTION_NOT_FOUND']);
    assert.deepEqual(codeOf(await offer('not an id', { bidder: bobName })), [400, 'INVALID_REQUEST']);
    assert.deepEqual(codeOf(await answer(auctionId, 'accept', bob)), [404, 'OFFER_NOT_FOUND']);
    assert.deepEqual(codeOf(await sys.call('GET', `/v1/auctions/${randomUUID()}/second-chance-offers`, { token: seller })), [404, 'AUCTION_NOT_FOUND']);
    assert.equal((await sys.call('GET', `/v1/auctions/${auctionId}/second-chance-offers`)).status, 401);

    const bought = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Buy it now', currency: 'USD', startingPrice: 1000, buyNowPrice: 9000, endsAt: inSeconds(3600) } });
    const id = bought.body.auctionId as string;
    assert.equal((await sys.call('POST', `/v1/auctions/${id}/buy-now`, { token: alice, body: {} })).status, 200);
    assert.deepEqual(codeOf(await sys.call('POST', `/v1/auctions/${id}/non-payment`, { token: seller, body: {} })), [409, 'SECOND_CHANCE_NOT_ALLOWED']);
  });
};

onEverySystem('second-chance offers over HTTP', suite);
