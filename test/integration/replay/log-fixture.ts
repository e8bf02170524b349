// A real event log for the replay suites, written through the command API over HTTP (and the
// scheduler, which closes an auction): every event type, a scheduled auction, a hot auction with
// enough bids that the NDJSON outgrows a pipe's buffer, and one auction created in the old
// (schema version 1) shape, appended through the log port, to exercise upcasting.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { streamIdOf } from '../../../domain/index.js';
import { eventually, embedded, startTestSystem } from '../../support/system.js';

export interface LogFixture {
  /** proxy bids from three bidders, a reserve, soft close; live */
  readonly bidding: string;
  readonly boughtNow: string;
  readonly cancelled: string;
  /** starts a second after creation, before `closed` ends */
  readonly scheduled: string;
  /** closed (sold) by the scheduler */
  readonly closed: string;
  /** many bids */
  readonly hot: string;
  /** created with an AuctionCreated of schema version 1, then bid on over HTTP */
  readonly legacy: string;
}

export const HOT_BIDS = 260;

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Writes the log into the database `env` names (DATA_DIR or DATABASE_URL), then stops the system. */
export const writeLogFixture = async (env: Record<string, string>): Promise<LogFixture> => {
  const sys = await startTestSystem(embedded, { env });
  try {
    const seller = await sys.token('sam', 'seller');
    const [alice, bob, carol] = await Promise.all([sys.token('alice', 'bidder'), sys.token('bob', 'bidder'), sys.token('carol', 'bidder')]);
    const create = async (body: Record<string, unknown>) => {
      const r = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inMs(3_600_000), ...body } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.auctionId as string;
    };
    const bid = async (auctionId: string, token: string, maxAmount: number) => {
      const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    };

    const bidding = await create({ reservePrice: 5000, softClose: { windowSeconds: 60, extensionSeconds: 120 } });
    await bid(bidding, alice, 2000);
    await bid(bidding, bob, 1500);
    await bid(bidding, carol, 3000);
    await bid(bidding, carol, 6000); // the leader raises its maximum: the price jumps to the reserve

    const boughtNow = await create({ buyNowPrice: 12_000 });
    assert.equal((await sys.call('POST', `/v1/auctions/${boughtNow}/buy-now`, { token: bob })).status, 200);

    const cancelled = await create({});
    assert.equal((await sys.call('POST', `/v1/auctions/${cancelled}/cancel`, { token: seller, body: { reason: 'withdrawn' } })).status, 200);

    const scheduled = await create({ startsAt: inMs(1_000) });
    const closed = await create({ endsAt: inMs(1_500) });
    await bid(closed, alice, 2000);

    const hot = await create({});
    for (let i = 1; i <= HOT_BIDS; i++) await bid(hot, i % 2 === 0 ? alice : bob, 1000 + i * 10_000);

    const legacy = `legacy-${randomUUID()}`;
    const now = new Date().toISOString();
    const appended = await sys.resources.log.appendToStream(streamIdOf(legacy), 0, [
      {
        eventId: `legacy-created-${legacy}`,
        type: 'AuctionCreated',
        // schema version 1 predates soft close: no softClose field
        data: { auctionId: legacy, sellerId: 'sam', title: 'Old listing', description: '', currency: 'USD', startingPrice: 500, reservePrice: null, buyNowPrice: null, startsAt: now, endsAt: inMs(3_600_000), createdAt: now },
        metadata: { commandId: `legacy-${legacy}`, idempotencyKey: null, userId: 'sam', correlationId: legacy, causationId: legacy, serverTime: now, schemaVersion: 1 },
      },
    ]);
    assert.equal(appended.kind, 'appended');
    await bid(legacy, alice, 700);

    await eventually(async () => {
      const events = await sys.resources.log.readStream(streamIdOf(closed));
      return events.some((e) => e.type === 'AuctionClosed') ? true : undefined;
    }, 'the scheduler to close the auction');
    return { bidding, boughtNow, cancelled, scheduled, closed, hot, legacy };
  } finally {
    await sys.stop();
  }
};
