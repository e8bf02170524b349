import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { InProcessLock } from '../../../commands/locks/index.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('InProcessLock', () => {
  it('runs calls for one key one at a time, in arrival order', async () => {
    const lock = new InProcessLock();
    let active = 0;
    let maxActive = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        lock.withLock('a', async () => {
          started.push(i);
          active += 1;
          maxActive = Math.max(maxActive, active);
          for (let k = 0; k < 3; k += 1) await tick();
          active -= 1;
          return i * 2;
        }),
      ),
    );
    assert.equal(maxActive, 1);
    assert.deepEqual(started, Array.from({ length: 20 }, (_, i) => i));
    assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('lets different keys run at the same time', async () => {
    const lock = new InProcessLock();
    const gate = deferred();
    const bStarted = deferred();
    const a = lock.withLock('a', async () => {
      await gate.promise;
      return 'a';
    });
    const b = lock.withLock('b', async () => {
      bStarted.resolve();
      return 'b';
    });
    await bStarted.promise; // b ran while a still holds its key
    gate.resolve();
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
  });

  it('passes a rejection to its caller and goes on with the next one', async () => {
    const lock = new InProcessLock();
    const first = lock.withLock('a', () => Promise.reject(new Error('boom')));
    const second = lock.withLock('a', () => {
      throw new Error('sync boom');
    });
    const third = lock.withLock('a', () => Promise.resolve('ok'));
    await assert.rejects(first, /boom/);
    await assert.rejects(second, /sync boom/);
    assert.equal(await third, 'ok');
  });

  it('waits for a rejected holder before running the next', async () => {
    const lock = new InProcessLock();
    const order: string[] = [];
    const first = lock.withLock('a', async () => {
      await tick();
      order.push('first');
      throw new Error('x');
    });
    const second = lock.withLock('a', async () => {
      order.push('second');
    });
    await assert.rejects(first);
    await second;
    assert.deepEqual(order, ['first', 'second']);
  });

  it('forgets a key once nobody holds or waits for it', async () => {
    const lock = new InProcessLock();
    const gate = deferred();
    const calls = [
      lock.withLock('a', () => gate.promise),
      lock.withLock('a', () => Promise.reject(new Error('x'))).catch(() => undefined),
      lock.withLock('b', () => Promise.resolve()),
    ];
    assert.equal(lock.activeKeys, 2);
    await calls[2];
    assert.equal(lock.activeKeys, 1);
    gate.resolve();
    await Promise.all(calls);
    assert.equal(lock.activeKeys, 0);
    for (let i = 0; i < 1000; i += 1) await lock.withLock(`k${i}`, () => Promise.resolve());
    assert.equal(lock.activeKeys, 0);
  });
});
