// The live cache's contract (contracts/live-cache.ts): what the projector stores and publishes, and
// what a realtime node reads back through the LiveFeed. Run against the in-memory cache and Redis.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LiveChange, LiveFeed } from '../../contracts/index.js';
import type { ParkedStream, ParkingReporter, Projector, StreamHistory } from '../../projections/index.js';
import type { RecordedEvent } from '../../domain/index.js';
import { pseudonymiser } from '../../infra/index.js';
import { eventually } from '../support/system.js';
import { AuctionStream, LogPositions } from '../support/live-events.js';
import { RecordingParking } from '../support/unreadable-event.js';

export const PSEUDONYM_SECRET = 'live-cache-contract-secret-0123456789';
export const pseudonym = pseudonymiser(PSEUDONYM_SECRET);
/** Every auction id of this run starts with it, so a store can be cleaned of them afterwards. */
export const RUN_PREFIX = `lc-${randomUUID().slice(0, 8)}`;
const newAuctionId = () => `${RUN_PREFIX}-${randomUUID()}`;

export interface LiveCacheUnderTest {
  readonly projector: Projector;
  readonly feed: LiveFeed;
  /** A second projector on the same store, when the store is shared (Redis). */
  readonly rival?: Projector;
  /** The streams the projector parked. */
  parkedStreams(): Promise<readonly ParkedStream[]>;
  close(): Promise<void>;
}

export type MakeLiveCache = (options: { historyLength: number; parking?: ParkingReporter; history?: StreamHistory }) => Promise<LiveCacheUnderTest>;

/** A log to fill gaps from: the streams' events, and how many reads it answered. */
export const testHistory = (...streams: readonly AuctionStream[]) => {
  const reads: { auctionId: string; fromVersion: number }[] = [];
  const history: StreamHistory = (auctionId, fromVersion) => {
    reads.push({ auctionId, fromVersion });
    const events: readonly RecordedEvent[] = streams.find((s) => s.auctionId === auctionId)?.events ?? [];
    return Promise.resolve(events.filter((e) => e.streamVersion >= fromVersion));
  };
  return { history, reads };
};

/** Subscribes and collects every change of an auction. */
const watch = async (feed: LiveFeed, auctionId: string) => {
  const changes: LiveChange[] = [];
  const stop = await feed.subscribe(auctionId, (change) => changes.push(change));
  return {
    changes,
    versions: () => changes.map((c) => c.frame.version),
    stop,
    until: (version: number) => eventually(async () => (changes.some((c) => c.frame.version >= version) ? true : undefined), `version ${version} on the feed`),
  };
};

const apply = (projector: Projector, events: readonly Parameters<Projector['apply']>[0][number][], source = 'log') =>
  projector.apply(events, source, events[events.length - 1]!.position);

