// realtime/: the WebSocket server (DESIGN.md section 6), the live feed it reads on Redis, and the
// live bidding page that uses them.
export { startRealtimeServer, defaultRealtimeLimits, REALTIME_PATH } from './server.js';
export type { RealtimeServer, RealtimeServerOptions, RealtimeLimits, RealtimeStats } from './server.js';
export { RedisLiveFeed, openRedisLiveFeed } from './redis-live-feed.js';
export type { RedisLiveFeedOptions } from './redis-live-feed.js';
export * from './client-frames.js';
export * from './server-frames.js';
export * from './page/index.js';
export { redisNotificationFeed } from './redis-notification-feed.js';
export { RedisChannels } from './redis-channels.js';
export type { SocketTokenVerifier } from './connection.js';
