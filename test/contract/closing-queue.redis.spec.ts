// The closing queue contract on Redis, one server and a cluster (the queue's keys share one hash
// tag), and a model check against the in-memory queue.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { InMemoryClosingQueue, RedisClosingQueue, type ClosingQueue } from '../../commands/scheduler/index.js';
import type { RedisClient, RedisTarget } from '../../infra/index.js';
import { closeRedis } from '../../infra/index.js';
import { deleteKeys, openTestRedis, redisVariants } from '../support/redis-variants.js';
import { closingQueueContract } from './closing-queue.contract.js';

for (const variant of redisVariants) {
  let target: RedisTarget | undefined;
  closingQueueContract(
    `RedisClosingQueue (${variant.name})`,
    async () => {
      const namespace = `gs-test:closing:${randomUUID()}`;
      const one = await openTestRedis(target!, 'test-closing-queue');
      const two = await openTestRedis(target!, 'test-closing-queue-other');
      return {
        queue: new RedisClosingQueue(one, { namespace }),
        other: new RedisClosingQueue(two, { namespace }),
        cleanup: async () => {
          await deleteKeys(one, `{${namespace}}*`);
          await Promise.all([closeRedis(one), closeRedis(two)]);
        },
      };
    },
    (ctx) => {
      target = variant.target(ctx, 'RedisClosingQueue contract');
    },
  );
}

for (const variant of redisVariants) describe(`RedisClosingQueue against InMemoryClosingQueue (${variant.name})`, function () {
  let redis: RedisClient | undefined;

  before(async function () {
    redis = await openTestRedis(variant.target(this, 'RedisClosingQueue model check'), 'test-closing-model');
  });

  after(async () => {
    if (redis !== undefined) await closeRedis(redis);
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
          await deleteKeys(client, `{${namespace}}*`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
