import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedlockLock, type LeaseEvent } from '../../../commands/locks/index.js';
import { serviceUrl } from '../../support/services.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('RedlockLock with Redis', function () {
  let url: string;
  const clients: Redis[] = [];
  const prefix = `gs-test:lock:${randomUUID()}:`;

  const client = (): Redis => {
    const c = new Redis(url);
    clients.push(c);
    return c;
  };

  before(function () {
    url = serviceUrl(this, 'REDIS_URL', 'RedlockLock with Redis');
  });

  after(async () => {
    if (clients.length === 0) return;
    const keys = await clients[0]!.keys(`${prefix}*`);
    if (keys.length > 0) await clients[0]!.del(...keys);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('keeps two processes (separate locks, separate clients) out of each other\'s critical section', async () => {
    const events: LeaseEvent[] = [];
    const options = { keyPrefix: prefix, acquireTimeoutMs: 20_000, onLeaseEvent: (e: LeaseEvent) => events.push(e) };
    const one = new RedlockLock({ clients: [client()], ...options });
    const two = new RedlockLock({ clients: [client()], ...options });
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
    assert.equal(await clients[0]!.exists(`${prefix}hot`), 0, 'the lease is released');
  });

  it('passes fn\'s value and rejection through, and releases the lease either way', async () => {
    const lock = new RedlockLock({ clients: [client()], keyPrefix: prefix });
    assert.equal(await lock.withLock('a1', () => Promise.resolve(42)), 42);
    await assert.rejects(lock.withLock('a1', () => Promise.reject(new Error('refused'))), /refused/);
    assert.equal(await clients[0]!.exists(`${prefix}a1`), 0);
  });

  it('takes the lease once a crashed holder\'s lease expires', async () => {
    const redis = client();
    await redis.set(`${prefix}a2`, 'crashed-holder', 'PX', 300);
    const events: LeaseEvent[] = [];
    const lock = new RedlockLock({ clients: [redis], keyPrefix: prefix, acquireTimeoutMs: 10_000, onLeaseEvent: (e) => events.push(e) });
    assert.equal(await lock.withLock('a2', () => Promise.resolve('ran')), 'ran');
    assert.deepEqual(events.map((e) => e.kind), ['acquired']);
  });

  it('runs fn without the lease when a holder keeps it past the acquire timeout', async () => {
    const redis = client();
    await redis.set(`${prefix}a3`, 'stuck-holder', 'PX', 60_000);
    const events: LeaseEvent[] = [];
    const lock = new RedlockLock({ clients: [redis], keyPrefix: prefix, acquireTimeoutMs: 100, onLeaseEvent: (e) => events.push(e) });
    assert.equal(await lock.withLock('a3', () => Promise.resolve('ran')), 'ran');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.kind, 'bypassed');
    assert.equal(await redis.get(`${prefix}a3`), 'stuck-holder', 'the other holder\'s lease is untouched');
  });

  it('runs queued commands in order without the lease while a holder keeps it', async () => {
    const redis = client();
    await redis.set(`${prefix}a5`, 'stuck-holder', 'PX', 60_000);
    const events: LeaseEvent[] = [];
    const lock = new RedlockLock({ clients: [redis], keyPrefix: prefix, acquireTimeoutMs: 200, onLeaseEvent: (e) => events.push(e) });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => lock.withLock('a5', async () => void order.push(i))));
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(events.length, 10);
    assert.ok(events.every((e) => e.kind === 'bypassed'));
  });

  it('lets a holder that lost its lease finish, while the other process goes ahead', async () => {
    const redisA = client();
    const eventsA: LeaseEvent[] = [];
    const eventsB: LeaseEvent[] = [];
    const aLost = deferred();
    const a = new RedlockLock({
      clients: [redisA],
      keyPrefix: prefix,
      leaseMs: 300,
      extensionThresholdMs: 150,
      onLeaseEvent: (e) => {
        eventsA.push(e);
        if (e.kind === 'lost') aLost.resolve();
      },
    });
    const b = new RedlockLock({ clients: [client()], keyPrefix: prefix, acquireTimeoutMs: 10_000, onLeaseEvent: (e) => eventsB.push(e) });
    const aInside = deferred();
    const aResult = a.withLock('a4', async () => {
      aInside.resolve();
      await aLost.promise; // A is "paused" until its lease is gone for good
      return 'a finished';
    });
    await aInside.promise;
    // The lease vanishes under A, as if A had paused past it (a GC pause, a stalled VM).
    await redisA.del(`${prefix}a4`);
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
