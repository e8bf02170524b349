import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import type { AuctionLock } from '../../../commands/locks/index.js';
import { ContentionLeaseLock, InProcessLock } from '../../../commands/locks/index.js';

/** A lease that records which auctions took it and serialises through the shared local lock, as RedlockLock does. */
const recordingLease = (local: InProcessLock): AuctionLock & { taken: string[] } => {
  const taken: string[] = [];
  return { taken, withLock: (id, fn) => local.withLock(id, () => (taken.push(id), fn())) };
};

describe('ContentionLeaseLock', () => {
  it('takes the lease only for auctions that saw a conflict, until the window lapses', async () => {
    let now = 1_000;
    const local = new InProcessLock();
    const lease = recordingLease(local);
    const lock = new ContentionLeaseLock({ local, lease, windowMs: 500, now: () => now });
    assert.equal(await lock.withLock('a', () => Promise.resolve(1)), 1);
    assert.deepEqual(lease.taken, [], 'an uncontended auction costs no lease');
    lock.contended('a');
    await lock.withLock('a', () => Promise.resolve(2));
    await lock.withLock('b', () => Promise.resolve(3));
    assert.deepEqual(lease.taken, ['a']);
    now += 499;
    await lock.withLock('a', () => Promise.resolve(4));
    assert.deepEqual(lease.taken, ['a', 'a']);
    lock.contended('a'); // a later conflict renews the window
    now += 499;
    await lock.withLock('a', () => Promise.resolve(5));
    assert.deepEqual(lease.taken, ['a', 'a', 'a']);
    now += 1;
    await lock.withLock('a', () => Promise.resolve(6));
    assert.deepEqual(lease.taken, ['a', 'a', 'a'], 'the window has lapsed');
    assert.equal(lock.contendedCount, 0);
  });

  it('keeps one FIFO per auction across the switch to the lease', async () => {
    const local = new InProcessLock();
    const lock = new ContentionLeaseLock({ local, lease: recordingLease(local) });
    const order: number[] = [];
    let active = 0;
    let overlaps = 0;
    const section = (i: number) => async (): Promise<void> => {
      active += 1;
      if (active > 1) overlaps += 1;
      await tick();
      order.push(i);
      active -= 1;
    };
    const runs = Array.from({ length: 10 }, (_, i) => {
      if (i === 4) lock.contended('a');
      return lock.withLock('a', section(i));
    });
    await Promise.all(runs);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(overlaps, 0);
  });

  it('remembers at most maxContended auctions, forgetting the oldest', async () => {
    const local = new InProcessLock();
    const lock = new ContentionLeaseLock({ local, lease: recordingLease(local), maxContended: 2 });
    for (const id of ['a', 'b', 'c']) lock.contended(id);
    assert.equal(lock.contendedCount, 2);
    assert.equal(lock.isContended('a'), false);
    assert.equal(lock.isContended('c'), true);
  });
});
