// The live-cache contract against Redis, one server and a cluster: the projector's script and the
// realtime side's RedisLiveFeed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { RecordedEvent } from '../../domain/index.js';
import { auctionCacheKey, auctionFramesKey, decodeLiveAuctionHash, LiveAuction } from '../../contracts/index.js';
import type { RedisClient, RedisTarget } from '../../infra/index.js';
import { closeRedis } from '../../infra/index.js';
import { RedisLiveCache, planLiveChanges } from '../../projections/index.js';
import { openRedisLiveFeed } from '../../realtime/index.js';
import { deleteKeys, openTestRedis, redisVariants } from '../support/redis-variants.js';
import { AuctionStream } from '../support/live-events.js';
import { RUN_PREFIX, liveCacheContract, pseudonym, testHistory } from './live-cache.contract.js';
import { eventually } from '../support/system.js';

for (const variant of redisVariants) describe(`live cache (${variant.name})`, function () {
  let target: RedisTarget;
  let redis: RedisClient;
  before(async function () {
    target = variant.target(this, 'live cache');
    redis = await openTestRedis(target, 'live-cache-test');
  });
  after(async () => {
    if (redis === undefined) return;
    await deleteKeys(redis, `gs:auction:{${RUN_PREFIX}-*`);
    await closeRedis(redis);
  });

  liveCacheContract(() => async ({ historyLength, parking, history }) => {
    const namespace = `gs:test:${randomUUID()}:live-cache`;
    const projector = new RedisLiveCache({ redis, pseudonym, namespace, historyLength, ...(parking !== undefined ? { parking } : {}), ...(history !== undefined ? { history } : {}) });
    const rivalConnection = await openTestRedis(target, 'live-cache-test-rival');
    const rival = new RedisLiveCache({ redis: rivalConnection, pseudonym, namespace, historyLength });
    const feed = await openRedisLiveFeed(target, redis);
    return {
      projector,
      rival,
      feed,
      parkedStreams: () => projector.parkedStreams(),
      close: async () => {
        await feed.close();
        await closeRedis(rivalConnection);
        await deleteKeys(redis, `${namespace}:*`);
      },
    };
  }, { shared: true });

  it('stores one JSON value per LiveAuction field, and expires the frames of an ended auction', async () => {
    const namespace = `gs:test:${randomUUID()}:live-cache`;
    const projector = new RedisLiveCache({ redis, pseudonym, namespace });
    const s = new AuctionStream(`${RUN_PREFIX}-${randomUUID()}`);
    await projector.apply([...s.create(), ...s.bid('alice', 2000)], 'log', 'p');
    const hash = await redis.hgetall(auctionCacheKey(s.auctionId));
    assert.deepEqual(Object.keys(hash).sort(), Object.keys(LiveAuction.props).sort());
    assert.equal(hash.currentPrice, '1000');
    assert.equal(hash.leader, JSON.stringify(pseudonym(s.auctionId, 'alice')));
    assert.equal(hash.version, '2');
    assert.equal(await redis.ttl(auctionFramesKey(s.auctionId)), -1, 'a live auction keeps its frames');
    await projector.apply(s.close(), 'log', 'q');
    assert.ok((await redis.ttl(auctionFramesKey(s.auctionId))) > 0, 'an ended auction\'s frames expire');
    await redis.del(projector.checkpointKey('log'));
  });

  /** The auction's hash as stored, decoded. */
  const storedState = async (auctionId: string) => {
    const decoded = decodeLiveAuctionHash(await redis.hgetall(auctionCacheKey(auctionId)));
    assert.ok(decoded.ok);
    return decoded.auction;
  };
  /** The state the events fold to, from nothing. */
  const folded = (auctionId: string, events: readonly RecordedEvent[]) => planLiveChanges(auctionId, undefined, events, pseudonym).changes.at(-1)?.auction;

  it('a hash cached before auction formats (an upgrade) reads as an English auction without a clock', async () => {
    const namespace = `gs:test:${randomUUID()}:live-cache`;
    const projector = new RedisLiveCache({ redis, pseudonym, namespace });
    const s = new AuctionStream(`${RUN_PREFIX}-${randomUUID()}`);
    await projector.apply([...s.create(), ...s.bid('alice', 2000)], 'log', 'p');
    await redis.hdel(auctionCacheKey(s.auctionId), 'format', 'clock');
    const stored = await storedState(s.auctionId);
    assert.equal(stored?.format, 'english');
    assert.equal(stored?.clock, null);
    assert.deepEqual(stored, folded(s.auctionId, s.events));
    await redis.del(projector.checkpointKey('log'));
  });

  it('a frame stored before frames carried minimumBid (an upgrade) is answered with a snapshot: framesAfter says the history does not reach', async () => {
    const namespace = `gs:test:${randomUUID()}:live-cache`;
    const projector = new RedisLiveCache({ redis, pseudonym, namespace });
    const s = new AuctionStream(`${RUN_PREFIX}-${randomUUID()}`);
    await projector.apply([...s.create(), ...s.bid('alice', 2000), ...s.bid('bob', 2500)], 'log', 'p');
    const feed = await openRedisLiveFeed(target, redis);
    try {
      assert.deepEqual((await feed.framesAfter(s.auctionId, 1))?.map((f) => f.version), [2, 3]);
      const [member] = await redis.zrangebyscore(auctionFramesKey(s.auctionId), 2, 2);
      const { minimumBid: _m, buyNowPrice: _b, reserveMet: _r, ...older } = JSON.parse(member!) as Record<string, unknown>;
      await redis.multi().zremrangebyscore(auctionFramesKey(s.auctionId), 2, 2).zadd(auctionFramesKey(s.auctionId), 2, JSON.stringify(older)).exec();
      assert.equal(await feed.framesAfter(s.auctionId, 1), undefined);
      assert.deepEqual((await feed.framesAfter(s.auctionId, 2))?.map((f) => f.version), [3], 'later frames still serve');
    } finally {
      await feed.close();
      await deleteKeys(redis, `${namespace}:*`);
    }
  });

  it('a remembered state that another instance moved on, or that was removed, costs a re-read, never a wrong hash', async () => {
    const namespace = `gs:test:${randomUUID()}:live-cache`;
    const projector = new RedisLiveCache({ redis, pseudonym, namespace });
    const rival = new RedisLiveCache({ redis, pseudonym, namespace });
    const s = new AuctionStream(`${RUN_PREFIX}-${randomUUID()}`);
    const events = [...s.create(), ...s.bidding(12)];
    await projector.apply(events.slice(0, 3), 'log', 'p1'); // remembers version 3
    await rival.apply(events.slice(0, 8), 'log', 'p2'); // the hash moves on to version 8
    await projector.apply(events.slice(3, 10), 'log', 'p3'); // from version 3 in memory: 4..8 are skipped by the script
    assert.deepEqual(await storedState(s.auctionId), folded(s.auctionId, events.slice(0, 10)));
    assert.deepEqual((await redis.zrange(auctionFramesKey(s.auctionId), 0, -1, 'WITHSCORES')).filter((_, i) => i % 2 === 1), Array.from({ length: 10 }, (_, i) => String(i + 1)));
    // The hash removed under the projector: a gap, exactly as without the memory.
    await redis.del(auctionCacheKey(s.auctionId));
    await assert.rejects(projector.apply(events.slice(10, 11), 'log', 'p4'), (e: Error) => e.name === 'ProjectionGapError');
    await projector.apply(events, 'log', 'p5');
    assert.deepEqual(await storedState(s.auctionId), folded(s.auctionId, events));
  });

  it('with the event log to read, a state that lost its latest writes (a promoted replica behind its master) heals on the auction\'s next event', async () => {
    const namespace = `gs:test:${randomUUID()}:live-cache`;
    const s = new AuctionStream(`${RUN_PREFIX}-${randomUUID()}`);
    const log = testHistory(s);
    const projector = new RedisLiveCache({ redis, pseudonym, namespace, history: log.history });
    const feed = await openRedisLiveFeed(target, redis);
    try {
      const seen: number[] = [];
      const stop = await feed.subscribe(s.auctionId, (change) => seen.push(change.frame.version));
      await projector.apply([...s.create(), ...s.bidding(3)], 'log', 'p1');
      // What a replica holds when it missed the master's last writes: the hash and frames of version 4.
      const [hash, frames] = await Promise.all([redis.dumpBuffer(auctionCacheKey(s.auctionId)), redis.dumpBuffer(auctionFramesKey(s.auctionId))]);
      await projector.apply(s.bidding(3), 'log', 'p2'); // the checkpoint moves to version 7
      await Promise.all([redis.restore(auctionCacheKey(s.auctionId), 0, hash!, 'REPLACE'), redis.restore(auctionFramesKey(s.auctionId), 0, frames!, 'REPLACE')]);
      await projector.apply(s.bidding(1), 'log', 'p3'); // remembered version 7: the script finds 4, plans again from Redis, fills 5..7
      assert.deepEqual(await storedState(s.auctionId), folded(s.auctionId, s.events));
      assert.deepEqual(log.reads, [{ auctionId: s.auctionId, fromVersion: 5 }]);
      // Everything lost: the hash and the frames gone.
      await redis.del(auctionCacheKey(s.auctionId), auctionFramesKey(s.auctionId));
      await projector.apply(s.bidding(2), 'log', 'p4');
      assert.deepEqual(await storedState(s.auctionId), folded(s.auctionId, s.events));
      assert.deepEqual((await redis.zrange(auctionFramesKey(s.auctionId), 0, -1, 'WITHSCORES')).filter((_, i) => i % 2 === 1), s.events.map((e) => String(e.streamVersion)));
      await eventually(async () => (seen.includes(10) ? true : undefined), 'version 10 on the feed');
      // Announced again as they were stored again (a realtime node drops versions it sent already), never out of order within a pass.
      assert.deepEqual([...new Set(seen)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await stop();
    } finally {
      await feed.close();
      await deleteKeys(redis, `${namespace}:*`);
    }
  });

  it('property: batches applied by two remembering instances, with redelivery, store what one pass from nothing stores', async () => {
    const namespace = `gs:test:${randomUUID()}:live-cache`;
    const instances = [new RedisLiveCache({ redis, pseudonym, namespace }), new RedisLiveCache({ redis, pseudonym, namespace })] as const;
    const total = 16;
    // Each step: which instance, how far back the batch starts (redelivery), how many new events it brings.
    const step = fc.record({ who: fc.integer({ min: 0, max: 1 }), back: fc.integer({ min: 0, max: 3 }), size: fc.integer({ min: 1, max: 5 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const s = new AuctionStream(`${RUN_PREFIX}-${randomUUID()}`);
        const events = [...s.create(), ...s.bidding(total - 1)];
        let applied = 0;
        for (const { who, back, size } of [...steps, { who: 0, back: 0, size: total }]) {
          const from = Math.max(0, applied - back);
          const to = Math.min(events.length, applied + size);
          if (to <= from) continue;
          await instances[who]!.apply(events.slice(from, to), 'log', String(to));
          applied = Math.max(applied, to);
        }
        assert.deepEqual(await storedState(s.auctionId), folded(s.auctionId, events));
        const versions = (await redis.zrange(auctionFramesKey(s.auctionId), 0, -1, 'WITHSCORES')).filter((_, i) => i % 2 === 1);
        assert.deepEqual(versions, Array.from({ length: total }, (_, i) => String(i + 1)));
        await redis.del(auctionCacheKey(s.auctionId), auctionFramesKey(s.auctionId));
      }),
      { numRuns: 25 },
    );
    await deleteKeys(redis, `${namespace}:*`);
  });
});
