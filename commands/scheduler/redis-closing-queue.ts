// The closing queue in Redis (semantics in closing-queue.ts). Keys, all under one hash tag so
// that the scripts stay within one slot on Redis Cluster (the whole queue is one slot, so one
// master: its load is a few scripts per auction, and one tag keeps every script atomic):
//   {ns}:due     zset  auction id -> end time (epoch ms), for auctions not claimed
//   {ns}:claims  zset  auction id -> claim expiry (epoch ms)
//   {ns}:sched   hash  auction id -> "<version> <endsAtMs>", the end time held and its version
//   {ns}:done:<id>     a marker with a TTL: completed or removed, ignore schedules
// Every operation that reads and writes is one Lua script (ioredis defineCommand), so concurrent
// workers and handlers see each other's changes whole.
import type { RedisClient } from '../../infra/index.js';
import { CheckedClosingQueue } from './closing-queue.js';

export interface RedisClosingQueueOptions {
  /** Key namespace (without braces). Default `gs:closing`. */
  readonly namespace?: string;
  /** How long completed or removed auctions are remembered (ms). Default one day. */
  readonly forgetAfterMs?: number;
}

/** The queue's keys under `namespace` (without braces): every one carries the tag `{namespace}`. */
export const closingQueueKeys = (namespace = 'gs:closing'): { readonly due: string; readonly claims: string; readonly sched: string; readonly donePrefix: string } => {
  const tag = `{${namespace}}`;
  return { due: `${tag}:due`, claims: `${tag}:claims`, sched: `${tag}:sched`, donePrefix: `${tag}:done:` };
};

/** Expired claims offered again per claimDue call, at most (bounds the script's run time). */
const REOFFER_LIMIT = 1000;

const SCHEDULE = `
if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
local held = redis.call('HGET', KEYS[3], ARGV[1])
if held and tonumber(string.match(held, '^(%d+)')) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3] .. ' ' .. ARGV[2])
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
return 1
`;

const CLAIM_DUE = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[4])
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  local held = redis.call('HGET', KEYS[3], id)
  if held then redis.call('ZADD', KEYS[1], string.match(held, ' (%d+)$'), id) end
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], ARGV[2], id)
end
return ids
`;

const RELEASE = `
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
local held = redis.call('HGET', KEYS[3], ARGV[1])
if not held then return 0 end
local endsAt = string.match(held, ' (%d+)$')
if tonumber(endsAt) > tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], endsAt, ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
`;

const FINISH = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('SET', KEYS[4], '1', 'PX', ARGV[2])
return 1
`;

/** The scripts as ioredis methods, after defineCommand. */
interface ClosingCommands {
  gsClosingSchedule(due: string, claims: string, sched: string, done: string, id: string, endsAtMs: string, version: string): Promise<number>;
  gsClosingClaimDue(due: string, claims: string, sched: string, nowMs: string, expiryMs: string, limit: string, reofferLimit: string): Promise<string[]>;
  gsClosingRelease(due: string, claims: string, sched: string, id: string, nowMs: string, retryAtMs: string): Promise<number>;
  gsClosingFinish(due: string, claims: string, sched: string, done: string, id: string, forgetAfterMs: string): Promise<number>;
}

const defineCommands = (redis: RedisClient): RedisClient & ClosingCommands => {
  redis.defineCommand('gsClosingSchedule', { numberOfKeys: 4, lua: SCHEDULE });
  redis.defineCommand('gsClosingClaimDue', { numberOfKeys: 3, lua: CLAIM_DUE });
  redis.defineCommand('gsClosingRelease', { numberOfKeys: 3, lua: RELEASE });
  redis.defineCommand('gsClosingFinish', { numberOfKeys: 4, lua: FINISH });
  return redis as RedisClient & ClosingCommands;
};

export class RedisClosingQueue extends CheckedClosingQueue {
  private readonly redis: RedisClient & ClosingCommands;
  private readonly keys: ReturnType<typeof closingQueueKeys>;

  /** Defines the queue's scripts on `redis` (a client the caller owns and closes). */
  constructor(redis: RedisClient, options: RedisClosingQueueOptions = {}) {
    super(options.forgetAfterMs);
    this.redis = defineCommands(redis);
    this.keys = closingQueueKeys(options.namespace);
  }

  protected async store(auctionId: string, endsAtMs: number, version: number): Promise<boolean> {
    const { due, claims, sched, donePrefix } = this.keys;
    return (await this.redis.gsClosingSchedule(due, claims, sched, donePrefix + auctionId, auctionId, String(endsAtMs), String(version))) === 1;
  }

  protected async claim(nowMs: number, limit: number, expiryMs: number): Promise<string[]> {
    const { due, claims, sched } = this.keys;
    return this.redis.gsClosingClaimDue(due, claims, sched, String(nowMs), String(expiryMs), String(limit), String(REOFFER_LIMIT));
  }

  protected async giveBack(auctionId: string, nowMs: number, retryAtMs: number): Promise<void> {
    const { due, claims, sched } = this.keys;
    await this.redis.gsClosingRelease(due, claims, sched, auctionId, String(nowMs), String(retryAtMs));
  }

  async nextDueAt(): Promise<Date | undefined> {
    const [firstDue, firstClaim] = await Promise.all([
      this.redis.zrange(this.keys.due, 0, 0, 'WITHSCORES'),
      this.redis.zrange(this.keys.claims, 0, 0, 'WITHSCORES'),
    ]);
    const times = [firstDue[1], firstClaim[1]].filter((s): s is string => s !== undefined).map(Number);
    return times.length === 0 ? undefined : new Date(Math.min(...times));
  }

  protected async finish(auctionId: string): Promise<void> {
    const { due, claims, sched, donePrefix } = this.keys;
    await this.redis.gsClosingFinish(due, claims, sched, donePrefix + auctionId, auctionId, String(this.forgetAfterMs));
  }
}
