// The analytics projector and its rebuild against a real database (PGlite always, PostgreSQL with
// DATABASE_URL): given events (from the real command handler through the real event log, on a
// clock the test moves), then rows. The small market below is worked out by hand in the comments;
// the projector must produce exactly those rows.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { MinorUnits, UnstampedCommand } from '../../../domain/index.js';
import { fromMillis, streamIdOf } from '../../../domain/index.js';
import type { SqlExecutor } from '../../../infra/index.js';
import { isoMs, migrate } from '../../../infra/index.js';
import {
  ANALYTICS_PROJECTION, AnalyticsProjector, AnalyticsStore, CheckpointMovedError, LOG_SOURCE, ProjectionGapError, RebuildBehindError, analyticsDdl,
  analyticsMigrations, analyticsTableNames, dumpAnalytics, logEventSource, rebuildAnalytics,
} from '../../../projections/index.js';
import type { AnalyticsRebuildOptions } from '../../../projections/index.js';
import type { AuctionWriter } from '../../support/auction-traffic.js';
import { runTraffic } from '../../support/auction-traffic.js';
import { applyInBatches, chunks, readAllEvents } from '../../support/log-batches.js';
import { checkpointOf } from '../../support/read-model-dump.js';
import type { Scratch, ScratchServer } from '../../support/scratch-database.js';
import { freshScratchEachTest } from '../../support/scratch-database.js';
import { eventually } from '../../support/system.js';
import { RecordingParking, insertRawEvent, unreadableBid } from '../../support/unreadable-event.js';

const money = (n: number) => n as MinorUnits;
/** 2030-01-01T00:mm:ss.000Z: the scripted market's times (the test clock starts at 2030-01-01T00:00:00Z). */
const at = (mmss: string) => `2030-01-01T00:${mmss}.000Z`;

/** Sets the writer's clock to `mmss` past its start (never backwards). */
const clockAt = (writer: AuctionWriter, mmss: string) => {
  const target = Date.parse(at(mmss));
  assert.ok(target >= writer.clock.ms, `the script's clock goes forwards (${mmss})`);
  writer.clock.ms = target;
};

const createAuction = (writer: AuctionWriter, auctionId: string, o: Partial<Extract<UnstampedCommand, { type: 'CreateAuction' }>>) =>
  writer.must({
    type: 'CreateAuction', auctionId, sellerId: 'sam', title: `Lot ${auctionId}`, description: 'a scripted lot', currency: 'USD',
    startingPrice: money(1000), reservePrice: null, buyNowPrice: null, startsAt: null, endsAt: null, softClose: null,
    approvedBiddersOnly: false, format: 'english', clock: null, ...o,
  } as UnstampedCommand, 'sam');

const bid = (writer: AuctionWriter, auctionId: string, bidderId: string, maxAmount: number) =>
  writer.must({ type: 'PlaceBid', auctionId, bidId: randomUUID(), bidderId, maxAmount: money(maxAmount) }, bidderId);

/**
 * The scripted market (all times 2030-01-01 UTC, the clock starting at 00:00:00, when all six
 * auctions are created by seller sam and open at once):
 * - a-english: english, starting 10.00 (1000), reserve 5000, ends 00:10:00, soft close (window 60 s, extension 120 s)
 *     00:00:30 alice max 2000 -> leads at the starting price 1000 (one bidder)
 *     00:01:30 bob max 1500   -> outbid; price 1500 + increment 50 = 1550
 *     00:09:30 carol max 6000 -> leads; the reserve is met: price 5000; 30 s before 00:10:00: last minute, extended to 00:11:30
 *     00:10:40 alice max 7000 -> leads; price 6000 + 100 = 6100; 50 s before 00:11:30: last minute, extended to 00:12:40
 *     00:13:20 closed: sold at 6100, reserve met
 * - b-unsold: english, starting 500, reserve 10000, ends 00:05:00, no soft close
 *     00:02:00 dave max 800 -> price 500;  00:04:10 erin max 900 -> leads at 800 + 50 = 850 (50 s before the end: last minute)
 *     00:13:20 closed: unsold (reserve not met)
 * - c-cancelled: english, starting 1000, ends 01:00:00; cancelled by sam at 00:03:00, no bid
 * - d-bought: english, starting 2000, reserve 8000, buy-now 9000, ends 01:00:00
 *     00:05:30 frank max 2500 -> price 2000;  00:05:45 gina max 3000 -> leads at 2500 + 100 = 2600
 *     00:06:00 gina retracts (her latest bid, 15 s old) -> frank leads alone at the starting price 2000
 *     00:07:00 hank buys now at 9000 (offered while the reserve is not met)
 * - e-sealed: sealed-first-price, starting 1000, no reserve, ends 00:10:00
 *     00:08:00 alice 1500;  00:09:20 bob 1800 (last minute);  00:09:25 alice raises to 2000 (last minute)
 *     00:13:20 closed: sold to alice at 2000
 * - f-dutch: dutch, starting 10000, down 500 every 60 s to 5000; ivan buys at 00:02:30: two drops, 9000
 */