export const liveCacheContract = (make: () => MakeLiveCache, options: { shared: boolean }) => {
  let cache: LiveCacheUnderTest | undefined;
  const open = async (historyLength = 256, parking?: ParkingReporter, history?: StreamHistory) =>
    (cache = await make()({ historyLength, ...(parking !== undefined ? { parking } : {}), ...(history !== undefined ? { history } : {}) }));
  afterEach(async () => {
    await cache?.close();
    cache = undefined;
  });

  it('stores each change and publishes it after storing, in version order, with pseudonyms only', async () => {
    const { projector, feed } = await open();
    const s = new AuctionStream(newAuctionId());
    const seen = await watch(feed, s.auctionId);
    const events = [...s.create({ buyNowPrice: 50_000 }), ...s.bid('alice', 2000), ...s.bid('bob', 1500), ...s.bid('carol', 3000)];
    await apply(projector, events);
    await seen.until(4);
    assert.deepEqual(seen.versions(), [1, 2, 3, 4]);

    const current = await feed.current(s.auctionId);
    assert.ok(current);
    assert.deepEqual(seen.changes[3]!.auction, current, 'the last change carries the stored state');
    assert.equal(current.version, 4);
    assert.equal(current.currentPrice, 2050);
    assert.equal(current.bidCount, 3);
    assert.equal(current.leader, pseudonym(s.auctionId, 'carol'));
    assert.equal(current.buyNowPrice, null, 'buy-now is gone after the first bid');
    assert.equal(current.outcome, 'live');
    assert.equal(current.title, 'A 1960s Omega Seamaster');
    assert.deepEqual(seen.changes[0]!.auction.buyNowPrice, 50_000, 'buy-now offered before any bid');

    const frames = await feed.framesAfter(s.auctionId, 0);
    assert.deepEqual(frames, seen.changes.map((c) => c.frame));
    assert.deepEqual(frames?.[1], {
      type: 'auction.updated', auctionId: s.auctionId, version: 2, currentPrice: 1000,
      leader: pseudonym(s.auctionId, 'alice'), bidCount: 1, endsAt: '2026-03-01T11:00:00.000Z', status: 'open',
      reserveMet: true, minimumBid: 1050, buyNowPrice: null,
    });
    assert.equal(frames?.[0]?.buyNowPrice, 50_000, 'the frame says buy-now is offered before any bid');
    const published = JSON.stringify(seen.changes);
    for (const secret of ['alice', 'bob', 'carol', '"maxAmount"', '3000']) assert.ok(!published.includes(secret), `${secret} leaked`);
  });

  it('ignores redelivered events: nothing stored or published twice', async () => {
    const { projector, feed } = await open();
    const s = new AuctionStream(newAuctionId());
    const seen = await watch(feed, s.auctionId);
    const first = [...s.create(), ...s.bid('alice', 2000), ...s.bid('bob', 3000)];
    await apply(projector, first);
    const more = s.bid('alice', 5000);
    await apply(projector, first);
    await apply(projector, [...first.slice(1), ...more, ...more]);
    await seen.until(4);
    await apply(projector, first.slice(0, 1));
    assert.deepEqual(seen.versions(), [1, 2, 3, 4]);
    assert.equal((await feed.current(s.auctionId))?.version, 4);
    assert.deepEqual((await feed.framesAfter(s.auctionId, 0))?.map((f) => f.version), [1, 2, 3, 4]);
  });

  it('refuses a gap: the batch fails, and nothing of it is stored or published', async () => {
    const { projector, feed } = await open();
    const s = new AuctionStream(newAuctionId());
    const seen = await watch(feed, s.auctionId);
    const events = [...s.create(), ...s.bid('alice', 2000), ...s.bid('bob', 3000), ...s.bid('alice', 5000)];
    await apply(projector, events.slice(0, 2));
    await seen.until(2);
    const before = await projector.loadCheckpoint('log');
    await assert.rejects(apply(projector, events.slice(3)), (error: Error) => error.name === 'ProjectionGapError');
    assert.equal((await feed.current(s.auctionId))?.version, 2);
    assert.equal(await projector.loadCheckpoint('log'), before, 'the checkpoint stays');
    // Once the missing event comes, everything follows in order.
    await apply(projector, events.slice(2));
    await seen.until(4);
    assert.deepEqual(seen.versions(), [1, 2, 3, 4]);
  });

  it('with the event log to read, fills a gap from it: every version stored and published once, in order, the checkpoint moved', async () => {
    const s = new AuctionStream(newAuctionId());
    const other = new AuctionStream(newAuctionId());
    const log = testHistory(s, other);
    const { projector, feed } = await open(256, undefined, log.history);
    const seen = await watch(feed, s.auctionId);
    const events = [...s.create(), ...s.bid('alice', 2000), ...s.bid('bob', 3000), ...s.bid('alice', 5000), ...s.bid('carol', 6000)];
    const others = [...other.create(), ...other.bid('dan', 2000)];
    await apply(projector, [...events.slice(0, 2), ...others.slice(0, 1)]);
    await apply(projector, [...events.slice(4), ...others.slice(1)]);
    await seen.until(5);
    assert.deepEqual(seen.versions(), [1, 2, 3, 4, 5]);
    assert.deepEqual(log.reads, [{ auctionId: s.auctionId, fromVersion: 3 }], 'only the auction with a gap is read, from its first missing version');
    assert.equal((await feed.current(s.auctionId))?.version, 5);
    assert.equal((await feed.current(other.auctionId))?.version, 2);
    assert.deepEqual((await feed.framesAfter(s.auctionId, 0))?.map((f) => f.version), [1, 2, 3, 4, 5]);
    assert.equal(await projector.loadCheckpoint('log'), others[1]!.position);
    await apply(projector, events.slice(2, 4)); // the late delivery of what was filled: a redelivery
    assert.deepEqual(seen.versions(), [1, 2, 3, 4, 5]);
  });

  it('with the event log to read, builds an auction it never saw from the stream\'s start', async () => {
    const s = new AuctionStream(newAuctionId());
    const log = testHistory(s);
    const { projector, feed } = await open(256, undefined, log.history);
    const events = [...s.create(), ...s.bidding(4)];
    await apply(projector, events.slice(3));
    assert.deepEqual(log.reads, [{ auctionId: s.auctionId, fromVersion: 1 }]);
    assert.equal((await feed.current(s.auctionId))?.version, 5);
    assert.deepEqual((await feed.framesAfter(s.auctionId, 0))?.map((f) => f.version), [1, 2, 3, 4, 5]);
  });

  it('refuses a gap the event log cannot fill either', async () => {
    const s = new AuctionStream(newAuctionId());
    const events = [...s.create(), ...s.bidding(3)];
    const { projector, feed } = await open(256, undefined, () => Promise.resolve(events.slice(3)));
    await apply(projector, events.slice(0, 1));
    await assert.rejects(apply(projector, events.slice(3)), (error: Error) => error.name === 'ProjectionGapError');
    assert.equal((await feed.current(s.auctionId))?.version, 1);
  });

  it('refuses a stream that starts past its first event', async () => {
    const { projector, feed } = await open();
    const s = new AuctionStream(newAuctionId());
    const events = [...s.create(), ...s.bid('alice', 2000)];
    await assert.rejects(apply(projector, events.slice(1)), (error: Error) => error.name === 'ProjectionGapError');
    assert.equal(await feed.current(s.auctionId), undefined);
  });

  it('parks a stream at an event it cannot read: that stream stops there, every other one goes on, the checkpoint advances', async () => {
    const parking = new RecordingParking();
    const { projector, feed, parkedStreams } = await open(256, parking);
    const positions = new LogPositions();
    const bad = new AuctionStream(newAuctionId(), positions);
    const good = new AuctionStream(newAuctionId(), positions);
    const seenBad = await watch(feed, bad.auctionId);
    const b = [...bad.create(), ...bad.bid('alice', 2000), ...bad.bid('bob', 3000), ...bad.bid('alice', 5000)];
    const g = [...good.create(), ...good.bid('carol', 2000), ...good.bid('dave', 3000)];
    // version 3 of `bad` as a buggy writer stored it: money with a fraction of a cent, no outcome
    const { outcome: _outcome, ...data } = b[2]!.data;
    const unreadable = { ...b[2]!, data: { ...data, maxAmount: 3000.5 } };
    const batches = [[b[0]!, b[1]!, g[0]!], [unreadable, g[1]!], [b[3]!, g[2]!]];
    for (const batch of batches) await apply(projector, batch);

    assert.equal((await feed.current(good.auctionId))?.version, 3);
    assert.equal((await feed.current(bad.auctionId))?.version, 2);
    // Pub/sub delivers after the store (on a cluster, over the cluster bus): wait for what was published.
    await seenBad.until(2);
    assert.deepEqual(seenBad.versions(), [1, 2]);
    assert.equal(await projector.loadCheckpoint('log'), b[3]!.position > g[2]!.position ? b[3]!.position : g[2]!.position);
    const parked = await parkedStreams();
    assert.deepEqual(parked.map((p) => [p.projection, p.streamId, p.streamVersion, p.position, p.eventType]), [
      [projector.name, unreadable.streamId, 3, unreadable.position, 'BidPlaced'],
    ]);
    assert.match(parked[0]!.reason, /maxAmount|outcome/);
    assert.deepEqual(parking.parkedStreams.map((p) => `${p.streamId}@${p.streamVersion}`), [`${unreadable.streamId}@3`]);
    assert.equal(parking.skippedEvents.get(projector.name), 2);

    // redelivered: nothing stored, published or parked twice
    await apply(projector, batches.flat());
    assert.equal((await feed.current(bad.auctionId))?.version, 2);
    assert.deepEqual(seenBad.versions(), [1, 2]);
    assert.equal(parking.parkedStreams.length, 1);
  });

  it('keeps only the latest frames; framesAfter says when the history no longer reaches back', async () => {
    const { projector, feed } = await open(3);
    const s = new AuctionStream(newAuctionId());
    await apply(projector, [...s.create(), ...s.bidding(5)]);
    assert.deepEqual((await feed.framesAfter(s.auctionId, 5))?.map((f) => f.version), [6]);
    assert.deepEqual((await feed.framesAfter(s.auctionId, 3))?.map((f) => f.version), [4, 5, 6]);
    assert.equal(await feed.framesAfter(s.auctionId, 2), undefined, 'version 3 is no longer kept');
    assert.equal(await feed.framesAfter(s.auctionId, 0), undefined);
    assert.deepEqual(await feed.framesAfter(s.auctionId, 6), []);
    assert.deepEqual(await feed.framesAfter(s.auctionId, 9), []);
    assert.deepEqual(await feed.framesAfter(newAuctionId(), 0), []);
    assert.equal(await feed.current(newAuctionId()), undefined);
  });

  it('keeps each auction in order when a batch interleaves auctions', async () => {
    const { projector, feed } = await open();
    const positions = new LogPositions();
    const a = new AuctionStream(newAuctionId(), positions);
    const b = new AuctionStream(newAuctionId(), positions);
    const seenA = await watch(feed, a.auctionId);
    const seenB = await watch(feed, b.auctionId);
    const batch = [...a.create(), ...b.create(), ...a.bid('alice', 2000), ...b.bid('bob', 2000), ...b.bid('carol', 4000), ...a.bid('dave', 4000)];
    await apply(projector, batch);
    await seenA.until(3);
    await seenB.until(3);
    assert.deepEqual(seenA.versions(), [1, 2, 3]);
    assert.deepEqual(seenB.versions(), [1, 2, 3]);
    assert.equal((await feed.current(a.auctionId))?.leader, pseudonym(a.auctionId, 'dave'));
    assert.equal((await feed.current(b.auctionId))?.leader, pseudonym(b.auctionId, 'carol'));
  });

  it('keeps a checkpoint per source', async () => {
    const { projector } = await open();
    const s = new AuctionStream(newAuctionId());
    const events = [...s.create(), ...s.bid('alice', 2000)];
    assert.equal(await projector.loadCheckpoint('log'), undefined);
    await projector.apply(events.slice(0, 1), 'log', 'p1');
    await projector.apply(events.slice(1), 'kafka:auction-events:0', 'k7');
    assert.equal(await projector.loadCheckpoint('log'), 'p1');
    assert.equal(await projector.loadCheckpoint('kafka:auction-events:0'), 'k7');
  });

  it('records the end: the winner, the final price and the status', async () => {
    const { projector, feed } = await open();
    const s = new AuctionStream(newAuctionId());
    const seen = await watch(feed, s.auctionId);
    await apply(projector, [...s.create(), ...s.bid('alice', 2000), ...s.bid('bob', 3000), ...s.close()]);
    await seen.until(4);
    const current = await feed.current(s.auctionId);
    assert.equal(current?.outcome, 'sold');
    assert.equal(current?.leader, pseudonym(s.auctionId, 'bob'));
    assert.equal(current?.currentPrice, 2050);
    assert.equal(current?.endedAt, '2026-03-01T11:00:00.000Z');
    assert.equal(seen.changes[3]!.frame.status, 'sold');
  });

  it('stops delivering once unsubscribed', async () => {
    const { projector, feed } = await open();
    const s = new AuctionStream(newAuctionId());
    const seen = await watch(feed, s.auctionId);
    const other = await watch(feed, s.auctionId);
    await apply(projector, s.create());
    await seen.until(1);
    await seen.stop();
    await apply(projector, s.bid('alice', 2000));
    await other.until(2);
    assert.deepEqual(seen.versions(), [1]);
    assert.deepEqual(other.versions(), [1, 2]);
  });

  if (options.shared) it('two projectors on one store apply each change once (redelivery across instances)', async () => {
    const { projector, feed, rival } = await open();
    assert.ok(rival, 'a shared store has a rival projector');
    const s = new AuctionStream(newAuctionId());
    const seen = await watch(feed, s.auctionId);
    const events = [...s.create(), ...s.bidding(20)];
    await Promise.all([apply(projector, events), apply(rival, events), apply(projector, events.slice(5)), apply(rival, events.slice(0, 10))]
      .map((p) => p.catch((error: Error) => (error.name === 'ProjectionGapError' ? undefined : Promise.reject(error)))));
    await apply(projector, events);
    await seen.until(21);
    assert.deepEqual(seen.versions(), Array.from({ length: 21 }, (_, i) => i + 1));
  });
};
