// projections/cache: the live cache that realtime nodes read (the LiveFeed contract of
// contracts/live-cache.ts), kept in Redis or, in embedded mode, in memory.
export { MemoryLiveCache, LIVE_CACHE_PROJECTOR } from './memory-live-cache.js';
export type { MemoryLiveCacheOptions } from './memory-live-cache.js';
export { RedisLiveCache, LiveCacheCorruptError } from './redis-live-cache.js';
export type { RedisLiveCacheOptions } from './redis-live-cache.js';
export { evolveLive, frameOf, planLiveChanges } from './live-auction.js';
