// RedlockLock against Redis: one server (one instance), and a Redis Cluster (one instance per
// master, as the process builds it: a majority of them grants the lease).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedlockLock, type LeaseEvent } from '../../../commands/locks/index.js';
import type { RedisTarget } from '../../../infra/index.js';
import { closeRedis, clusterMasters, isCluster } from '../../../infra/index.js';
import { openLeaseInstances, openTestRedis, redisVariants } from '../../support/redis-variants.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

for (const variant of redisVariants) describe(`RedlockLock with ${variant.name}`, function () {
  let target: RedisTarget;
  const clients: Redis[] = [];
  const closers: (() => Promise<void>)[] = [];
  const prefix = `gs-test:lock:${randomUUID()}:`;

  /** One process's instances: a connection to the server, or one per cluster master. */
  const instances = async (): Promise<readonly Redis[]> => {
    const opened = await openLeaseInstances(target, 'test-redlock');
    clients.push(...opened.clients);
    closers.push(() => opened.close());
    return opened.clients;
  };
  /** Another holder's lease on every instance. */
  const holdEverywhere = (on: readonly Redis[], key: string, value: string, ms: number) => Promise.all(on.map((c) => c.set(key, value, 'PX', ms)));
  const onNone = async (on: readonly Redis[], key: string) => (await Promise.all(on.map((c) => c.exists(key)))).every((n) => n === 0);

  before(function () {
    target = variant.target(this, 'RedlockLock');
  });

  after(async () => {
    await Promise.all(clients.map(async (c) => {
      const keys = await c.keys(`*${prefix}*`);
      // The connection's own key prefix (a cluster master's tag) is added again by DEL.
      const own = c.options.keyPrefix ?? '';
      await Promise.all(keys.map((k) => c.del(k.slice(own.length))));
    }));
    await Promise.all(closers.map((close) => close()));
  });

  it('asks every instance: one on one server, one per master on a cluster', async () => {
    const on = await instances();
    let masters = 1;
    const probe = await openTestRedis(target, 'test-redlock-probe');
    if (isCluster(probe)) masters = (await clusterMasters(probe)).length;
    await closeRedis(probe);
    assert.equal(on.length, masters);
    const lock = new RedlockLock({ clients: on, keyPrefix: prefix });
    await lock.withLock('every', async () => {
      for (const c of on) assert.equal(await c.exists(`${prefix}every`), 1, 'each instance holds the lease');
    });
    assert.ok(await onNone(on, `${prefix}every`));
  });

  it('keeps two processes (separate locks, separate clients) out of each other\'s critical section', async () => {
    const events: LeaseEvent[] = [];
    const options = { keyPrefix: prefix, acquireTimeoutMs: 20_000, onLeaseEvent: (e: LeaseEvent) => events.push(e) };
    const first = await instances();
    const one = new RedlockLock({ clients: first, ...options });
    const two = new RedlockLock({ clients: await instances(), ...options });
    let inside = 0;
    let overlaps = 0;
    let runs = 0;
    const section = async (): Promise<void> => {
      inside += 1;
      if (inside > 1) overlaps += 1;
      await sleep(3);
      runs += 1;
      inside -= 1;
    };
    await Promise.all(
      Array.from({ length: 15 }, () => [one.withLock('hot', section), two.withLock('hot', section)]).flat(),
    );
    assert.equal(runs, 30);
    assert.equal(overlaps, 0);
    assert.deepEqual(events.filter((e) => e.kind !== 'acquired'), [], 'every section held the lease');
    assert.ok(await onNone(first, `${prefix}hot`), 'the lease is released');
  });

  it('passes fn\'s value and rejection through, and releases the lease either way', async () => {
    const on = await instances();
    const lock = new RedlockLock({ clients: on, keyPrefix: prefix });
    assert.equal(await lock.withLock('a1', () => Promise.resolve(42)), 42);
    await assert.rejects(lock.withLock('a1', () => Promise.reject(new Error('refused'))), /refused/);
    assert.ok(await onNone(on, `${prefix}a1`));
  });

  it('takes the lease once a crashed holder\'s lease expires', async () => {
    const on = await instances();
    await holdEverywhere(on, `${prefix}a2`, 'crashed-holder', 300);
    const events: LeaseEvent[] = [];
    const lock = new RedlockLock({ clients: on, keyPrefix: prefix, acquireTimeoutMs: 10_000, onLeaseEvent: (e) => events.push(e) });
    assert.equal(await lock.withLock('a2', () => Promise.resolve('ran')), 'ran');
    assert.deepEqual(events.map((e) => e.kind), ['acquired']);
  });

  it('runs fn without the lease when a holder keeps it past the acquire timeout', async () => {
    const on = await instances();
    await holdEverywhere(on, `${prefix}a3`, 'stuck-holder', 60_000);
    const events: LeaseEvent[] = [];
    const lock = new RedlockLock({ clients: on, keyPrefix: prefix, acquireTimeoutMs: 100, onLeaseEvent: (e) => events.push(e) });
    assert.equal(await lock.withLock('a3', () => Promise.resolve('ran')), 'ran');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.kind, 'bypassed');
    for (const c of on) assert.equal(await c.get(`${prefix}a3`), 'stuck-holder', 'the other holder\'s lease is untouched');
  });

  it('runs queued commands in order without the lease while a holder keeps it', async () => {
    const on = await instances();
    await holdEverywhere(on, `${prefix}a5`, 'stuck-holder', 60_000);
    const events: LeaseEvent[] = [];
    const lock = new RedlockLock({ clients: on, keyPrefix: prefix, acquireTimeoutMs: 200, onLeaseEvent: (e) => events.push(e) });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => lock.withLock('a5', async () => void order.push(i))));
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(events.length, 10);
    assert.ok(events.every((e) => e.kind === 'bypassed'));
  });

  it('lets a holder that lost its lease finish, while the other process goes ahead', async () => {
    const onA = await instances();
    const eventsA: LeaseEvent[] = [];
    const eventsB: LeaseEvent[] = [];
    const aLost = deferred();
    const a = new RedlockLock({
      clients: onA,
      keyPrefix: prefix,
      leaseMs: 300,
      extensionThresholdMs: 150,
      onLeaseEvent: (e) => {
        eventsA.push(e);
        if (e.kind === 'lost') aLost.resolve();
      },
    });
    const b = new RedlockLock({ clients: await instances(), keyPrefix: prefix, acquireTimeoutMs: 10_000, onLeaseEvent: (e) => eventsB.push(e) });
    const aInside = deferred();
    const aResult = a.withLock('a4', async () => {
      aInside.resolve();
      await aLost.promise; // A is "paused" until its lease is gone for good
      return 'a finished';
    });
    await aInside.promise;
    // The lease vanishes under A, as if A had paused past it (a GC pause, a stalled VM).
    await Promise.all(onA.map((c) => c.del(`${prefix}a4`)));
    assert.equal(await b.withLock('a4', () => Promise.resolve('b finished')), 'b finished');
    assert.equal(await aResult, 'a finished');
    assert.deepEqual(eventsB.map((e) => e.kind), ['acquired']);
    assert.deepEqual(eventsA.map((e) => e.kind), ['acquired', 'lost', 'release-failed']);
  });
});

describe('RedlockLock without Redis', () => {
  it('still runs fn when Redis is unreachable, first while connecting, then while known down', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 1, retryStrategy: () => 20 });
    redis.on('error', () => undefined);
    try {
      const events: LeaseEvent[] = [];
      const lock = new RedlockLock({ clients: [redis], acquireTimeoutMs: 200, onLeaseEvent: (e) => events.push(e) });
      assert.equal(await lock.withLock('x', () => Promise.resolve(1)), 1);
      await assert.rejects(lock.withLock('x', () => Promise.reject(new Error('domain said no'))), /domain said no/);
      while (redis.status !== 'reconnecting') await sleep(5);
      assert.equal(await lock.withLock('x', () => Promise.resolve(2)), 2);
      assert.equal(events.length, 3);
      assert.ok(events.every((e) => e.kind === 'bypassed'));
      assert.deepEqual(events.at(-1), { kind: 'bypassed', auctionId: 'x', reason: 'redis-unavailable', waitedMs: 0 });
    } finally {
      redis.disconnect();
    }
  });
});
