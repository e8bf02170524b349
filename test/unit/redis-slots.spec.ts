// On a Redis Cluster, a script, a transaction or a pipeline runs on one node: each multi-key
// operation's keys must hash to one slot. Checked on the key builders the operations use, for any
// id (fast-check), with the slot function ioredis itself routes by (cluster-key-slot).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { auctionCacheKey, auctionChannel, auctionFramesKey } from '../../contracts/index.js';
import { closingQueueKeys, scopedIdempotencyKey } from '../../commands/index.js';
import { masterHashTag, slotOf, userHashTag } from '../../infra/index.js';

const anyText = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' });
const idLike = fc.oneof(fc.uuid(), anyText, fc.constantFrom('a}b', '{x}', '}', '{', 'a:b{c}d'));

describe('Redis Cluster slots of multi-key operations', () => {
  it('the live cache: an auction\'s hash, frames (script, MULTI) and channel share a slot', () => {
    fc.assert(fc.property(idLike, (id) => {
      const slot = slotOf(auctionCacheKey(id));
      assert.equal(slotOf(auctionFramesKey(id)), slot);
      assert.equal(slotOf(auctionChannel(id)), slot);
    }));
  });

  it('the live cache: different auctions spread over the slots', () => {
    const slots = new Set(Array.from({ length: 200 }, (_, i) => slotOf(auctionCacheKey(`auction-${i}`))));
    assert.ok(slots.size > 150, `200 auctions on ${slots.size} slots`);
  });

  it('the closing queue: every key of its scripts, done markers included, in one slot', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 30 }).filter((ns) => !/[{}]/.test(ns)), idLike, (namespace, auctionId) => {
      const { due, claims, sched, donePrefix } = closingQueueKeys(namespace);
      const slot = slotOf(due);
      for (const key of [claims, sched, donePrefix + auctionId]) assert.equal(slotOf(key), slot);
    }));
    const standard = closingQueueKeys();
    assert.equal(standard.due, '{gs:closing}:due', 'the default names are those of a standalone deployment');
  });

  it('a user\'s rate-limit counter and idempotency keys (one script counts and claims) share a slot', () => {
    const counter = new RateLimiterMemory({ keyPrefix: 'gs:rl:user', points: 1, duration: 1 });
    fc.assert(fc.property(idLike, fc.string({ minLength: 1, maxLength: 40 }), (userId, key) => {
      const slot = slotOf(counter.getKey(userHashTag(userId)));
      assert.equal(slotOf(`gs:idem:${scopedIdempotencyKey(userId, key)}`), slot);
    }));
  });

  it('a cluster master\'s lease tag lies in that master\'s slots', () => {
    const masters = [[[0, 5460]], [[5461, 10922]], [[10923, 16383]], [[100, 100], [7000, 7001]]] as const;
    for (const slots of masters) {
      const tag = masterHashTag({ host: '127.0.0.1', port: 1, slots });
      const slot = slotOf(`${tag}gs:lock:auction:a1`);
      assert.ok(slots.some(([first, last]) => slot >= first && slot <= last), `${tag} -> ${slot}`);
    }
  });
});
