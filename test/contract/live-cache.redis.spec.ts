// The live-cache contract against Redis: the projector's script and the realtime side's RedisLiveFeed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { auctionCacheKey, auctionFramesKey, LiveAuction } from '../../domain/index.js';
import type { Redis } from '../../infra/index.js';
import { closeRedis, openRedis } from '../../infra/index.js';
import { RedisLiveCache } from '../../projections/index.js';
import { openRedisLiveFeed } from '../../realtime/index.js';
import { serviceUrl } from '../support/services.js';
import { AuctionStream } from '../support/live-events.js';
import { RUN_PREFIX, liveCacheContract, pseudonym } from './live-cache.contract.js';

describe('live cache (Redis)', function () {
  let url: string;
  let redis: Redis;
  before(async function () {
    url = serviceUrl(this, 'REDIS_URL', 'live cache (Redis)');
    redis = await openRedis(url, 'live-cache-test');
  });
  after(async () => {
    if (redis === undefined) return;
    const keys = await redis.keys(`gs:auction:${RUN_PREFIX}-*`);
    if (keys.length > 0) await redis.del(...keys);
    await closeRedis(redis);
  });

  liveCacheContract(() => async ({ historyLength, parking }) => {
    const namespace = `gs:test:${randomUUID()}:live-cache`;
    const projector = new RedisLiveCache({ redis, pseudonym, namespace, historyLength, ...(parking !== undefined ? { parking } : {}) });
    const rivalConnection = await openRedis(url, 'live-cache-test-rival');
    const rival = new RedisLiveCache({ redis: rivalConnection, pseudonym, namespace, historyLength });
    const feed = await openRedisLiveFeed(url, redis);
    return {
      projector,
      rival,
      feed,
      parkedStreams: () => projector.parkedStreams(),
      close: async () => {
        await feed.close();
        await closeRedis(rivalConnection);
        const keys = await redis.keys(`${namespace}:*`);
        if (keys.length > 0) await redis.del(...keys);
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
});
