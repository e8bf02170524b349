// The read-model projector against a real database: PGlite always, PostgreSQL with DATABASE_URL.
// Events come from the real command handler through the real event log.
import assert from 'node:assert/strict';
import type { Projector } from '../../../projections/index.js';
import { START } from '../../../domain/index.js';
import { pseudonymiser } from '../../../infra/index.js';
import {
  CheckpointMovedError, LOG_SOURCE, ProjectionGapError, READ_MODEL_PROJECTION, ReadModelProjector, ReadModelStore, logEventSource, readModelDdl,
  readModelTableNames,
} from '../../../projections/index.js';
import { AuctionWriter, runTraffic } from '../../support/auction-traffic.js';
import { applyInBatches, chunks, readAllEvents } from '../../support/log-batches.js';
import { checkpointOf, dumpReadModels, misledBidders, settledHead } from '../../support/read-model-dump.js';
import type { Scratch, ScratchServer } from '../../support/scratch-database.js';
import { freshScratchEachTest } from '../../support/scratch-database.js';
import { eventually } from '../../support/system.js';
import { RecordingParking, insertRawEvent, unreadableBid } from '../../support/unreadable-event.js';

export const pseudonym = pseudonymiser('read-model-test-secret-0123456789abcdef');

export const readModelProjectorContract = (server: () => ScratchServer) => {
  let db: Scratch;
  let writer: AuctionWriter;
  freshScratchEachTest(server, (fresh) => ({ db, writer } = fresh));

  const projectorOn = (suffix = '', name = READ_MODEL_PROJECTION) =>
    new ReadModelProjector({ sql: db.sql, pseudonym, name, store: new ReadModelStore(readModelTableNames(suffix)) });

  it('copies the facts of a worked auction into auction_view, bid_history and bidder_activity', async () => {
    await writer.create('lot-1', { sellerId: 'sam', startingPrice: 1000, reservePrice: 5000, buyNowPrice: 12000, endsInSeconds: 600 });
    await writer.bid('lot-1', 'alice', 2000);
    await writer.bid('lot-1', 'bob', 1500);
    await writer.bid('lot-1', 'carol', 6000);
    writer.clock.advance(700);
    await writer.close('lot-1');
    const events = await readAllEvents(db);
    await applyInBatches(projectorOn(), events, 100);

    const { rows: [view] } = await db.sql.query(
      `SELECT current_price::text, bid_count, leader_id, leader_pseudonym, reserve_met, buy_now_available, outcome, winner_id,
              winner_pseudonym, final_price::text, version, log_position FROM auction_view WHERE auction_id = 'lot-1'`,
    );
    assert.deepEqual(view, {
      current_price: '5000', bid_count: 3, leader_id: 'carol', leader_pseudonym: pseudonym('lot-1', 'carol'), reserve_met: true,
      buy_now_available: false, outcome: 'sold', winner_id: 'carol', winner_pseudonym: pseudonym('lot-1', 'carol'), final_price: '5000',
      version: 5, log_position: events[4]!.position,
    });
    const bids = await db.sql.query(`SELECT stream_version, bidder_id, bidder_pseudonym, max_amount::text, outcome, price_after::text, leader_pseudonym, hash
      FROM bid_history WHERE auction_id = 'lot-1' ORDER BY stream_version`);
    assert.deepEqual(bids.rows, [
      { stream_version: 2, bidder_id: 'alice', bidder_pseudonym: pseudonym('lot-1', 'alice'), max_amount: '2000', outcome: 'new-leader', price_after: '1000', leader_pseudonym: pseudonym('lot-1', 'alice'), hash: events[1]!.hash },
      { stream_version: 3, bidder_id: 'bob', bidder_pseudonym: pseudonym('lot-1', 'bob'), max_amount: '1500', outcome: 'outbid', price_after: '1550', leader_pseudonym: pseudonym('lot-1', 'alice'), hash: events[2]!.hash },
      { stream_version: 4, bidder_id: 'carol', bidder_pseudonym: pseudonym('lot-1', 'carol'), max_amount: '6000', outcome: 'new-leader', price_after: '5000', leader_pseudonym: pseudonym('lot-1', 'carol'), hash: events[3]!.hash },
    ]);
    const activity = await db.sql.query(`SELECT bidder_id, bid_count, highest_max::text, is_leading FROM bidder_activity ORDER BY bidder_id`);
    assert.deepEqual(activity.rows, [
      { bidder_id: 'alice', bid_count: 1, highest_max: '2000', is_leading: false },
      { bidder_id: 'bob', bid_count: 1, highest_max: '1500', is_leading: false },
      { bidder_id: 'carol', bid_count: 1, highest_max: '6000', is_leading: true },
    ]);
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE), events[4]!.position);
  });

  it('changes nothing when events are delivered again, whole or overlapping', async () => {
    await runTraffic(writer, { auctions: 6, commands: 60, seed: 7, prefix: 'r' });
    const events = await readAllEvents(db);
    const projector = projectorOn();
    await applyInBatches(projector, events, 25);
    const once = await dumpReadModels(db.sql);
    assert.ok(once.bidHistory.length > 10, 'the traffic placed bids');

    await projector.apply(events, LOG_SOURCE, events[events.length - 1]!.position);
    for (const window of chunks(events, 9)) await projector.apply([...window, ...window], LOG_SOURCE, events[events.length - 1]!.position);
    await projector.apply(events.slice(3, 40), LOG_SOURCE, events[events.length - 1]!.position);
    assert.deepEqual(await dumpReadModels(db.sql), once);
  });

  it('refuses a batch with a hole in a stream, and writes nothing of it', async () => {
    await writer.create('gap', {});
    await writer.bid('gap', 'alice', 1200);
    await writer.bid('gap', 'bob', 1500);
    await writer.bid('gap', 'alice', 2500);
    await writer.create('other', {});
    const events = await readAllEvents(db);
    const projector = projectorOn();
    await applyInBatches(projector, events.slice(0, 2), 10);
    const before = await dumpReadModels(db.sql);
    const checkpoint = await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE);

    // version 3 of 'gap' is missing; 'other' in the same batch is not written either
    const holed = [events[3]!, events[4]!];
    await assert.rejects(projector.apply(holed, LOG_SOURCE, events[4]!.position), (e: unknown) =>
      e instanceof ProjectionGapError && e.auctionId === 'gap' && e.expectedVersion === 3 && e.receivedVersion === 4);
    // a stream whose first event never came
    await assert.rejects(projector.apply([events[2]!].map((e) => ({ ...e, streamId: 'auction-unknown' })), LOG_SOURCE, events[2]!.position), ProjectionGapError);
    assert.deepEqual(await dumpReadModels(db.sql), before);
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE), checkpoint);

    await projector.apply(events.slice(2), LOG_SOURCE, events[4]!.position);
    const { rows } = await db.sql.query<{ n: number }>('SELECT count(*)::integer AS n FROM auction_view');
    assert.equal(rows[0]!.n, 2);
  });

  it('gives the same tables whatever the batches: one event at a time, or many auctions per batch', async () => {
    await runTraffic(writer, { auctions: 30, commands: 300, seed: 11, prefix: 'm' });
    const events = await readAllEvents(db);
    const sizes = [1, 7, 64, events.length];
    for (const size of sizes) {
      const suffix = `_b${size}`;
      await db.sql.exec(readModelDdl(suffix));
      await applyInBatches(projectorOn(suffix, `batches-${size}`), events, size);
    }
    const [first, ...rest] = await Promise.all(sizes.map((size) => dumpReadModels(db.sql, `_b${size}`)));
    assert.equal(first!.auctionView.length, 30);
    for (const dump of rest) assert.deepEqual(dump, first);
  });

  it('recomputes is_leading for every bidder of an auction whose leader changes', async () => {
    await writer.create('lead', { buyNowPrice: 50_000 });
    await writer.create('bought', { reservePrice: 10_000, buyNowPrice: 50_000 });
    const projector = projectorOn();
    await projector.loadCheckpoint(LOG_SOURCE);
    let after = START;
    const step = async () => {
      const fresh = await readAllEvents(db, after);
      if (fresh.length > 0) await projector.apply(fresh, LOG_SOURCE, fresh[fresh.length - 1]!.position);
      after = fresh[fresh.length - 1]?.position ?? after;
      return (await db.sql.query<{ bidder_id: string; is_leading: boolean }>(
        `SELECT bidder_id, is_leading FROM bidder_activity WHERE auction_id = 'lead' ORDER BY bidder_id`)).rows.map((r) => `${r.bidder_id}:${r.is_leading}`);
    };
    await writer.bid('lead', 'alice', 2000);
    assert.deepEqual(await step(), ['alice:true']);
    await writer.bid('lead', 'bob', 3000);
    assert.deepEqual(await step(), ['alice:false', 'bob:true']);
    await writer.bid('lead', 'carol', 2500); // outbid: bob still leads
    assert.deepEqual(await step(), ['alice:false', 'bob:true', 'carol:false']);
    await writer.bid('lead', 'alice', 9000); // alice back in front, in the same batch as carol's next bid
    await writer.bid('lead', 'carol', 12000);
    assert.deepEqual(await step(), ['alice:false', 'bob:false', 'carol:true']);
    await writer.bid('bought', 'alice', 2000); // below the reserve: buy-now stays offered
    assert.deepEqual(await step(), ['alice:false', 'bob:false', 'carol:true']);
    const led = async () => (await db.sql.query<{ is_leading: boolean }>(`SELECT is_leading FROM bidder_activity WHERE auction_id = 'bought'`)).rows;
    assert.deepEqual(await led(), [{ is_leading: true }]);
    await writer.must({ type: 'BuyNow', auctionId: 'bought', buyerId: 'erin' }, 'erin'); // bought by one who never bid
    await step();
    assert.deepEqual(await led(), [{ is_leading: false }]);
    assert.equal(await misledBidders(db.sql), 0);

    // and over random traffic, after every batch
    await runTraffic(writer, { auctions: 8, commands: 150, seed: 3, prefix: 'l' });
    for (const batch of chunks(await readAllEvents(db, after), 5)) {
      await projector.apply(batch, LOG_SOURCE, batch[batch.length - 1]!.position);
      assert.equal(await misledBidders(db.sql), 0);
    }
  });

  it('keeps the checkpoint atomic with the change: a write failing mid-batch leaves both as they were', async () => {
    await writer.create('atomic', {});
    await writer.bid('atomic', 'alice', 2000);
    const events = await readAllEvents(db);
    const projector = projectorOn();
    await applyInBatches(projector, events.slice(0, 1), 1);
    const before = await dumpReadModels(db.sql);
    const checkpoint = await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE);
    // bidder_activity is written after auction_view and bid_history in the same transaction
    await db.sql.exec(`
      CREATE FUNCTION refuse_activity() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END; $$;
      CREATE TRIGGER refuse_activity BEFORE INSERT ON bidder_activity FOR EACH ROW EXECUTE FUNCTION refuse_activity();`);
    await assert.rejects(projector.apply(events.slice(1), LOG_SOURCE, events[1]!.position), /disk full/);
    assert.deepEqual(await dumpReadModels(db.sql), before);
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE), checkpoint);

    await db.sql.exec('DROP TRIGGER refuse_activity ON bidder_activity');
    await projector.apply(events.slice(1), LOG_SOURCE, events[1]!.position);
    assert.equal((await dumpReadModels(db.sql)).bidHistory.length, 1);
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE), events[1]!.position);
  });

  it('lets only one of two instances on a source move the checkpoint; the stale one writes nothing until it reloads', async () => {
    await runTraffic(writer, { auctions: 3, commands: 30, seed: 5, prefix: 'c' });
    const events = await readAllEvents(db);
    const [first, second, third] = [events.slice(0, 10), events.slice(10, 20), events.slice(20)];
    const a = projectorOn();
    const b = projectorOn();
    assert.equal(await a.loadCheckpoint(LOG_SOURCE), undefined);
    assert.equal(await b.loadCheckpoint(LOG_SOURCE), undefined);
    await a.apply(first, LOG_SOURCE, first[9]!.position);
    await assert.rejects(b.apply(first, LOG_SOURCE, first[9]!.position), CheckpointMovedError);
    await a.apply(second, LOG_SOURCE, second[9]!.position);
    const afterA = await dumpReadModels(db.sql);
    // b is stale: even a batch it has not seen is refused, and nothing of it is written
    await assert.rejects(b.apply(third, LOG_SOURCE, third[third.length - 1]!.position), (e: unknown) =>
      e instanceof CheckpointMovedError && e.stored === second[9]!.position);
    assert.deepEqual(await dumpReadModels(db.sql), afterA);
    assert.equal(await b.loadCheckpoint(LOG_SOURCE), second[9]!.position);
    await b.apply(third, LOG_SOURCE, third[third.length - 1]!.position);
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE), events[events.length - 1]!.position);
  });

  it('runs on the log source: catches up from the checkpoint, follows live appends, resumes after a stop', async () => {
    await runTraffic(writer, { auctions: 5, commands: 40, seed: 21, prefix: 's1', closeAll: false });
    const projector = projectorOn();
    const source = logEventSource(db.log, { batchSize: 7 });
    let running = await source.run(projector);
    const caughtUp = async () => {
      const head = await settledHead(db.sql, db.log);
      await eventually(async () => ((await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE)) === head ? true : undefined), 'the projection to reach the head');
    };
    await caughtUp();
    await runTraffic(writer, { auctions: 4, commands: 30, seed: 22, prefix: 's2', closeAll: false });
    await caughtUp();
    await running.stop();
    await runTraffic(writer, { auctions: 4, commands: 30, seed: 23, prefix: 's3' });
    running = await source.run(projectorOn());
    await caughtUp();
    await running.stop();

    await db.sql.exec(readModelDdl('_ref'));
    await applyInBatches(projectorOn('_ref', 'reference'), await readAllEvents(db), 1_000);
    assert.deepEqual(await dumpReadModels(db.sql), await dumpReadModels(db.sql, '_ref'));
  });

  it('log source: when another instance moves the checkpoint, resumes from it', async () => {
    await runTraffic(writer, { auctions: 3, commands: 20, seed: 31, prefix: 'mv', closeAll: false });
    const errors: unknown[] = [];
    // The source's projector waits at a gate, so the other instance surely moves the checkpoint first.
    const inner = projectorOn();
    let gate = Promise.resolve();
    let open = () => undefined as void;
    const gated: Projector = {
      name: inner.name,
      loadCheckpoint: (source) => inner.loadCheckpoint(source),
      apply: async (events, source, position) => {
        await gate;
        return inner.apply(events, source, position);
      },
    };
    const running = await logEventSource(db.log, { batchSize: 5, onError: (e) => errors.push(e) }).run(gated);
    const head = await settledHead(db.sql, db.log);
    await eventually(async () => ((await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE)) === head ? true : undefined), 'catch-up');
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    await runTraffic(writer, { auctions: 2, commands: 20, seed: 32, prefix: 'mv2', closeAll: false });
    const other = projectorOn();
    const next = await readAllEvents(db, head);
    await other.loadCheckpoint(LOG_SOURCE);
    await other.apply(next, LOG_SOURCE, next[next.length - 1]!.position);
    open();
    await runTraffic(writer, { auctions: 2, commands: 20, seed: 33, prefix: 'mv3' });
    const end = await settledHead(db.sql, db.log);
    await eventually(async () => ((await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE)) === end ? true : undefined), 'the resumed source to reach the head');
    await running.stop();
    assert.ok(errors.some((e) => e instanceof CheckpointMovedError), `expected a CheckpointMovedError, got ${errors.map(String).join('; ')}`);
    await db.sql.exec(readModelDdl('_ref'));
    await applyInBatches(projectorOn('_ref', 'reference'), await readAllEvents(db), 1_000);
    assert.deepEqual(await dumpReadModels(db.sql), await dumpReadModels(db.sql, '_ref'));
  });

  it('parks a stream at an event it cannot read, skips that stream from then on, and goes on with every other one', async () => {
    await writer.create('bad', {});
    await writer.bid('bad', 'alice', 1200);
    await insertRawEvent(db.sql, 'bad', unreadableBid('bad'));
    // a later event of the parked stream, readable on its own: skipped all the same
    await insertRawEvent(db.sql, 'bad', { type: 'AuctionCancelled', data: { auctionId: 'bad', cancelledBy: 'sam', byAdmin: false, reason: null, cancelledAt: writer.clock.iso() } });
    await writer.create('good', {});
    await writer.bid('good', 'bob', 1500);
    // a stream whose first event is not AuctionCreated
    await insertRawEvent(db.sql, 'orphan', { type: 'AuctionCancelled', data: { auctionId: 'orphan', cancelledBy: 'sam', byAdmin: false, reason: null, cancelledAt: writer.clock.iso() } });
    await writer.bid('good', 'carol', 2500);
    const events = await readAllEvents(db);
    const parking = new RecordingParking();
    const projector = new ReadModelProjector({ sql: db.sql, pseudonym, parking });
    await applyInBatches(projector, events, 3);

    const { rows: views } = await db.sql.query('SELECT auction_id, version, bid_count, outcome FROM auction_view ORDER BY auction_id');
    assert.deepEqual(views, [
      { auction_id: 'bad', version: 2, bid_count: 1, outcome: 'live' },
      { auction_id: 'good', version: 3, bid_count: 2, outcome: 'live' },
    ]);
    const { rows: parked } = await db.sql.query('SELECT auction_id, stream_id, stream_version, log_position, event_type FROM parked_streams ORDER BY auction_id');
    assert.deepEqual(parked, [
      { auction_id: 'bad', stream_id: 'auction-bad', stream_version: 3, log_position: events[2]!.position, event_type: 'BidPlaced' },
      { auction_id: 'orphan', stream_id: 'auction-orphan', stream_version: 1, log_position: events[6]!.position, event_type: 'AuctionCancelled' },
    ]);
    assert.equal(await checkpointOf(db.sql, READ_MODEL_PROJECTION, LOG_SOURCE), events[events.length - 1]!.position);
    assert.deepEqual(parking.parkedStreams.map((p) => `${p.projection} ${p.streamId}@${p.streamVersion} ${p.position}`), [
      `${READ_MODEL_PROJECTION} auction-bad@3 ${events[2]!.position}`,
      `${READ_MODEL_PROJECTION} auction-orphan@1 ${events[6]!.position}`,
    ]);
    assert.match(parking.parkedStreams[0]!.reason, /maxAmount/);
    assert.match(parking.parkedStreams[1]!.reason, /before AuctionCreated/);
    assert.equal(parking.skippedEvents.get(READ_MODEL_PROJECTION), 3);
    assert.deepEqual((await projector.parkedStreams()).map((p) => p.streamId), ['auction-bad', 'auction-orphan']);

    // redelivered: nothing changes, and nothing is parked twice
    const before = await dumpReadModels(db.sql);
    await projector.apply(events, LOG_SOURCE, events[events.length - 1]!.position);
    assert.deepEqual(await dumpReadModels(db.sql), before);
    assert.equal(parking.parkedStreams.length, 2);
  });
};

