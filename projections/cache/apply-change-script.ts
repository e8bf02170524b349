// The one Redis script that stores a live change: under a version check, it writes the auction's
// hash, adds the frame to the capped frames set and PUBLISHes the change, all or nothing, so no
// change is announced that was not stored, and none twice or out of order.
import type { Result } from 'ioredis';
import type { RedisClient } from '../../infra/index.js';

/*
 * KEYS[1] the auction's hash, KEYS[2] its frames set.
 * ARGV[1] the change's version, ARGV[2] the frame JSON, ARGV[3] the LiveChange JSON (published),
 * ARGV[4] the channel, ARGV[5] frames kept, ARGV[6] seconds to keep the frames once the auction
 * ended (0 while it is live), ARGV[7..] the hash fields and values that change.
 * Returns {1, version} when stored, {0, stored} when the cache already had it, {-1, stored} when
 * the version does not follow the stored one (a gap).
 */
const APPLY_LIVE_CHANGE = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local version = tonumber(ARGV[1])
if version <= stored then return {0, stored} end
if version ~= stored + 1 then return {-1, stored} end
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
redis.call('ZADD', KEYS[2], version, ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1 - tonumber(ARGV[5]))
local ttl = tonumber(ARGV[6])
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
redis.call('PUBLISH', ARGV[4], ARGV[3])
return {1, version}
`;

export type ApplyLiveChangeArgs = [hashKey: string, framesKey: string, version: number, frame: string, change: string, channel: string, historyLength: number, endedTtlSeconds: number, ...fields: string[]];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    gsApplyLiveChange(...args: ApplyLiveChangeArgs): Result<[number, number], Context>;
  }
}

/** Registers the script on a connection (EVALSHA, with EVAL when the server lacks it; also in pipelines). */
export const defineApplyLiveChange = (redis: RedisClient): void => {
  if (typeof (redis as Partial<RedisClient>).gsApplyLiveChange === 'function') return;
  redis.defineCommand('gsApplyLiveChange', { numberOfKeys: 2, lua: APPLY_LIVE_CHANGE });
};
