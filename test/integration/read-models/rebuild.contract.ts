// Rebuild of the read models against a real database: fresh tables from the start of the log,
// swapped in atomically; compared by dumps of every row and of the tables' definitions.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Upcaster } from '../../../domain/index.js';
import { upcasters } from '../../../domain/index.js';
import {
  LOG_SOURCE, READ_MODEL_PROJECTION, RebuildBehindError, RebuildParkedError, ReadModelProjector, ReadModelStore, logEventSource, readModelDdl,
  readModelTableNames, rebuildReadModels,
} from '../../../projections/index.js';
import type { RebuildOptions } from '../../../projections/index.js';
import { AuctionWriter, runTraffic } from '../../support/auction-traffic.js';
import { checkpointOf, dumpReadModelSchema, dumpReadModels, misledBidders, settledHead } from '../../support/read-model-dump.js';
import type { Scratch, ScratchServer } from '../../support/scratch-database.js';
import { freshScratchEachTest } from '../../support/scratch-database.js';
import { eventually } from '../../support/system.js';
import { applyInBatches, readAllEvents } from '../../support/log-batches.js';
import { pseudonym } from './read-model-projector.contract.js';
import { insertRawEvent } from '../../support/unreadable-event.js';

export const rebuildContract = (server: () => ScratchServer) => {
  let db: Scratch;
  let writer: AuctionWriter;
  freshScratchEachTest(server, (fresh) => ({ db, writer } = fresh));

  const rebuild = (options: Partial<RebuildOptions> = {}) => rebuildReadModels({ sql: db.sql, log: db.log, pseudonym, logWithin: db.logOn, ...options });
  const exists = async (table: string) => (await db.sql.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table])).rows[0]?.t !== null;

  it('a bulk insert of bids (COPY on PostgreSQL, INSERT on PGlite) stores exactly what insertBids stores, whatever the text (property)', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\t', '\n', '\r', '\\', 'N', '\u00e9', '\u{1f528}', '"', ',', "'"), maxLength: 12 });
    const bid = (i: number) => fc.record({
      bidId: text, bidderId: text, bidderPseudonym: text, maxAmount: fc.integer({ min: 0, max: 2 ** 53 - 1 }),
      outcome: fc.constantFrom('new-leader', 'outbid', 'raised-maximum'), priceAfter: fc.integer({ min: 0, max: 10 ** 12 }), leaderPseudonym: text,
      placedAt: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
      extended: fc.boolean(), eventId: text, commandId: text, logPosition: text, prevHash: text, hash: text,
    }).map((b) => ({ ...b, auctionId: `a\t${i % 3}\\`, streamVersion: i + 1, endsAtAfter: b.placedAt, retractedBidIds: null }));
    const inserted = new ReadModelStore(readModelTableNames('_ins'));
    const bulk = new ReadModelStore(readModelTableNames('_bulk'));
    await db.sql.exec(readModelDdl('_ins'));
    await db.sql.exec(readModelDdl('_bulk'));
    if (server().kind === 'postgres') assert.notEqual(db.sql.copyFrom, undefined, 'PostgreSQL has COPY: the bulk path is the one tested');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => bid(i)))), async (bids) => {
        await db.sql.exec('TRUNCATE bid_history_ins, bid_history_bulk');
        await inserted.insertBids(db.sql, bids);
        await bulk.insertBidsInBulk(db.sql, bids);
        const expected = (await dumpReadModels(db.sql, '_ins')).bidHistory;
        assert.equal(expected.length, bids.length);
        assert.deepEqual((await dumpReadModels(db.sql, '_bulk')).bidHistory, expected);
      }),
      { numRuns: 25 },
    );
  });

  it('two rebuilds of one log give identical tables, equal to the live projection, named as the migrations named them', async () => {
    await runTraffic(writer, { auctions: 20, commands: 250, seed: 51, prefix: 'rb' });
    const events = await readAllEvents(db);
    await applyInBatches(new ReadModelProjector({ sql: db.sql, pseudonym }), events, 40);
    await db.sql.query(`INSERT INTO projection_checkpoints (projection, source, position) VALUES ($1, 'kafka:auction-events:0', '42')`, [READ_MODEL_PROJECTION]);
    const live = await dumpReadModels(db.sql);
    const schema = await dumpReadModelSchema(db.sql);
    assert.equal(live.auctionView.length, 20);
    assert.ok(events.some((e) => e.type === 'BidRetracted') && events.some((e) => e.type === 'BidderApproved'), 'the traffic retracted bids and approved bidders');

    const first = await rebuild();
    assert.equal(first.events, events.length);
    assert.equal(first.position, events[events.length - 1]!.position);
    const once = await dumpReadModels(db.sql);
    assert.deepEqual(await dumpReadModelSchema(db.sql), schema);
    assert.equal(await exists('auction_view_rebuild'), false);

    await rebuild({ batchSize: 7 });
    const twice = await dumpReadModels(db.sql);
    assert.deepEqual(once, live);
    assert.deepEqual(twice, once);
    assert.deepEqual(await dumpReadModelSchema(db.sql), schema);
    // the log checkpoint is where the rebuild read up to; a Kafka checkpoint is kept (see rebuild-read-models.ts)
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE), first.position);
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, 'kafka:auction-events:0'), '42');
  });

  it('gives the tables of the live projection whatever its page size, however few auction rows it holds in memory and however few ended ones it writes at once (property)', async () => {
    await runTraffic(writer, { auctions: 12, commands: 150, seed: 57, prefix: 'rm' });
    const events = await readAllEvents(db);
    await applyInBatches(new ReadModelProjector({ sql: db.sql, pseudonym }), events, 1);
    const live = await dumpReadModels(db.sql);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 8 }), async (batchSize, maxRowsInMemory, rowsPerStatement) => {
        const report = await rebuild({ batchSize, maxRowsInMemory, rowsPerStatement });
        assert.equal(report.events, events.length);
        assert.deepEqual(await dumpReadModels(db.sql), live);
      }),
      { numRuns: 8 },
    );
  });

  it('rebuilds while bids keep coming and a live projector runs: the result equals a rebuild of the final log', async function () {
    const live = await logEventSource(db.log, { batchSize: 10 }).run(new ReadModelProjector({ sql: db.sql, pseudonym }));
    for (const id of ['z-0', 'z-1', 'z-2']) await writer.create(id, { endsInSeconds: 7200 });
    let zoeMax = 5_000;
    const zoeBids = async (auctionId: string): Promise<string> => {
      zoeMax += 1_000;
      const placed = await writer.must({ type: 'PlaceBid', auctionId, bidId: `zoe-${zoeMax}`, bidderId: 'zoe', maxAmount: zoeMax as never }, 'zoe');
      return placed.recorded[0]!.position;
    };
    await runTraffic(writer, { auctions: 10, commands: 100, seed: 61, prefix: 'lv', closeAll: false });
    // a second writer on its own auctions and clock, appending while the rebuild runs
    const traffic = runTraffic(new AuctionWriter(db.log), { auctions: 6, commands: 150, seed: 62, prefix: 'lw' });
    const reached = (position: string) => eventually(async () => {
      const checkpoint = await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE);
      return checkpoint !== undefined && db.log.compareLogPositions(checkpoint, position) >= 0 ? true : undefined;
    }, `the live projector to reach ${position}`);
    const postgres = server().kind === 'postgres';
    const report = await rebuild({
      batchSize: 20,
      hooks: {
        // the live projector moves ahead of what the rebuild has read, right before the swap
        beforeSwap: async () => void (await reached(await zoeBids('z-0'))),
        // PostgreSQL: an append while the live tables are locked (the live projector now waits on
        // the lock); the swap's catch-up must take it. (PGlite has one connection: nothing else runs.)
        ...(postgres ? { afterLock: async () => void (await zoeBids('z-1')) } : {}),
      },
    });
    if (postgres) assert.ok(report.caughtUpInSwap >= 1, `the swap caught up ${report.caughtUpInSwap} events`);
    await traffic;
    await reached(await zoeBids('z-2'));
    await reached(await settledHead(db.sql, db.log));
    await live.stop();
    const projected = await dumpReadModels(db.sql);
    assert.equal(await misledBidders(db.sql), 0);
    await rebuild();
    assert.deepEqual(projected, await dumpReadModels(db.sql));
  });

  it('a projector on another source (Kafka) keeps its checkpoint through the swap and misses nothing it had applied', async () => {
    // A stand-in for a Kafka consumer: its own source name and positions, fed from the log by the test.
    const kafka = 'kafka:auction-events:0';
    const consumer = new ReadModelProjector({ sql: db.sql, pseudonym });
    await consumer.loadCheckpoint(kafka);
    let delivered = '0';
    const deliver = async () => {
      const events = await readAllEvents(db, delivered);
      if (events.length === 0) return;
      delivered = events[events.length - 1]!.position;
      await consumer.apply(events, kafka, delivered);
    };
    await runTraffic(writer, { auctions: 6, commands: 60, seed: 81, prefix: 'kf', closeAll: false });
    await writer.create('late', { endsInSeconds: 7200 });
    await deliver();
    await rebuild({
      hooks: {
        // after the rebuild's last read outside the lock, the consumer applies a new event
        beforeSwap: async () => {
          await writer.bid('late', 'zoe', 9_000);
          await deliver();
        },
      },
    });
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, kafka), delivered);
    await runTraffic(writer, { auctions: 2, commands: 20, seed: 82, prefix: 'kg' });
    await deliver();
    const projected = await dumpReadModels(db.sql);
    assert.ok(projected.bidHistory.some((row) => row.includes('zoe')), 'the bid applied before the swap is in the new tables');
    await rebuild();
    assert.deepEqual(projected, await dumpReadModels(db.sql));
  });

  it('a rebuild killed after its preparation leaves leftovers that the next rebuild clears: it gives the tables of a clean one', async () => {
    await runTraffic(writer, { auctions: 8, commands: 90, seed: 91, prefix: 'kl' });
    await settledHead(db.sql, db.log); // the whole log, also on a shared PostgreSQL server
    await rebuild();
    const clean = await dumpReadModels(db.sql);
    const schema = await dumpReadModelSchema(db.sql);
    // killed after two pages: fresh tables created and partly filled, never swapped
    let pages = 0;
    const killed = new Error('killed');
    await assert.rejects(
      rebuild({
        batchSize: 5,
        onProgress: () => {
          pages += 1;
          if (pages === 2) throw killed;
        },
      }),
      (e: unknown) => e === killed,
    );
    assert.equal(await exists('bid_history_rebuild'), true);
    assert.deepEqual(await dumpReadModels(db.sql), clean);
    // and what a damaged catalog leaves behind: a row type whose table is gone
    await db.sql.exec('DROP TABLE auction_view_rebuild; CREATE TYPE auction_view_rebuild AS (auction_id text)');
    await rebuild({ batchSize: 7 });
    assert.deepEqual(await dumpReadModels(db.sql), clean);
    assert.deepEqual(await dumpReadModelSchema(db.sql), schema);
    for (const table of ['auction_view_rebuild', 'bid_history_rebuild', 'bidder_activity_rebuild']) assert.equal(await exists(table), false, table);
  });

  it('refuses to swap when a live row is ahead of the log, and leaves the live tables as they were', async () => {
    await runTraffic(writer, { auctions: 3, commands: 20, seed: 71, prefix: 'ah' });
    await applyInBatches(new ReadModelProjector({ sql: db.sql, pseudonym }), await readAllEvents(db), 100);
    const honest = await dumpReadModels(db.sql);
    await db.sql.query(`UPDATE auction_view SET version = version + 5 WHERE auction_id = 'ah-1'`);
    const before = await dumpReadModels(db.sql);
    const checkpoint = await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE);
    await assert.rejects(rebuild(), (e: unknown) => e instanceof RebuildBehindError && e.auctions === 1);
    assert.deepEqual(await dumpReadModels(db.sql), before);
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE), checkpoint);
    // the next rebuild starts afresh from the leftovers
    await db.sql.query(`UPDATE auction_view SET version = version - 5 WHERE auction_id = 'ah-1'`);
    await rebuild();
    assert.deepEqual(await dumpReadModels(db.sql), honest);
    assert.equal(await exists('auction_view_rebuild'), false);
  });

  // README, "Events that cannot be read": the operator's procedure, end to end.
  it('parks a stream it cannot read, as the live projector does, identically twice; with an upcaster for the old shape it projects the stream and un-parks it', async () => {
    await writer.create('old', { startingPrice: 1000 });
    await writer.bid('old', 'alice', 1200);
    // what an older version wrote: a bid of schema version 0, with `bidder`/`leader` for `bidderId`/`leaderId`
    await insertRawEvent(db.sql, 'old', {
      type: 'BidPlaced',
      schemaVersion: 0,
      data: {
        auctionId: 'old', bidId: 'b-0', bidder: 'bob', maxAmount: 1500, placedAt: writer.clock.iso(), outcome: 'new-leader', leader: 'bob',
        currentPrice: 1250, bidCount: 2, reserveMet: true, buyNowAvailable: false, endsAt: writer.clock.iso(3600), extended: false,
      },
      userId: 'bob',
      serverTime: writer.clock.iso(),
    });
    await writer.create('fine', {});
    await writer.bid('fine', 'carol', 1500);
    const events = await readAllEvents(db);
    await applyInBatches(new ReadModelProjector({ sql: db.sql, pseudonym }), events, 2);
    const live = await dumpReadModels(db.sql);
    assert.equal(live.parkedStreams.length, 1);

    // strict: refuses to swap, and changes nothing
    await assert.rejects(rebuild({ strict: true }), (e: unknown) => e instanceof RebuildParkedError && e.parked.map((p) => p.streamId).join() === 'auction-old');
    assert.deepEqual(await dumpReadModels(db.sql), live);

    const first = await rebuild();
    assert.deepEqual(first.parked.map((p) => [p.streamId, p.streamVersion, p.position, p.eventType]), [['auction-old', 3, events[2]!.position, 'BidPlaced']]);
    assert.match(first.parked[0]!.reason, /no upcaster for BidPlaced from schema version 0/);
    const once = await dumpReadModels(db.sql);
    assert.deepEqual(once, live);
    await rebuild({ batchSize: 1 });
    assert.deepEqual(await dumpReadModels(db.sql), once);

    // the fix: an upcaster from schema version 0 (in domain/upcast.ts), then a rebuild
    const renameBidder: Upcaster = {
      type: 'BidPlaced',
      from: 0,
      up: ({ bidder, leader, ...rest }) => ({ ...rest, bidderId: bidder ?? null, leaderId: leader ?? null }),
    };
    const fixed = await rebuild({ upcasters: [...upcasters, renameBidder] });
    assert.deepEqual(fixed.parked, []);
    const { rows } = await db.sql.query('SELECT auction_id, version, bid_count, leader_id FROM auction_view ORDER BY auction_id');
    assert.deepEqual(rows, [
      { auction_id: 'fine', version: 2, bid_count: 1, leader_id: 'carol' },
      { auction_id: 'old', version: 3, bid_count: 2, leader_id: 'bob' },
    ]);
    assert.deepEqual((await dumpReadModels(db.sql)).parkedStreams, []);
    // and the live projector, with the same upcaster, carries on from there
    await writer.bid('fine', 'dave', 3000);
    const projector = new ReadModelProjector({ sql: db.sql, pseudonym, upcasters: [...upcasters, renameBidder] });
    await applyInBatches(projector, await readAllEvents(db, fixed.position), 10);
    assert.deepEqual(await projector.parkedStreams(), []);
  });
};
