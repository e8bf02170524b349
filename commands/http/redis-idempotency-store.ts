// The idempotency store in Redis (one server or a cluster), shared by every command node: one Lua
// script per operation. Its keys are `<prefix>:<scoped key>`, the scoped key starting with the
// user's hash tag (scopedIdempotencyKey), so a claim shares the slot of the user's rate counter.
import { isLeft } from 'fp-ts/lib/Either.js';
import type { Result } from 'ioredis';
import type { DeferredPoint, RedisClient } from '../../infra/index.js';
import { IdempotencyRecordCodec } from './idempotency-store.js';
import type { CountedClaim, DoneRecord, IdempotencyRecord, IdempotencyStore, InFlightRecord } from './idempotency-store.js';

// The store's scripts, each one round trip (EVALSHA once loaded):
// claim: the existing record, or nil after writing the in-flight one for its lease (atomic, so no
// retry loop; Redis drops a lapsed lease, so a dead owner's claim is simply gone);
// complete: compare-and-set on the exact in-flight value this owner wrote;
// renew and release: on the in-flight record this owner wrote (the owner is read from the JSON),
// extend its lease, or delete it.
const claimScript = `local v = redis.call('GET', KEYS[1]) if v then return v end redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return false`;
const completeScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`;
/** Returns 0 unless KEYS[1] holds the in-flight record of owner ARGV[1]; the scripts that follow it act on that claim. */
const ownedClaim = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, r = pcall(cjson.decode, v)
if not (ok and type(r) == 'table' and r.state == 'in-flight' and r.owner == ARGV[1]) then return 0 end
`;
const renewScript = `${ownedClaim}return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;
const releaseScript = `${ownedClaim}return redis.call('DEL', KEYS[1])`;

// The rate limit's point and the claim in one script. The first lines are rate-limiter-flexible's
// own counting script (RateLimiterRedis), on the counter the middleware uses, so both paths share
// one budget; the claim is made only under the limit.
// KEYS[1] the counter, KEYS[2] the idempotency key; ARGV[1] the window (s), ARGV[2] the limit,
// ARGV[3] the in-flight value, ARGV[4] its lease (ms). Returns {consumed, ttl ms, claimed 0|1, existing record?}.
const countAndClaimScript = `redis.call('set', KEYS[1], 0, 'EX', ARGV[1], 'NX')
local consumed = redis.call('incrby', KEYS[1], 1)
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('expire', KEYS[1], ARGV[1])
  ttl = 1000 * ARGV[1]
end
if consumed > tonumber(ARGV[2]) then return {consumed, ttl, 0} end
local v = redis.call('GET', KEYS[2])
if v then return {consumed, ttl, 1, v} end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return {consumed, ttl, 1}`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    gsCountAndClaim(counter: string, key: string, windowSeconds: number, points: number, inFlight: string, leaseMs: number): Result<[number, number, number, string?], Context>;
    gsIdempotencyClaim(key: string, inFlight: string, leaseMs: number): Result<string | null, Context>;
    gsIdempotencyRenew(key: string, owner: string, leaseMs: number): Result<number, Context>;
    gsIdempotencyComplete(key: string, inFlight: string, done: string, ttlMs: number): Result<number, Context>;
    gsIdempotencyRelease(key: string, owner: string): Result<number, Context>;
  }
}

const defineScripts = (redis: RedisClient): void => {
  if (typeof (redis as Partial<RedisClient>).gsIdempotencyClaim === 'function') return;
  redis.defineCommand('gsIdempotencyClaim', { numberOfKeys: 1, lua: claimScript });
  redis.defineCommand('gsIdempotencyComplete', { numberOfKeys: 1, lua: completeScript });
  redis.defineCommand('gsIdempotencyRenew', { numberOfKeys: 1, lua: renewScript });
  redis.defineCommand('gsIdempotencyRelease', { numberOfKeys: 1, lua: releaseScript });
  redis.defineCommand('gsCountAndClaim', { numberOfKeys: 2, lua: countAndClaimScript });
};

export interface RedisIdempotencyStoreOptions {
  /** Key prefix; keys are `<prefix>:<scoped key>`. Default 'gs:idem'. */
  readonly keyPrefix?: string;
}

/** Shared store: one script per operation (claim, renew, complete, release), each one round trip. */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClient,
    options: RedisIdempotencyStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? 'gs:idem';
    defineScripts(redis);
  }

  private redisKey(key: string): string {
    return `${this.prefix}:${key}`;
  }

  private static inFlightValue(fingerprint: string, owner: string): string {
    const record: InFlightRecord = { state: 'in-flight', fingerprint, owner };
    return JSON.stringify(record);
  }

  async claim(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<IdempotencyRecord | null> {
    const k = this.redisKey(key);
    return RedisIdempotencyStore.decodeRecord(k, await this.redis.gsIdempotencyClaim(k, RedisIdempotencyStore.inFlightValue(fingerprint, owner), leaseMs));
  }

  async renew(key: string, owner: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.gsIdempotencyRenew(this.redisKey(key), owner, leaseMs)) === 1;
  }

  countAndClaim(point: DeferredPoint, key: string, fingerprint: string, owner: string, leaseMs: number): Promise<CountedClaim> | undefined {
    if (point.redis !== this.redis) return undefined;
    const k = this.redisKey(key);
    return this.redis
      .gsCountAndClaim(point.key, k, point.durationSeconds, point.points, RedisIdempotencyStore.inFlightValue(fingerprint, owner), leaseMs)
      .then(([consumed, msBeforeNext, claimed, existing]) =>
        claimed === 1 ? { consumed, msBeforeNext, claim: RedisIdempotencyStore.decodeRecord(k, existing ?? null) } : { consumed, msBeforeNext },
      );
  }

  private static decodeRecord(k: string, raw: string | null): IdempotencyRecord | null {
    if (raw === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const decoded = IdempotencyRecordCodec.decode(parsed);
    if (isLeft(decoded)) throw new Error(`idempotency store: unreadable record at ${k}`);
    return decoded.right;
  }

  async complete(key: string, owner: string, record: DoneRecord, ttlMs: number): Promise<boolean> {
    const result = await this.redis.gsIdempotencyComplete(this.redisKey(key), RedisIdempotencyStore.inFlightValue(record.fingerprint, owner), JSON.stringify(record), ttlMs);
    return result === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.redis.gsIdempotencyRelease(this.redisKey(key), owner);
  }
}