const playScriptedMarket = async (writer: AuctionWriter): Promise<void> => {
  const ends = (mmss: string) => fromMillis(Date.parse(at(mmss)));
  await createAuction(writer, 'a-english', { reservePrice: money(5000), endsAt: ends('10:00'), softClose: { windowSeconds: 60, extensionSeconds: 120 } as never });
  await createAuction(writer, 'b-unsold', { startingPrice: money(500), reservePrice: money(10_000), endsAt: ends('05:00') });
  await createAuction(writer, 'c-cancelled', { endsAt: fromMillis(Date.parse('2030-01-01T01:00:00.000Z')) });
  await createAuction(writer, 'd-bought', { startingPrice: money(2000), reservePrice: money(8000), buyNowPrice: money(9000), endsAt: fromMillis(Date.parse('2030-01-01T01:00:00.000Z')) });
  await createAuction(writer, 'e-sealed', { format: 'sealed-first-price', endsAt: ends('10:00') });
  await createAuction(writer, 'f-dutch', { format: 'dutch', startingPrice: money(10_000), clock: { decrementAmount: money(500), decrementEverySeconds: 60, floorPrice: money(5000) } as never });
  clockAt(writer, '00:30');
  await bid(writer, 'a-english', 'alice', 2000);
  clockAt(writer, '01:30');
  await bid(writer, 'a-english', 'bob', 1500);
  clockAt(writer, '02:00');
  await bid(writer, 'b-unsold', 'dave', 800);
  clockAt(writer, '02:30');
  await writer.must({ type: 'BuyNow', auctionId: 'f-dutch', buyerId: 'ivan' }, 'ivan');
  clockAt(writer, '03:00');
  await writer.must({ type: 'CancelAuction', auctionId: 'c-cancelled', userId: 'sam', byAdmin: false, reason: null }, 'sam');
  clockAt(writer, '04:10');
  await bid(writer, 'b-unsold', 'erin', 900);
  clockAt(writer, '05:30');
  await bid(writer, 'd-bought', 'frank', 2500);
  clockAt(writer, '05:45');
  await bid(writer, 'd-bought', 'gina', 3000);
  clockAt(writer, '06:00');
  await writer.must({ type: 'RetractBid', auctionId: 'd-bought', bidderId: 'gina', bidId: null, reason: 'entered-wrong-amount' }, 'gina');
  clockAt(writer, '07:00');
  await writer.must({ type: 'BuyNow', auctionId: 'd-bought', buyerId: 'hank' }, 'hank');
  clockAt(writer, '08:00');
  await bid(writer, 'e-sealed', 'alice', 1500);
  clockAt(writer, '09:20');
  await bid(writer, 'e-sealed', 'bob', 1800);
  clockAt(writer, '09:25');
  await bid(writer, 'e-sealed', 'alice', 2000);
  clockAt(writer, '09:30');
  await bid(writer, 'a-english', 'carol', 6000);
  clockAt(writer, '10:40');
  await bid(writer, 'a-english', 'alice', 7000);
  clockAt(writer, '13:20');
  for (const id of ['a-english', 'b-unsold', 'e-sealed']) await writer.must({ type: 'CloseAuction', auctionId: id }, 'system:scheduler');
};

const iso = (column: string) => `${isoMs(column)} AS ${column}`;

const auctionRows = async (sql: SqlExecutor) => (await sql.query(
  `SELECT auction_id, version, format, starting_price::text, reserve_price::text, ${iso('starts_at')}, ${iso('ends_at')}, ${iso('first_bid_at')}, bids,
          distinct_bidders, extensions, last_minute_bids, status, final_price::text, reserve_met, ${iso('ended_at')}
   FROM analytics_auctions ORDER BY auction_id`,
)).rows;

