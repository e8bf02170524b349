// Timed sales over real HTTP and WebSocket, end to end: embedded mode always, and PostgreSQL +
// Redis when DATABASE_URL and REDIS_URL are set. A sale of a few lots with a short stagger; a late
// bid on a lot extends only that lot; with hold-back, the next lot closes after it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { START, saleStreamIdOf, streamIdOf } from '../../domain/index.js';
import { createPostgresEventLog } from '../../commands/index.js';
import { pseudonymiser } from '../../infra/index.js';
import { rebuildReadModels } from '../../projections/index.js';
import { dumpReadModels } from '../support/read-model-dump.js';
import type { TestSystem } from '../support/system.js';
import { eventually, startTestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { connect } from '../support/ws-client.js';
import { onEverySystem } from '../support/every-system.js';

interface LotView { lotNumber: number; auctionId: string; title: string; auction: { status: string; endsAt: string; endedAt?: string; bidCount: number; currentPrice: number; version: number } | null }

const timedSaleSuite = (start: () => Promise<TestSystem>, options: { rebuild: boolean } = { rebuild: true }) => {
  let sys: TestSystem;
  let seller: string;
  let alice: string;
  const clients: TestClient[] = [];

  before(async () => {
    sys = await start();
    seller = await sys.token('sam', 'seller');
    alice = await sys.token('alice', 'bidder');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sys?.stop();
  });

  const saleBody = (o: Record<string, unknown> = {}) => ({
    title: 'Spring watches',
    currency: 'USD',
    firstEndsAt: new Date(Date.now() + 3_000).toISOString(),
    staggerMs: 1_000,
    holdBack: true,
    softClose: { windowSeconds: 3, extensionSeconds: 4 },
    lots: [1, 2, 3].map((n) => ({ title: `Lot ${n}`, startingPrice: 1000 })),
    ...o,
  });
  const createSale = async (body: Record<string, unknown>, key: string = randomUUID()) => {
    const r = await sys.call('POST', '/v1/sales', { token: seller, body, headers: { 'Idempotency-Key': key } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { saleId: string; lots: { lotNumber: number; auctionId: string }[]; version: number };
  };
  const getSale = async (saleId: string) => {
    const r = await sys.call('GET', `/v1/sales/${saleId}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { saleId: string; title: string; holdBack: boolean; staggerMs: number; lots: LotView[] };
  };
  const closedEvents = async (auctionId: string) => (await sys.resources.log.readStream(streamIdOf(auctionId))).filter((e) => e.type === 'AuctionClosed');

  it('creates a sale: 201 with its lots, SaleCreated in the sale stream, one AuctionCreated per lot ending a stagger apart; a retry with the key changes nothing', async () => {
    const key = randomUUID();
    const body = saleBody({ firstEndsAt: new Date(Date.now() + 3_600_000).toISOString(), staggerMs: 30_000, holdBack: false, softClose: null });
    const sale = await createSale(body, key);
    assert.equal(sale.version, 1);
    assert.deepEqual(sale.lots.map((l) => l.lotNumber), [1, 2, 3]);
    const saleEvents = await sys.resources.log.readStream(saleStreamIdOf(sale.saleId));
    assert.deepEqual(saleEvents.map((e) => e.type), ['SaleCreated']);
    const ends = await Promise.all(sale.lots.map(async (l) => {
      const [created] = await sys.resources.log.readStream(streamIdOf(l.auctionId));
      assert.equal(created?.type, 'AuctionCreated');
      assert.deepEqual((created!.data as { lot: unknown }).lot, { saleId: sale.saleId, lotNumber: l.lotNumber, previousLotId: sale.lots[l.lotNumber - 2]?.auctionId ?? null, nextLotId: sale.lots[l.lotNumber]?.auctionId ?? null, holdBack: false });
      return Date.parse((created!.data as { endsAt: string }).endsAt);
    }));
    assert.deepEqual([ends[1]! - ends[0]!, ends[2]! - ends[1]!], [30_000, 30_000]);

    const retry = await sys.call('POST', '/v1/sales', { token: seller, body, headers: { 'Idempotency-Key': key } });
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, sale);
    assert.equal((await sys.resources.log.readStream(saleStreamIdOf(sale.saleId))).length, 1);
    for (const l of sale.lots) assert.equal((await sys.resources.log.readStream(streamIdOf(l.auctionId))).length, 1);

    const view = await eventually(async () => {
      const v = await getSale(sale.saleId);
      return v.lots.every((l) => l.auction !== null) ? v : undefined;
    }, 'the read model to hold every lot');
    assert.equal(view.title, 'Spring watches');
    assert.deepEqual(view.lots.map((l) => [l.lotNumber, l.title, l.auction?.status, l.auction?.currentPrice]), [[1, 'Lot 1', 'open', 1000], [2, 'Lot 2', 'open', 1000], [3, 'Lot 3', 'open', 1000]]);
  });

  it('refuses a bad sale with a 400 naming the field, and changes nothing', async () => {
    const noLots = await sys.call('POST', '/v1/sales', { token: seller, body: saleBody({ lots: [] }) });
    assert.equal(noLots.status, 400);
    assert.ok(JSON.stringify(noLots.body).includes('body.lots'), JSON.stringify(noLots.body));
    const unknownField = await sys.call('POST', '/v1/sales', { token: seller, body: { ...saleBody(), colour: 'red' } });
    assert.equal(unknownField.status, 400);
    const bidder = await sys.call('POST', '/v1/sales', { token: alice, body: saleBody() });
    assert.equal(bidder.status, 403);
    assert.equal((await sys.call('GET', '/v1/sales/no-such-sale')).status, 404);
  });

  it('a late bid extends only its lot; with hold-back the next lot closes after it; each lot closes once, never before its end, and the WebSocket shows each lot close', async () => {
    const sale = await createSale(saleBody());
    const [lot1, lot2, lot3] = sale.lots.map((l) => l.auctionId) as [string, string, string];
    const ws = await connect(sys.realtimeUrl!);
    clients.push(ws);
    for (const id of [lot1, lot2, lot3]) ws.send({ type: 'subscribe', auctionId: id });
    await eventually(async () => (ws.frames.filter((f) => f.type === 'snapshot').length === 3 ? true : undefined), 'the three snapshots');

    // Bid on lot 1 within its soft-close window: lot 1 now ends after lot 2's own end.
    const [created1] = await sys.resources.log.readStream(streamIdOf(lot1));
    const end1 = Date.parse((created1!.data as { endsAt: string }).endsAt);
    await eventually(async () => (Date.now() >= end1 - 2_500 ? true : undefined), 'lot 1\'s soft-close window', 10_000);
    const bid = await sys.call('POST', `/v1/auctions/${lot1}/bids`, { token: alice, body: { maxAmount: 2000 }, headers: { 'Idempotency-Key': randomUUID() } });
    assert.equal(bid.status, 201, JSON.stringify(bid.body));
    const extendedEnd = Date.parse(bid.body.endsAt as string);
    assert.ok(extendedEnd > end1 + 1_000, 'lot 1 was extended past lot 2\'s end');
    const [created2] = await sys.resources.log.readStream(streamIdOf(lot2));
    assert.equal(Date.parse((created2!.data as { endsAt: string }).endsAt), end1 + 1_000, 'lot 2\'s end did not move');

    const closes = await eventually(async () => {
      const all = await Promise.all([lot1, lot2, lot3].map(closedEvents));
      return all.every((c) => c.length > 0) ? all : undefined;
    }, 'every lot to close', 20_000);
    assert.deepEqual(closes.map((c) => c.length), [1, 1, 1], 'exactly one AuctionClosed per lot');
    const closedAt = closes.map((c) => Date.parse((c[0]!.data as { closedAt: string }).closedAt));
    assert.ok(closedAt[0]! >= extendedEnd, 'lot 1 closed at or after its extended end');
    assert.ok(closedAt[1]! >= closedAt[0]! && closedAt[2]! >= closedAt[1]!, `lots closed in order: ${closedAt.join(', ')}`);
    const positions = closes.map((c) => c[0]!.position);
    assert.ok(sys.resources.log.compareLogPositions(positions[0]!, positions[1]!) < 0 && sys.resources.log.compareLogPositions(positions[1]!, positions[2]!) < 0, 'in log order too');
    assert.equal((closes[0]![0]!.data as { result: string }).result, 'sold');

    // The WebSocket saw each lot end.
    for (const id of [lot1, lot2, lot3]) {
      await ws.waitFor((f) => f.type === 'auction.updated' && f.auctionId === id && f.status !== 'open', `${id} to end on the WebSocket`);
    }
    // GET /v1/sales/:id: every lot ended, lot 1 sold at its price.
    const view = await eventually(async () => {
      const v = await getSale(sale.saleId);
      return v.lots.every((l) => l.auction !== null && l.auction.status !== 'open') ? v : undefined;
    }, 'the sale view to show every lot ended');
    assert.deepEqual(view.lots.map((l) => l.auction?.status), ['sold', 'unsold', 'unsold']);
    assert.equal(view.lots[0]!.auction?.bidCount, 1);
  });

  it('without hold-back, each lot closes at its own end, even while an earlier lot is extended', async () => {
    const sale = await createSale(saleBody({ holdBack: false, softClose: { windowSeconds: 3, extensionSeconds: 6 } }));
    const [lot1, lot2] = sale.lots.map((l) => l.auctionId) as [string, string];
    const [created1] = await sys.resources.log.readStream(streamIdOf(lot1));
    const end1 = Date.parse((created1!.data as { endsAt: string }).endsAt);
    await eventually(async () => (Date.now() >= end1 - 2_500 ? true : undefined), 'lot 1\'s soft-close window', 10_000);
    const bid = await sys.call('POST', `/v1/auctions/${lot1}/bids`, { token: alice, body: { maxAmount: 2000 }, headers: { 'Idempotency-Key': randomUUID() } });
    assert.equal(bid.status, 201, JSON.stringify(bid.body));
    const [close1, close2] = await eventually(async () => {
      const all = await Promise.all([lot1, lot2].map(closedEvents));
      return all.every((c) => c.length > 0) ? all : undefined;
    }, 'both lots to close', 20_000);
    assert.ok(sys.resources.log.compareLogPositions(close2![0]!.position, close1![0]!.position) < 0, 'lot 2 closed before the extended lot 1');
  });

  // Registered only where the projector follows the log (not on Kafka), so nothing is skipped.
  if (options.rebuild) it('a rebuild of the read models over a log with sale streams parks nothing and gives the same tables', async function () {
    const settled = async () => {
      // The head version of every auction stream (the sale streams are not projected).
      const heads = new Map<string, number>();
      for (const e of await sys.resources.log.readAll({ after: START, limit: 10_000 })) {
        if (e.streamId.startsWith('auction-')) heads.set(e.streamId.slice('auction-'.length), e.streamVersion);
      }
      const { rows } = await sys.resources.sql.query<{ auction_id: string; version: number }>('SELECT auction_id, version FROM auction_view');
      const stored = new Map(rows.map((r) => [r.auction_id, r.version]));
      return [...heads].every(([id, v]) => stored.get(id) === v) ? true : undefined;
    };
    await eventually(settled, 'the read model to reach the log\'s head');
    const before = await dumpReadModels(sys.resources.sql);
    const report = await rebuildReadModels({
      sql: sys.resources.sql, log: sys.resources.log, pseudonym: pseudonymiser(sys.config.pseudonymSecret), logWithin: (tx) => createPostgresEventLog(tx),
    });
    assert.deepEqual(report.parked, []);
    assert.deepEqual(await dumpReadModels(sys.resources.sql), before);
    const { rows } = await sys.resources.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM auction_view WHERE sale_id IS NOT NULL');
    assert.ok(rows[0]!.n >= 9, 'the lots keep their sale');
  });
};

onEverySystem('timed sales over HTTP and WebSocket', (backend, variant) =>
  // The rebuild runs without Kafka (with it, the projector follows the topic, not the log).
  timedSaleSuite(() => startTestSystem(backend(), variant()), { rebuild: variant().kafka === undefined }));
