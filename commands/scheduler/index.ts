// The closing scheduler: the queue port, its adapters, and the worker loop.
export type { ClosingQueue, ScheduleListener } from './closing-queue.js';
export { DEFAULT_FORGET_AFTER_MS } from './closing-queue.js';
export { InMemoryClosingQueue, type InMemoryClosingQueueOptions } from './in-memory-closing-queue.js';
export { RedisClosingQueue, closingQueueKeys, type RedisClosingQueueOptions } from './redis-closing-queue.js';
export { ClosingWorker, type ClosingWorkerOptions, type CloseAuction, type CloseOutcome, type WorkerLogger } from './closing-worker.js';
export { closeFollowingLots, nextHeldLot, type LotCloseAttempt } from './lot-chain.js';
export { applyToQueue, startScheduleFeed, type FeedCheckpoint, type UnreadableEvent } from './schedule-feed.js';