/** PostgreSQL only: real concurrency between instances. */
export const concurrentProjectorsContract = (server: () => ScratchServer) => {
  let db: Scratch;
  beforeEach(async () => {
    db = await server().open();
  });
  afterEach(async () => db?.close());

  it('two instances applying the same batches at once (different sources) give the tables of one', async () => {
    const writer = new AuctionWriter(db.log);
    await runTraffic(writer, { auctions: 12, commands: 200, seed: 41, prefix: 'cc' });
    const events = await readAllEvents(db);
    const a = new ReadModelProjector({ sql: db.sql, pseudonym });
    const b = new ReadModelProjector({ sql: db.sql, pseudonym });
    await a.loadCheckpoint('kafka:auction-events:0');
    await b.loadCheckpoint(LOG_SOURCE);
    for (const batch of chunks(events, 17)) {
      const position = batch[batch.length - 1]!.position;
      await Promise.all([a.apply(batch, 'kafka:auction-events:0', position), b.apply(batch, LOG_SOURCE, position)]);
    }
    await db.sql.exec(readModelDdl('_ref'));
    await applyInBatches(new ReadModelProjector({ sql: db.sql, pseudonym, name: 'reference', store: new ReadModelStore(readModelTableNames('_ref')) }), events, 1_000);
    assert.deepEqual(await dumpReadModels(db.sql), await dumpReadModels(db.sql, '_ref'));
    assert.equal(await misledBidders(db.sql), 0);
  });

  it('two instances on one source at once: one moves the checkpoint, the other is refused and changes nothing twice', async () => {
    const writer = new AuctionWriter(db.log);
    await runTraffic(writer, { auctions: 8, commands: 100, seed: 43, prefix: 'cs' });
    const events = await readAllEvents(db);
    const a = new ReadModelProjector({ sql: db.sql, pseudonym });
    const b = new ReadModelProjector({ sql: db.sql, pseudonym });
    await a.loadCheckpoint(LOG_SOURCE);
    await b.loadCheckpoint(LOG_SOURCE);
    const position = events[events.length - 1]!.position;
    const results = await Promise.allSettled([a.apply(events, LOG_SOURCE, position), b.apply(events, LOG_SOURCE, position)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refused.reason instanceof CheckpointMovedError, String(refused.reason));
    await db.sql.exec(readModelDdl('_ref'));
    await applyInBatches(new ReadModelProjector({ sql: db.sql, pseudonym, name: 'reference', store: new ReadModelStore(readModelTableNames('_ref')) }), events, 1_000);
    assert.deepEqual(await dumpReadModels(db.sql), await dumpReadModels(db.sql, '_ref'));
  });
};
