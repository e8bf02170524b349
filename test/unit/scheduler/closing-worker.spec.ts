import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import {
  ClosingWorker,
  InMemoryClosingQueue,
  type CloseAuction,
  type CloseOutcome,
  type ClosingQueue,
  type ClosingWorkerOptions,
} from '../../../commands/scheduler/index.js';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const at = (ms: number): Date => new Date(T0 + ms);

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

/** A fake clock at T0 + offset, moved by hand. */
const fakeClock = () => {
  let offset = 0;
  return { now: () => at(offset), set: (ms: number) => (offset = ms) };
};

describe('ClosingWorker', () => {
  let workers: ClosingWorker[] = [];
  const worker = (options: ClosingWorkerOptions): ClosingWorker => {
    const w = new ClosingWorker(options);
    workers.push(w);
    return w;
  };
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
  });

  describe('one pass (runOnce)', () => {
    it('closes the due auctions, completes them, and leaves the rest', async () => {
      const clock = fakeClock();
      const queue = new InMemoryClosingQueue();
      await queue.schedule('a', at(1000), 1);
      await queue.schedule('b', at(2000), 1);
      await queue.schedule('c', at(9000), 1);
      const closed: string[] = [];
      const w = worker({ queue, now: clock.now, closeAuction: (id) => (closed.push(id), Promise.resolve('closed')) });
      clock.set(2000);
      assert.equal(await w.runOnce(), 2);
      assert.deepEqual(closed.sort(), ['a', 'b']);
      assert.deepEqual(await queue.nextDueAt(), at(9000), 'a and b are gone, not merely claimed');
      assert.equal(await w.runOnce(), 0);
    });

    it('completes an auction that is gone', async () => {
      const clock = fakeClock();
      const queue = new InMemoryClosingQueue();
      await queue.schedule('a', at(0), 1);
      const results: [string, string][] = [];
      const w = worker({ queue, now: clock.now, closeAuction: () => Promise.resolve('gone'), onResult: (id, r) => results.push([id, r]) });
      assert.equal(await w.runOnce(), 1);
      assert.equal(await queue.nextDueAt(), undefined);
      assert.deepEqual(results, [['a', 'gone']]);
    });

    it('on not-due, puts the auction back at its new end time, or retries after notDueRetryMs', async () => {
      const clock = fakeClock();
      const queue = new InMemoryClosingQueue();
      await queue.schedule('extended', at(1000), 1);
      await queue.schedule('lagging', at(1000), 1);
      // The domain knows both ends moved; the queue has heard only of 'extended' moving.
      const domainEnds = new Map([['extended', 1500], ['lagging', 4000]]);
      let extensionScheduled = false;
      const close: CloseAuction = async (id) => {
        if (id === 'extended' && !extensionScheduled) {
          // The extending bid's handler reaches the queue while the worker holds the claim.
          extensionScheduled = await queue.schedule('extended', at(1500), 2);
        }
        return clock.now() >= at(domainEnds.get(id)!) ? 'closed' : 'not-due';
      };
      const w = worker({ queue, now: clock.now, closeAuction: close, notDueRetryMs: 2000 });
      clock.set(1000);
      assert.equal(await w.runOnce(), 2);
      assert.equal(extensionScheduled, true);
      assert.deepEqual(await queue.nextDueAt(), at(1500));
      clock.set(1500);
      assert.equal(await w.runOnce(), 1, 'extended, at its new end');
      assert.deepEqual(await queue.nextDueAt(), at(3000), 'lagging: retry 2000 ms after the not-due answer');
      clock.set(3000);
      assert.equal(await w.runOnce(), 1);
      assert.deepEqual(await queue.nextDueAt(), at(5000), 'still not due at 3000');
      clock.set(5000);
      assert.equal(await w.runOnce(), 1);
      assert.equal(await queue.nextDueAt(), undefined);
    });

    it('leaves the claim of a failed close to expire, then retries it', async () => {
      const clock = fakeClock();
      const queue = new InMemoryClosingQueue();
      await queue.schedule('a', at(0), 1);
      const errors: object[] = [];
      let fail = true;
      const results: string[] = [];
      const w = worker({
        queue,
        now: clock.now,
        leaseMs: 5000,
        closeAuction: () => (fail ? Promise.reject(new Error('database unavailable')) : Promise.resolve('closed')),
        logger: { error: (details) => errors.push(details), debug: () => undefined },
        onResult: (_id, r) => results.push(r),
      });
      assert.equal(await w.runOnce(), 1);
      assert.equal(errors.length, 1);
      fail = false;
      clock.set(4999);
      assert.equal(await w.runOnce(), 0, 'still claimed');
      clock.set(5000);
      assert.equal(await w.runOnce(), 1);
      assert.deepEqual(results, ['error', 'closed']);
      assert.equal(await queue.nextDueAt(), undefined);
    });

    it('treats an unknown answer from closeAuction as an error', async () => {
      const queue = new InMemoryClosingQueue();
      await queue.schedule('a', at(0), 1);
      const results: string[] = [];
      const w = worker({
        queue,
        now: () => at(0),
        closeAuction: () => Promise.resolve('maybe' as CloseOutcome),
        onResult: (_id, r) => results.push(r),
      });
      await w.runOnce();
      assert.deepEqual(results, ['error']);
      assert.deepEqual(await queue.nextDueAt(), at(10_000), 'claimed until the lease ends');
    });

    it('keeps at most `concurrency` closes in flight', async () => {
      const queue = new InMemoryClosingQueue();
      for (let i = 0; i < 20; i += 1) await queue.schedule(`a${i}`, at(0), 1);
      let inFlight = 0;
      let most = 0;
      const w = worker({
        queue,
        now: () => at(0),
        concurrency: 3,
        closeAuction: async () => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await tick();
          inFlight -= 1;
          return 'closed';
        },
      });
      assert.equal(await w.runOnce(), 20);
      assert.equal(most, 3);
    });
  });

  describe('the loop (start/stop)', () => {
    it('drains a backlog larger than one batch', async () => {
      const queue = new InMemoryClosingQueue();
      for (let i = 0; i < 120; i += 1) await queue.schedule(`a${i}`, at(i), 1);
      const closed = new Set<string>();
      const all = deferred();
      const w = worker({
        queue,
        now: () => at(1000),
        batchSize: 50,
        tickMs: 60_000, // only back-to-back passes can close them all
        closeAuction: (id) => {
          closed.add(id);
          if (closed.size === 120) all.resolve();
          return Promise.resolve('closed');
        },
      });
      w.start();
      await all.promise;
      await w.stop();
      assert.equal(closed.size, 120);
    });

    it('wakes for an end time sooner than the next tick', async () => {
      const queue = new InMemoryClosingQueue();
      await queue.schedule('soon', new Date(Date.now() + 30), 1);
      const closed = deferred();
      const w = worker({
        queue,
        tickMs: 600_000, // a tick would come long after the test's timeout
        closeAuction: () => (closed.resolve(), Promise.resolve('closed')),
      });
      w.start();
      await closed.promise;
    });

    it('wakes when nudged by a schedule in the same process', async () => {
      const queue = new InMemoryClosingQueue();
      const firstPassDone = deferred();
      const watched: ClosingQueue = {
        schedule: (...a) => queue.schedule(...a),
        remove: (id) => queue.remove(id),
        claimDue: (...a) => queue.claimDue(...a),
        release: (...a) => queue.release(...a),
        complete: (id) => queue.complete(id),
        nextDueAt: async () => {
          const next = await queue.nextDueAt();
          firstPassDone.resolve();
          return next;
        },
      };
      const closed = deferred();
      const w = worker({ queue: watched, tickMs: 600_000, closeAuction: () => (closed.resolve(), Promise.resolve('closed')) });
      queue.onScheduled((endsAt) => w.nudge(endsAt));
      w.start();
      await firstPassDone.promise; // the worker now sleeps for a whole tick
      await tick();
      await queue.schedule('new', new Date(Date.now() + 20), 1);
      await closed.promise;
    });

    it('stop waits for the closes in flight and then stays stopped', async () => {
      const queue = new InMemoryClosingQueue();
      await queue.schedule('a', at(0), 1);
      await queue.schedule('b', at(0), 1);
      const inside = deferred();
      const gate = deferred();
      const calls: string[] = [];
      const w = worker({
        queue,
        now: () => at(0),
        tickMs: 1,
        concurrency: 1,
        closeAuction: async (id) => {
          calls.push(id);
          inside.resolve();
          await gate.promise;
          return 'closed';
        },
      });
      w.start();
      await inside.promise;
      let stopped = false;
      const stopping = w.stop().then(() => (stopped = true));
      for (let i = 0; i < 5; i += 1) await tick();
      assert.equal(stopped, false);
      gate.resolve();
      await stopping;
      assert.equal(w.isRunning, false);
      assert.deepEqual(calls, ['a', 'b'], 'the claimed batch is finished');
      await queue.schedule('c', at(0), 1);
      for (let i = 0; i < 5; i += 1) await tick();
      assert.deepEqual(calls, ['a', 'b']);
    });

    it('survives a failing queue and closes once it recovers', async () => {
      const queue = new InMemoryClosingQueue();
      await queue.schedule('a', at(0), 1);
      let failures = 3;
      const errors: object[] = [];
      const flaky: ClosingQueue = {
        schedule: (...a) => queue.schedule(...a),
        remove: (id) => queue.remove(id),
        claimDue: (...a) => (failures-- > 0 ? Promise.reject(new Error('connection reset')) : queue.claimDue(...a)),
        release: (...a) => queue.release(...a),
        complete: (id) => queue.complete(id),
        nextDueAt: () => queue.nextDueAt(),
      };
      const closed = deferred();
      const w = worker({
        queue: flaky,
        now: () => at(0),
        tickMs: 5,
        closeAuction: () => (closed.resolve(), Promise.resolve('closed')),
        logger: { error: (d) => errors.push(d), debug: () => undefined },
      });
      w.start();
      await closed.promise;
      assert.equal(errors.length, 3);
    });
  });
});
