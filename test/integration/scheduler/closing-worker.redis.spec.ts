// ClosingWorkers sharing the Redis queue, on one server and on a cluster.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ClosingWorker, RedisClosingQueue, type CloseAuction } from '../../../commands/scheduler/index.js';
import type { RedisClient, RedisTarget } from '../../../infra/index.js';
import { closeRedis } from '../../../infra/index.js';
import { deleteKeys, openTestRedis, redisVariants } from '../../support/redis-variants.js';

for (const variant of redisVariants) describe(`ClosingWorker on the Redis queue (${variant.name})`, function () {
  let target: RedisTarget;
  const clients: RedisClient[] = [];
  const workers: ClosingWorker[] = [];
  const namespace = `gs-test:closing-worker:${randomUUID()}`;

  before(function () {
    target = variant.target(this, 'ClosingWorker on the Redis queue');
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    if (clients.length === 0) return;
    await deleteKeys(clients[0]!, `{${namespace}}*`);
    await Promise.all(clients.map((c) => closeRedis(c)));
  });

  const queue = async (): Promise<RedisClosingQueue> => {
    const client = await openTestRedis(target, 'test-closing-worker');
    clients.push(client);
    return new RedisClosingQueue(client, { namespace });
  };

  it('two workers close each auction exactly once, extensions included', async () => {
    const start = Date.now();
    const count = 80;
    const ids = Array.from({ length: count }, (_, i) => `auction-${i}`);
    // The "domain": each auction's true end; closing before it is refused, closing twice is a no-op.
    const ends = new Map(ids.map((id, i) => [id, start + (i % 20) * 5]));
    const closedBy = new Map<string, string[]>();
    const notDue = new Map<string, number>();
    const lateCalls: string[] = [];
    let allClosed!: () => void;
    const done = new Promise<void>((resolve) => (allClosed = resolve));
    const closeAuction =
      (name: string): CloseAuction =>
      (id) => {
        if (closedBy.has(id)) {
          lateCalls.push(`${name}:${id}`);
          return Promise.resolve('gone');
        }
        if (Date.now() < ends.get(id)!) {
          notDue.set(id, (notDue.get(id) ?? 0) + 1);
          return Promise.resolve('not-due');
        }
        closedBy.set(id, [...(closedBy.get(id) ?? []), name]);
        if (closedBy.size === count) allClosed();
        return Promise.resolve('closed');
      };

    const handler = await queue(); // the command handler's handle
    await Promise.all(ids.map((id) => handler.schedule(id, new Date(ends.get(id)!), 1)));
    // Ten auctions get a soft-close extension the queue hears about only later (a slow handler).
    const extended = ids.slice(0, 10);
    for (const id of extended) ends.set(id, ends.get(id)! + 150);

    for (const name of ['worker-1', 'worker-2']) {
      const w = new ClosingWorker({ queue: await queue(), closeAuction: closeAuction(name), tickMs: 20, batchSize: 7, notDueRetryMs: 40, leaseMs: 30_000 });
      workers.push(w);
      w.start();
    }
    await Promise.all(extended.map((id) => handler.schedule(id, new Date(ends.get(id)!), 2)));
    await done;
    await Promise.all(workers.map((w) => w.stop()));

    assert.equal(closedBy.size, count);
    for (const [id, by] of closedBy) assert.equal(by.length, 1, `${id} closed by ${by.join(', ')}`);
    assert.deepEqual(lateCalls, [], 'no worker was handed an auction already closed');
    assert.equal(await handler.nextDueAt(), undefined, 'every auction completed');
  });
});
