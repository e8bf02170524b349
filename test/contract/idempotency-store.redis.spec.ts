// The idempotency store contract on Redis (REDIS_URL): a lapsed lease is Redis expiring the key.
import { randomUUID } from 'node:crypto';
import { RedisIdempotencyStore } from '../../commands/index.js';
import { closeRedis, openRedis } from '../../infra/index.js';
import { serviceUrl } from '../support/services.js';
import { eventually } from '../support/system.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';

let url = '';
idempotencyStoreContract(
  'RedisIdempotencyStore',
  async () => {
    const keyPrefix = `gs-test:idem-contract:${randomUUID()}`;
    const redis = await openRedis(url, 'test-idempotency-contract');
    return {
      store: new RedisIdempotencyStore(redis, { keyPrefix }),
      shortLeaseMs: 50,
      outlive: async (key) => {
        await eventually(async () => ((await redis.exists(`${keyPrefix}:${key}`)) === 0 ? true : undefined), `the claim on ${key} to lapse`);
      },
      cleanup: async () => {
        const keys = await redis.keys(`${keyPrefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        await closeRedis(redis);
      },
    };
  },
  (ctx) => {
    url = serviceUrl(ctx, 'REDIS_URL', 'RedisIdempotencyStore contract');
  },
);
