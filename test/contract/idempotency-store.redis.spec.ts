// The idempotency store contract on Redis, one server and a cluster: a lapsed lease is Redis
// expiring the key.
import { randomUUID } from 'node:crypto';
import { RedisIdempotencyStore } from '../../commands/index.js';
import type { RedisTarget } from '../../infra/index.js';
import { closeRedis } from '../../infra/index.js';
import { eventually } from '../support/system.js';
import { deleteKeys, openTestRedis, redisVariants } from '../support/redis-variants.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';

for (const variant of redisVariants) {
  let target: RedisTarget | undefined;
  idempotencyStoreContract(
    `RedisIdempotencyStore (${variant.name})`,
    async () => {
      const keyPrefix = `gs-test:idem-contract:${randomUUID()}`;
      const redis = await openTestRedis(target!, 'test-idempotency-contract');
      return {
        store: new RedisIdempotencyStore(redis, { keyPrefix }),
        shortLeaseMs: 50,
        outlive: async (key) => {
          await eventually(async () => ((await redis.exists(`${keyPrefix}:${key}`)) === 0 ? true : undefined), `the claim on ${key} to lapse`);
        },
        cleanup: async () => {
          await deleteKeys(redis, `${keyPrefix}:*`);
          await closeRedis(redis);
        },
      };
    },
    (ctx) => {
      target = variant.target(ctx, 'RedisIdempotencyStore contract');
    },
  );
}
