// The scheduler role: the closing queue fed from the event log, and a worker that sends
// CloseAuction at each end time. Safe with any number of scheduler processes on one Redis.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { LogPosition } from '../../domain/index.js';
import { START } from '../../domain/index.js';
import type { CloseOutcome, ClosingQueue, CommandHandler, FeedCheckpoint } from '../../commands/index.js';
import { ClosingWorker, InMemoryClosingQueue, RedisClosingQueue, startScheduleFeed, uuidFrom } from '../../commands/index.js';
import type { RedisClient } from '../../infra/index.js';
import type { Resources } from './resources.js';

/** The feed's checkpoint lives beside the queue it feeds, so the two never disagree. */
const redisCheckpoint = (redis: RedisClient, namespace: string): FeedCheckpoint => ({
  load: async () => (await redis.get(`${namespace}:feed-checkpoint`)) ?? START,
  save: async (position) => {
    await redis.set(`${namespace}:feed-checkpoint`, position);
  },
});

const memoryCheckpoint = (): FeedCheckpoint => {
  let position: LogPosition = START;
  return { load: () => Promise.resolve(position), save: (p) => Promise.resolve(void (position = p)) };
};

export interface Scheduler {
  readonly queue: ClosingQueue;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  readonly now?: () => Date;
  /** Redis key namespace of the queue and its checkpoint (default 'gs:closing'). */
  readonly namespace?: string;
  /** Where the feed's counter of skipped (unreadable) events goes. */
  readonly registry?: Registry;
}

export const startScheduler = async (r: Resources, handler: CommandHandler, options: SchedulerOptions = {}): Promise<Scheduler> => {
  const { logger } = r;
  const now = options.now ?? (() => new Date());
  const namespace = options.namespace ?? 'gs:closing';
  const memoryQueue = r.redis === undefined ? new InMemoryClosingQueue() : undefined;
  const queue = memoryQueue ?? new RedisClosingQueue(r.redis!, { namespace });

  const closeAuction = async (auctionId: string): Promise<CloseOutcome> => {
    const result = await handler.handle(
      { type: 'CloseAuction', auctionId },
      // One command id per auction: two workers closing at once append one AuctionClosed.
      { commandId: uuidFrom('close', auctionId), userId: 'system:scheduler', idempotencyKey: null, correlationId: randomUUID() },
    );
    if (E.isRight(result)) return 'closed';
    if (result.left.code === 'AUCTION_NOT_ENDED') return 'not-due';
    if (result.left.code === 'AUCTION_NOT_FOUND') return 'gone';
    throw new Error(`closing ${auctionId}: ${result.left.code} ${result.left.message}`);
  };

  const worker = new ClosingWorker({ queue, closeAuction, now, logger });
  memoryQueue?.onScheduled((endsAt) => worker.nudge(endsAt));
  const skipped = options.registry === undefined ? undefined : new Counter({
    name: 'gavelstream_schedule_feed_skipped_events_total',
    help: 'Events the closing schedule feed skipped because it cannot decode them (see README, "Events that cannot be read")',
    registers: [options.registry],
  });
  const feed = await startScheduleFeed(
    r.log,
    queue,
    r.redis === undefined ? memoryCheckpoint() : redisCheckpoint(r.redis, namespace),
    (err) => logger.error({ err }, 'closing schedule feed failed'),
    ({ recorded, reason }) => {
      skipped?.inc();
      logger.error(
        { streamId: recorded.streamId, streamVersion: recorded.streamVersion, position: recorded.position, eventType: recorded.type, reason },
        `closing schedule feed skipped ${recorded.streamId}@${recorded.streamVersion} (log position ${recorded.position}): it cannot be decoded: ${reason}`,
      );
    },
  );
  worker.start();
  return {
    queue,
    // Claims stop first; the closes claimed finish; then the feed.
    stop: async () => {
      await worker.stop();
      await feed.stop();
    },
  };
};
