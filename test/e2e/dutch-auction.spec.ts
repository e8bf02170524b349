// Dutch auctions over real HTTP, end to end (write side, read model, the live cache's WebSocket
// snapshot and frames, the scheduler's close, notifications, the audit trail): embedded mode
// always, and PostgreSQL + Redis when DATABASE_URL and REDIS_URL are set. The server's clock is the
// test's (an offset it moves), so the clock's steps are reached without waiting.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { streamIdOf } from '../../domain/index.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embeddedAndServices, eventually, startTestSystem } from '../support/system.js';
import { serviceUrl } from '../support/services.js';
import { deleteTopics, testKafka, uniqueName } from '../support/kafka.js';
import { connect } from '../support/ws-client.js';

const MINUTE_MS = 60_000;
/** From 100.00 down by 5.00 a minute to 70.00: six drops, then a minute at the floor; seven minutes in all. */
const CLOCK = { decrementAmount: 500, decrementEverySeconds: 60, floorPrice: 7000 };

embeddedAndServices('Dutch auctions over HTTP', (backend: () => Backend) => {
  let sys: TestSystem;
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  let seller: string;
  let alice: string;
  let bob: string;
  let auditor: string;

  before(async function () {
    sys = await startTestSystem(backend(), { clock: () => new Date(now()) });
    seller = await sys.token('sam', 'seller');
    alice = await sys.token('alice', 'bidder');
    bob = await sys.token('bob', 'bidder');
    auditor = await sys.token('audrey', 'auditor');
  });
  after(async () => sys?.stop());
  afterEach(() => {
    offsetMs = 0;
  });

  const create = async (body: Record<string, unknown> = {}) => {
    const r = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 10_000, format: 'dutch', clock: CLOCK, ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.auctionId as string;
  };
  const accept = (auctionId: string, token: string) => sys.call('POST', `/v1/auctions/${auctionId}/buy-now`, { token });

  it('creates a dutch auction without endsAt: the end is its clock\'s, the view shows the clock, the price and buy-now at it, no minimum bid', async () => {
    const auctionId = await create();
    const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=1`);
    assert.equal(view.status, 200, JSON.stringify(view.body));
    assert.equal(Date.parse(view.body.endsAt) - Date.parse(view.body.startsAt), 7 * MINUTE_MS);
    assert.deepEqual([view.body.format, view.body.clock, view.body.currentPrice, view.body.buyNowPrice, view.body.minimumBid], ['dutch', CLOCK, 10_000, 10_000, undefined]);
    const listing = await sys.call('GET', '/v1/auctions?status=open&limit=100');
    const item = listing.body.items.find((i: { auctionId: string }) => i.auctionId === auctionId);
    assert.deepEqual([item.currentPrice, item.buyNowPrice, item.clock], [10_000, 10_000, CLOCK]);
  });

  it('refuses a dutch listing with endsAt, a bad clock, a reserve; still requires endsAt of an english one (400 naming each field)', async () => {
    const fields = async (body: Record<string, unknown>) => {
      const r = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 10_000, ...body } });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'INVALID_REQUEST');
      return r.body.error.details.fields.map((f: { path: string }) => f.path).sort() as string[];
    };
    assert.deepEqual(await fields({ format: 'dutch', clock: CLOCK, endsAt: new Date(now() + 3_600_000).toISOString() }), ['body.endsAt']);
    assert.deepEqual(await fields({ format: 'dutch' }), ['body.clock']);
    assert.deepEqual(await fields({ format: 'dutch', clock: { ...CLOCK, floorPrice: 10_000 }, reservePrice: 9000 }), ['body.clock.floorPrice', 'body.reservePrice']);
    // a floor of 0 is refused by the body's codec (amounts are positive), which also names the clock as a whole
    assert.deepEqual(await fields({ format: 'dutch', clock: { ...CLOCK, floorPrice: 0 } }), ['body.clock', 'body.clock.floorPrice']);
    assert.deepEqual(await fields({ format: 'dutch', clock: { ...CLOCK, decrementEverySeconds: 86_401 } }), ['body.clock.decrementEverySeconds']);
    // a clock that runs longer than 90 days: 3000 drops of a day
    assert.deepEqual(await fields({ format: 'dutch', clock: { decrementAmount: 1, decrementEverySeconds: 86_400, floorPrice: 7000 } }), ['body.clock']);
    assert.deepEqual(await fields({}), ['body.endsAt']);
    assert.deepEqual(await fields({ format: 'english', title: '' }), ['body.endsAt', 'body.title']);
  });

  it('the first accept buys at the clock\'s price at the server\'s time; the read side, the WebSocket and the buyer\'s list show the sale', async () => {
    const auctionId = await create();
    offsetMs = 2.5 * MINUTE_MS; // two drops: 90.00
    const socket = await connect(sys.realtimeUrl!);
    let bought: Awaited<ReturnType<typeof accept>>;
    try {
      // signed in as alice, so her notification comes on this socket too
      socket.send({ type: 'auth', token: alice });
      const answer = await socket.waitFor((f) => f.type === 'authenticated' || f.type === 'error', 'the auth answer');
      assert.equal(answer.type, 'authenticated', JSON.stringify(answer));
      socket.send({ type: 'subscribe', auctionId });
      const snapshot = await socket.waitFor((f) => f.type === 'snapshot', 'the snapshot');
      const shown = snapshot.auction as Record<string, unknown>;
      assert.deepEqual([shown.currentPrice, shown.buyNowPrice, shown.clock, shown.minimumBid], [9000, 9000, CLOCK, undefined]);
      const view = await sys.call('GET', `/v1/auctions/${auctionId}`);
      assert.deepEqual([view.body.currentPrice, view.body.buyNowPrice], [9000, 9000]);

      const bid = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: alice, body: { maxAmount: 9000 }, headers: { 'Idempotency-Key': randomUUID() } });
      assert.equal(bid.status, 409);
      assert.equal(bid.body.error.code, 'WRONG_FORMAT');
      assert.match(bid.body.error.message, /buy-now/);

      bought = await accept(auctionId, alice);
      assert.equal(bought.status, 200, JSON.stringify(bought.body));
      assert.deepEqual([bought.body.status, bought.body.price, bought.body.version], ['sold', 9000, 2]);
      const frame = await socket.waitFor((f) => f.type === 'auction.updated' && f.version === 2, 'the sale\'s frame');
      assert.deepEqual([frame.status, frame.currentPrice, frame.leader, frame.buyNowPrice, frame.minimumBid], ['sold', 9000, bought.body.buyerPseudonym, null, null]);
      await socket.waitFor((f) => f.type === 'notification' && f.kind === 'won' && f.auctionId === auctionId, 'alice\'s won notice');
    } finally {
      await socket.close();
    }

    // the same buyer again: the same answer, no new event; another: 409 sold
    offsetMs = 4.5 * MINUTE_MS;
    const again = await accept(auctionId, alice);
    assert.deepEqual([again.status, again.body.price, again.body.version], [200, 9000, 2]);
    const late = await accept(auctionId, bob);
    assert.deepEqual([late.status, late.body.error.code], [409, 'AUCTION_NOT_OPEN']);
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 2);

    const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=2`, { token: alice });
    assert.deepEqual([view.body.status, view.body.currentPrice, view.body.leader, view.body.buyNowPrice], ['sold', 9000, bought.body.buyerPseudonym, undefined]);
    const won = await eventually(async () => {
      const r = await sys.call('GET', '/v1/me/won', { token: alice });
      return r.body.items.find((i: { auctionId: string }) => i.auctionId === auctionId) as { currentPrice: number } | undefined;
    }, 'the auction in alice\'s won list');
    assert.equal(won.currentPrice, 9000);

    // the audit trail: the chain verifies; the refused bid is kept with its code
    const verify = await sys.call('GET', `/v1/audit/auctions/${auctionId}/verify`, { token: auditor });
    assert.deepEqual([verify.body.valid, verify.body.events], [true, 2]);
    const attempts = await eventually(async () => {
      const r = await sys.call('GET', `/v1/audit/auctions/${auctionId}/attempts`, { token: auditor });
      return r.body.items.length > 0 ? r.body.items : undefined;
    }, 'the refused bid in the attempts log');
    assert.equal(attempts[0].code, 'WRONG_FORMAT');
  });

  it('two accepts racing: one buys, the other is refused (the stream\'s expected version decides)', async () => {
    const auctionId = await create();
    offsetMs = 1.5 * MINUTE_MS;
    const [a, b] = await Promise.all([accept(auctionId, alice), accept(auctionId, bob)]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    const refused = a.status === 409 ? a : b;
    assert.equal(refused.body.error.code, 'AUCTION_NOT_OPEN');
    assert.equal((a.status === 200 ? a : b).body.price, 9500);
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 2);
  });

  it('refuses the seller, and an accept before the start', async () => {
    const auctionId = await create({ startsAt: new Date(now() + 10 * MINUTE_MS).toISOString() });
    const early = await accept(auctionId, alice);
    assert.deepEqual([early.status, early.body.error.code], [409, 'AUCTION_NOT_OPEN']);
    offsetMs = 11 * MINUTE_MS;
    const own = await sys.call('POST', `/v1/auctions/${auctionId}/buy-now`, { token: await sys.token('sam', 'seller', 'bidder') });
    assert.deepEqual([own.status, own.body.error.code], [409, 'SELLER_CANNOT_BID']);
    const bought = await accept(auctionId, alice);
    assert.deepEqual([bought.status, bought.body.price], [200, 9500]);
  });

  it('with no taker, the clock holds the floor for a step and the scheduler closes it unsold, shown at the floor', async () => {
    const auctionId = await create({ startingPrice: 1000, clock: { decrementAmount: 100, decrementEverySeconds: 1, floorPrice: 800 } }); // ends after 3 s
    const socket = await connect(sys.realtimeUrl!);
    try {
      socket.send({ type: 'subscribe', auctionId });
      await socket.waitFor((f) => f.type === 'snapshot', 'the snapshot');
      offsetMs = 2_500; // at the floor
      assert.equal((await sys.call('GET', `/v1/auctions/${auctionId}`)).body.currentPrice, 800);
      offsetMs = 4_000; // past the end
      const late = await accept(auctionId, alice);
      assert.deepEqual([late.status, late.body.error.code], [409, 'AUCTION_NOT_OPEN']);
      const frame = await socket.waitFor((f) => f.type === 'auction.updated' && f.status === 'unsold', 'the close\'s frame');
      assert.deepEqual([frame.currentPrice, frame.buyNowPrice, frame.leader], [800, null, null]);
    } finally {
      await socket.close();
    }
    const events = await sys.resources.log.readStream(streamIdOf(auctionId));
    assert.deepEqual(events.map((e) => e.type), ['AuctionCreated', 'AuctionClosed']);
    const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=2`);
    assert.deepEqual([view.body.status, view.body.currentPrice, view.body.buyNowPrice], ['unsold', 800, undefined]);
  });
});

describe('Dutch auctions through Kafka: the sale reaches the read API and the WebSocket through the topic', function () {
  this.timeout(90_000);
  const topic = uniqueName('dutch');
  let brokers: string;
  let sys: TestSystem;
  let offsetMs = 0;

  before(async function () {
    const suite = 'Dutch auctions through Kafka';
    const databaseUrl = serviceUrl(this, 'DATABASE_URL', suite);
    const redisUrl = serviceUrl(this, 'REDIS_URL', suite);
    brokers = serviceUrl(this, 'KAFKA_BROKERS', suite);
    sys = await startTestSystem({ name: 'services', databaseUrl, redisUrl }, {
      env: { KAFKA_BROKERS: brokers },
      kafka: { topic, groupIdPrefix: `${uniqueName('dutch-group')}.` },
      clock: () => new Date(Date.now() + offsetMs),
    });
  });
  after(async () => {
    await sys?.stop();
    if (brokers !== undefined) await deleteTopics(testKafka(brokers), [topic]).catch(() => undefined);
  });

  it('accepts at the third step and shows the sale at that price', async () => {
    const created = await sys.call('POST', '/v1/auctions', {
      token: await sys.token('sam', 'seller'), body: { title: 'Leica M3', currency: 'EUR', startingPrice: 10_000, format: 'dutch', clock: CLOCK },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const auctionId = created.body.auctionId as string;
    const socket = await connect(sys.realtimeUrl!);
    try {
      socket.send({ type: 'subscribe', auctionId });
      await socket.waitFor((f) => f.type === 'snapshot', 'the snapshot');
      offsetMs = 3.2 * MINUTE_MS; // three drops: 85.00
      const bought = await sys.call('POST', `/v1/auctions/${auctionId}/buy-now`, { token: await sys.token('alice', 'bidder') });
      assert.deepEqual([bought.status, bought.body.price], [200, 8500], JSON.stringify(bought.body));
      const frame = await socket.waitFor((f) => f.type === 'auction.updated' && f.version === 2, 'the sale\'s frame');
      assert.deepEqual([frame.status, frame.currentPrice], ['sold', 8500]);
    } finally {
      await socket.close();
    }
    const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=2`);
    assert.deepEqual([view.body.status, view.body.currentPrice, view.body.clock], ['sold', 8500, CLOCK]);
  });
});
