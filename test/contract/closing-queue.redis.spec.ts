import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { InMemoryClosingQueue, RedisClosingQueue, type ClosingQueue } from '../../commands/scheduler/index.js';
import { serviceUrl } from '../support/services.js';
import { closingQueueContract } from './closing-queue.contract.js';

let url = '';
closingQueueContract(
  'RedisClosingQueue',
  () => {
    const namespace = `gs-test:closing:${randomUUID()}`;
    const one = new Redis(url);
    const two = new Redis(url);
    return Promise.resolve({
      queue: new RedisClosingQueue(one, { namespace }),
      other: new RedisClosingQueue(two, { namespace }),
      cleanup: async () => {
        const keys = await one.keys(`{${namespace}}*`);
        if (keys.length > 0) await one.del(...keys);
        await Promise.all([one.quit(), two.quit()]);
      },
    });
  },
  (ctx) => {
    url = serviceUrl(ctx, 'REDIS_URL', 'RedisClosingQueue contract');
  },
);

describe('RedisClosingQueue against InMemoryClosingQueue', function () {
  let redis: Redis | undefined;

  before(function () {
    redis = new Redis(serviceUrl(this, 'REDIS_URL', 'RedisClosingQueue model check'));
  });

  after(async () => {
    await redis?.quit();
  });

  it('gives the same answers for random sequences of operations', async () => {
    const T0 = Date.UTC(2030, 0, 1);
    const id = fc.constantFrom('a', 'b', 'c', 'd');
    const time = fc.integer({ min: 0, max: 5000 }).map((ms) => new Date(T0 + ms));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('schedule' as const), id, time, version: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ kind: fc.constant('claimDue' as const), time, limit: fc.integer({ min: 1, max: 3 }), lease: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ kind: fc.constant('release' as const), id, time, retry: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ kind: fc.constant('complete' as const), id }),
      fc.record({ kind: fc.constant('remove' as const), id }),
      fc.record({ kind: fc.constant('nextDueAt' as const) }),
    );
    const apply = async (q: ClosingQueue, o: typeof op extends fc.Arbitrary<infer O> ? O : never): Promise<unknown> => {
      switch (o.kind) {
        case 'schedule':
          return q.schedule(o.id, o.time, o.version);
        case 'claimDue':
          return q.claimDue(o.time, o.limit, o.lease);
        case 'release':
          return q.release(o.id, o.time, new Date(o.time.getTime() + o.retry));
        case 'complete':
          return q.complete(o.id);
        case 'remove':
          return q.remove(o.id);
        case 'nextDueAt':
          return (await q.nextDueAt())?.getTime();
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const namespace = `gs-test:closing-model:${randomUUID()}`;
        const model = new InMemoryClosingQueue();
        const client = redis!;
        const real = new RedisClosingQueue(client, { namespace });
        try {
          for (const [i, o] of ops.entries()) {
            assert.deepEqual(await apply(real, o), await apply(model, o), `step ${i}: ${JSON.stringify(o)}`);
          }
        } finally {
          const keys = await client.keys(`{${namespace}}*`);
          if (keys.length > 0) await client.del(...keys);
        }
      }),
      { numRuns: 150 },
    );
  });
});