const pricePoints = async (sql: SqlExecutor) => (await sql.query<{ auction_id: string; stream_version: number; at: string; price: string }>(
  `SELECT auction_id, stream_version, ${iso('at')}, price::text FROM analytics_price_points ORDER BY auction_id, stream_version`,
)).rows.map((r) => `${r.auction_id} v${r.stream_version} ${r.at.slice(14, 19)} ${r.price}`);

const minutes = async (sql: SqlExecutor) => (await sql.query<{ minute: string; bids: number; last_minute_bids: number }>(
  `SELECT ${iso('minute')}, bids, last_minute_bids FROM analytics_bids_per_minute ORDER BY minute`,
)).rows.map((r) => `${r.minute.slice(11, 19)} ${r.bids} ${r.last_minute_bids}`);

const row = (o: Record<string, unknown>) => ({
  reserve_price: null, first_bid_at: null, bids: 0, distinct_bidders: 0, extensions: 0, last_minute_bids: 0, final_price: null, ended_at: null, ...o,
});

export const analyticsProjectorContract = (server: () => ScratchServer) => {
  let db: Scratch;
  let writer: AuctionWriter;
  freshScratchEachTest(server, (fresh) => ({ db, writer } = fresh));
  beforeEach(async () => void (await migrate(db.sql, analyticsMigrations)));

  const projectorOn = (suffix = '', name = ANALYTICS_PROJECTION, parking?: RecordingParking, conflictRetries?: number) =>
    new AnalyticsProjector({
      sql: db.sql, name, store: new AnalyticsStore(analyticsTableNames(suffix)),
      ...(parking !== undefined ? { parking } : {}), ...(conflictRetries !== undefined ? { conflictRetries } : {}),
    });

  it('gives the hand-computed figures of a scripted market', async () => {
    await playScriptedMarket(writer);
    const events = await readAllEvents(db);
    await applyInBatches(projectorOn(), events, 5);

    assert.deepEqual(await auctionRows(db.sql), [
      // 4 bids by alice, bob, carol (alice twice): 3 bidders; carol's and alice's second came in the last minute and extended the end twice
      row({
        auction_id: 'a-english', version: 6, format: 'english', starting_price: '1000', reserve_price: '5000', starts_at: at('00:00'), ends_at: at('12:40'),
        first_bid_at: at('00:30'), bids: 4, distinct_bidders: 3, extensions: 2, last_minute_bids: 2, status: 'sold', final_price: '6100', reserve_met: true,
        ended_at: at('13:20'),
      }),
      // erin's bid 50 s before the end counts as last-minute; no soft close, so no extension
      row({
        auction_id: 'b-unsold', version: 4, format: 'english', starting_price: '500', reserve_price: '10000', starts_at: at('00:00'), ends_at: at('05:00'),
        first_bid_at: at('02:00'), bids: 2, distinct_bidders: 2, last_minute_bids: 1, status: 'unsold', reserve_met: false, ended_at: at('13:20'),
      }),
      row({
        auction_id: 'c-cancelled', version: 2, format: 'english', starting_price: '1000', starts_at: at('00:00'), ends_at: '2030-01-01T01:00:00.000Z',
        status: 'cancelled', reserve_met: true, ended_at: at('03:00'),
      }),
      // the retracted bid still counts as placed; bought now at 9000, the reserve never met by a bid
      row({
        auction_id: 'd-bought', version: 5, format: 'english', starting_price: '2000', reserve_price: '8000', starts_at: at('00:00'),
        ends_at: '2030-01-01T01:00:00.000Z', first_bid_at: at('05:30'), bids: 2, distinct_bidders: 2, status: 'sold', final_price: '9000', reserve_met: false,
        ended_at: at('07:00'),
      }),
      // three sealed bids (alice's raise is one), two of them in the last minute; first price: alice pays 2000
      row({
        auction_id: 'e-sealed', version: 5, format: 'sealed-first-price', starting_price: '1000', starts_at: at('00:00'), ends_at: at('10:00'),
        first_bid_at: at('08:00'), bids: 3, distinct_bidders: 2, last_minute_bids: 2, status: 'sold', final_price: '2000', reserve_met: true, ended_at: at('13:20'),
      }),
      // the clock ends it at 00:11:00 (10 drops to the floor, held one step); ivan took it at 9000
      row({
        auction_id: 'f-dutch', version: 2, format: 'dutch', starting_price: '10000', starts_at: at('00:00'), ends_at: at('11:00'), status: 'sold',
        final_price: '9000', reserve_met: true, ended_at: at('02:30'),
      }),
    ]);
    assert.deepEqual(await pricePoints(db.sql), [
      'a-english v1 00:00 1000', 'a-english v2 00:30 1000', 'a-english v3 01:30 1550', 'a-english v4 09:30 5000', 'a-english v5 10:40 6100',
      'b-unsold v1 00:00 500', 'b-unsold v2 02:00 500', 'b-unsold v3 04:10 850',
      'c-cancelled v1 00:00 1000',
      // gina's retraction leaves frank alone at the starting price
      'd-bought v1 00:00 2000', 'd-bought v2 05:30 2000', 'd-bought v3 05:45 2600', 'd-bought v4 06:00 2000', 'd-bought v5 07:00 9000',
      // a sealed auction shows a price only at its close
      'e-sealed v5 13:20 2000',
      'f-dutch v1 00:00 10000', 'f-dutch v2 02:30 9000',
    ]);
    const bidders = await db.sql.query<{ b: string }>(`SELECT auction_id || ' ' || bidder_id AS b FROM analytics_auction_bidders ORDER BY auction_id, bidder_id`);
    assert.deepEqual(bidders.rows.map((r) => r.b), [
      'a-english alice', 'a-english bob', 'a-english carol', 'b-unsold dave', 'b-unsold erin', 'd-bought frank', 'd-bought gina', 'e-sealed alice', 'e-sealed bob',
    ]);
    // 11 bids, 6 in an auction's last minute: minute, bids, last-minute bids
    assert.deepEqual(await minutes(db.sql), [
      '00:00:00 1 0', // a alice
      '00:01:00 1 0', // a bob
      '00:02:00 1 0', // b dave
      '00:04:00 1 1', // b erin
      '00:05:00 2 0', // d frank, d gina
      '00:08:00 1 0', // e alice
      '00:09:00 3 3', // e bob, e alice, a carol
      '00:10:00 1 1', // a alice
    ]);
    assert.equal(await checkpointOf(db.sql, ANALYTICS_PROJECTION, LOG_SOURCE), events[events.length - 1]!.position);
  });

  it('gives the same tables whatever the batches (one event at a time, or all at once), and redelivery changes nothing', async () => {
    await playScriptedMarket(writer);
    await runTraffic(writer, { auctions: 12, commands: 150, seed: 23, prefix: 't' });
    const events = await readAllEvents(db);
    const sizes = [1, 7, events.length];
    for (const size of sizes) {
      await db.sql.exec(analyticsDdl(`_b${size}`));
      await applyInBatches(projectorOn(`_b${size}`, `batches-${size}`), events, size);
    }
    const [first, ...rest] = await Promise.all(sizes.map((size) => dumpAnalytics(db.sql, `_b${size}`)));
    assert.equal(first!.auctions.length, 18);
    for (const dump of rest) assert.deepEqual(dump, first);

    const projector = projectorOn('_b7', 'batches-7');
    const last = events[events.length - 1]!.position;
    await projector.apply(events, LOG_SOURCE, last);
    for (const window of chunks(events, 9)) await projector.apply([...window, ...window], LOG_SOURCE, last);
    await projector.apply(events.slice(3, 40), LOG_SOURCE, last);
    assert.deepEqual(await dumpAnalytics(db.sql, '_b7'), first);
  });

  it('counts each event once when two instances write the same tables at once (compare-and-set, retried)', async () => {
    await playScriptedMarket(writer);
    await runTraffic(writer, { auctions: 10, commands: 150, seed: 29, prefix: 'c' });
    const events = await readAllEvents(db);
    await db.sql.exec(analyticsDdl('_one'));
    await applyInBatches(projectorOn('_one', 'alone'), events, 50);
    // two instances (two checkpoints) on the live tables, overlapping batches of different sizes
    await Promise.all([applyInBatches(projectorOn('', 'first', undefined, 20), events, 5), applyInBatches(projectorOn('', 'second', undefined, 20), events, 13)]);
    const alone = await dumpAnalytics(db.sql, '_one');
    assert.deepEqual(await dumpAnalytics(db.sql), alone);
  });

  it('moves only the checkpoint for events of other streams (accounts, sales)', async () => {
    await writer.create('lot', {});
    const events = await readAllEvents(db);
    const other = { ...events[0]!, streamId: 'account-someone', type: 'AccountRegistered' };
    const projector = projectorOn();
    await projector.loadCheckpoint(LOG_SOURCE);
    await projector.apply([other], LOG_SOURCE, '0:1');
    assert.deepEqual((await dumpAnalytics(db.sql)).auctions, []);
    assert.equal(await checkpointOf(db.sql, ANALYTICS_PROJECTION, LOG_SOURCE), '0:1');
  });

  it('refuses a stale checkpoint (CheckpointMovedError) and a hole in a stream, writing nothing of either', async () => {
    await writer.create('gap', {});
    await writer.bid('gap', 'alice', 1200);
    await writer.bid('gap', 'bob', 1500);
    const events = await readAllEvents(db);
    const first = projectorOn();
    const second = projectorOn();
    await first.loadCheckpoint(LOG_SOURCE);
    await second.loadCheckpoint(LOG_SOURCE);
    await first.apply(events.slice(0, 1), LOG_SOURCE, events[0]!.position);
    const before = await dumpAnalytics(db.sql);
    // the second instance read no checkpoint; the first moved it meanwhile
    await assert.rejects(second.apply(events.slice(1), LOG_SOURCE, events[2]!.position), (e: unknown) =>
      e instanceof CheckpointMovedError && e.projection === ANALYTICS_PROJECTION && e.expected === null && e.stored === events[0]!.position);
    // and keeps refusing until it reloads the checkpoint
    await assert.rejects(second.apply(events.slice(1), LOG_SOURCE, events[2]!.position), CheckpointMovedError);
    assert.deepEqual(await dumpAnalytics(db.sql), before);
    // version 2 missing
    await assert.rejects(first.apply([events[2]!], LOG_SOURCE, events[2]!.position), (e: unknown) =>
      e instanceof ProjectionGapError && e.auctionId === 'gap' && e.expectedVersion === 2 && e.receivedVersion === 3);
    assert.deepEqual(await dumpAnalytics(db.sql), before);
    assert.equal(await second.loadCheckpoint(LOG_SOURCE), events[0]!.position);
    await second.apply(events.slice(1), LOG_SOURCE, events[2]!.position);
    const { rows } = await db.sql.query('SELECT bids, distinct_bidders, version FROM analytics_auctions');
    assert.deepEqual(rows, [{ bids: 2, distinct_bidders: 2, version: 3 }]);
  });

  it('reads events of older schema versions (upcast) and parks a stream it cannot read, going on with the others', async () => {
    // An auction as the first release stored it: AuctionCreated v1 (no soft close, approvals, format), AuctionClosed v1 (no ranking).
    await insertRawEvent(db.sql, 'legacy', {
      type: 'AuctionCreated', schemaVersion: 1, userId: 'sam',
      data: {
        auctionId: 'legacy', sellerId: 'sam', title: 'Old lot', description: 'an old lot', currency: 'EUR', startingPrice: 700, reservePrice: null, buyNowPrice: null,
        startsAt: at('00:00'), endsAt: at('30:00'), createdAt: at('00:00'),
      },
    });
    await insertRawEvent(db.sql, 'legacy', {
      type: 'AuctionClosed', schemaVersion: 1, userId: 'system:scheduler',
      data: { auctionId: 'legacy', closedAt: at('30:00'), result: 'unsold', winnerId: null, finalPrice: null, bidCount: 0, reserveMet: true },
    });
    await writer.create('broken', {});
    await insertRawEvent(db.sql, 'broken', unreadableBid('broken'));
    await writer.create('fine', {});
    await writer.bid('fine', 'alice', 1500);
    const parking = new RecordingParking();
    const projector = projectorOn('', ANALYTICS_PROJECTION, parking);
    await applyInBatches(projector, await readAllEvents(db), 100);
    assert.deepEqual(await auctionRows(db.sql).then((rows) => rows.map((r) => [r['auction_id'], r['format'], r['version'], r['status'], r['bids']])), [
      ['broken', 'english', 1, 'open', 0],
      ['fine', 'english', 2, 'open', 1],
      ['legacy', 'english', 2, 'unsold', 0],
    ]);
    assert.deepEqual(parking.parkedStreams.map((p) => [p.projection, p.streamId, p.streamVersion]), [[ANALYTICS_PROJECTION, streamIdOf('broken'), 2]]);
    assert.deepEqual((await projector.parkedStreams()).map((p) => p.streamId), [streamIdOf('broken')]);
    // later events of the parked stream are skipped, the others' applied
    await writer.bid('fine', 'bob', 2000);
    const more = await readAllEvents(db);
    await projector.apply(more, LOG_SOURCE, more[more.length - 1]!.position);
    const { rows } = await db.sql.query(`SELECT auction_id, bids FROM analytics_auctions WHERE auction_id IN ('broken', 'fine') ORDER BY auction_id`);
    assert.deepEqual(rows, [{ auction_id: 'broken', bids: 0 }, { auction_id: 'fine', bids: 2 }]);
  });

  const rebuild = (options: Partial<AnalyticsRebuildOptions> = {}) => rebuildAnalytics({ sql: db.sql, log: db.log, logWithin: db.logOn, ...options });

  it('a rebuild from the log gives tables identical to the live projection, twice, whatever its page size', async () => {
    await playScriptedMarket(writer);
    await runTraffic(writer, { auctions: 15, commands: 200, seed: 41, prefix: 'rb' });
    await insertRawEvent(db.sql, 'rb-0', unreadableBid('rb-0'));
    const events = await readAllEvents(db);
    await applyInBatches(projectorOn(), events, 40);
    await db.sql.query(`INSERT INTO projection_checkpoints (projection, source, position) VALUES ($1, 'kafka:auction-events:0', '42')`, [ANALYTICS_PROJECTION]);
    const live = await dumpAnalytics(db.sql);
    assert.equal(live.auctions.length, 21);
    assert.equal(live.parkedStreams.length, 1);

    const first = await rebuild();
    assert.equal(first.events, events.length);
    assert.equal(first.position, events[events.length - 1]!.position);
    assert.deepEqual(first.parked.map((p) => p.streamId), [streamIdOf('rb-0')]);
    assert.deepEqual(await dumpAnalytics(db.sql), live);
    await rebuild({ batchSize: 7 });
    assert.deepEqual(await dumpAnalytics(db.sql), live);
    // the tables are named as the migrations named them, with their indexes
    const { rows: indexes } = await db.sql.query<{ i: string }>(
      `SELECT indexname AS i FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE 'analytics%' ORDER BY indexname`,
    );
    assert.deepEqual(indexes.map((r) => r.i), [
      'analytics_auction_bidders_pkey', 'analytics_auctions_created_at', 'analytics_auctions_ended_at', 'analytics_auctions_pkey',
      'analytics_bids_per_minute_pkey', 'analytics_parked_streams_pkey', 'analytics_price_points_pkey',
    ]);
    assert.equal(await checkpointOf(db.sql, ANALYTICS_PROJECTION, LOG_SOURCE), first.position);
    assert.equal(await checkpointOf(db.sql, ANALYTICS_PROJECTION, 'kafka:auction-events:0'), '42');
  });

  it('rebuilds while bids keep coming and a live projector runs: the result equals a rebuild of the final log', async () => {
    const live = await logEventSource(db.log, { batchSize: 10 }).run(projectorOn());
    try {
      for (const id of ['z-0', 'z-1']) await writer.create(id, { endsInSeconds: 7200 });
      await runTraffic(writer, { auctions: 8, commands: 80, seed: 61, prefix: 'lv', closeAll: false });
      const reached = async (position: string) => eventually(async () => {
        const checkpoint = await checkpointOf(db.sql, ANALYTICS_PROJECTION, LOG_SOURCE);
        return checkpoint !== undefined && db.log.compareLogPositions(checkpoint, position) >= 0 ? true : undefined;
      }, `the live projector to reach ${position}`);
      await rebuild({
        batchSize: 20,
        // the live projector moves ahead of what the rebuild has read, right before the swap
        hooks: { beforeSwap: async () => void (await reached((await bid(writer, 'z-0', 'zoe', 90_000)).recorded[0]!.position)) },
      });
      await bid(writer, 'z-1', 'zoe', 90_000);
      const events = await readAllEvents(db);
      // the live projector resumes after the swap's moved checkpoint, up to the head
      await reached(events[events.length - 1]!.position);
    } finally {
      await live.stop();
    }
    const projected = await dumpAnalytics(db.sql);
    await rebuild();
    assert.deepEqual(await dumpAnalytics(db.sql), projected);
  });

  it('refuses to swap when a live row is ahead of the rebuilt tables', async () => {
    await writer.create('ahead', {});
    const events = await readAllEvents(db);
    await applyInBatches(projectorOn(), events, 10);
    await db.sql.query(`UPDATE analytics_auctions SET version = 99`);
    const before = await dumpAnalytics(db.sql);
    await assert.rejects(rebuild(), RebuildBehindError);
    assert.deepEqual(await dumpAnalytics(db.sql), before);
  });
};
