// The scheduler role: the closing queue fed from the event log, and a worker that sends
// CloseAuction at each end time. Safe with any number of scheduler processes on one Redis.
// A Redis that lost its data (restarted empty, a failover to a replica behind) lost the queue and
// the feed's checkpoint with it: the scheduler watches the checkpoint and, once it is gone, follows
// the log again from its start, so every open auction is queued again (closed ones are closed
// again idempotently, at no cost but a refused close).
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { LogPosition } from '../../domain/index.js';
import { START } from '../../domain/index.js';
import type { CloseOutcome, ClosingQueue, CommandHandler, FeedCheckpoint } from '../../commands/index.js';
import { ClosingWorker, InMemoryClosingQueue, RedisClosingQueue, closeFollowingLots, startScheduleFeed, uuidFrom } from '../../commands/index.js';
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
  /** How often the feed's checkpoint is checked for a Redis that lost its data (default 5000 ms). */
  readonly lossCheckMs?: number;
}

export const startScheduler = async (r: Resources, handler: CommandHandler, options: SchedulerOptions = {}): Promise<Scheduler> => {
  const { logger } = r;
  const now = options.now ?? (() => new Date());
  const namespace = options.namespace ?? 'gs:closing';
  const memoryQueue = r.redis === undefined ? new InMemoryClosingQueue() : undefined;
  const queue = memoryQueue ?? new RedisClosingQueue(r.redis!, { namespace });

  const close = (auctionId: string) => handler.handle(
    { type: 'CloseAuction', auctionId },
    // One command id per auction: two workers closing at once append one AuctionClosed.
    { commandId: uuidFrom('close', auctionId), userId: 'system:scheduler', idempotencyKey: null, correlationId: randomUUID() },
  );
  const closeAuction = async (auctionId: string): Promise<CloseOutcome> => {
    const result = await close(auctionId);
    if (E.isRight(result)) {
      // A lot of a hold-back sale: the lots held back behind it close now, not at their next retry.
      if (result.right.events.length > 0) {
        await closeFollowingLots(result.right.state, async (next) => {
          const attempt = await close(next);
          return E.isRight(attempt) ? { closedNow: attempt.right.events.length > 0, state: attempt.right.state } : undefined;
        }).catch((err: unknown) => logger.error({ auctionId, err }, 'closing the lots after a closed lot failed; their own retries will close them'));
      }
      return 'closed';
    }
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
  // Whether the feed has saved its checkpoint since it (re)started: from then on, its absence means Redis lost it.
  let saved = false;
  const stored = r.redis === undefined ? memoryCheckpoint() : redisCheckpoint(r.redis, namespace);
  const checkpoint: FeedCheckpoint = {
    load: () => stored.load(),
    save: async (position) => {
      await stored.save(position);
      saved = true;
    },
  };
  const follow = () => startScheduleFeed(
    r.log,
    queue,
    checkpoint,
    (err) => logger.error({ err }, 'closing schedule feed failed'),
    ({ recorded, reason }) => {
      skipped?.inc();
      logger.error(
        { streamId: recorded.streamId, streamVersion: recorded.streamVersion, position: recorded.position, eventType: recorded.type, reason },
        `closing schedule feed skipped ${recorded.streamId}@${recorded.streamVersion} (log position ${recorded.position}): it cannot be decoded: ${reason}`,
      );
    },
  );
  let feed = await follow();
  const watch = r.redis === undefined ? undefined : watchForLoss(r.redis, `${namespace}:feed-checkpoint`, options.lossCheckMs ?? 5_000, () => saved, async () => {
    saved = false;
    logger.warn({ namespace }, 'the closing queue\'s checkpoint is gone from Redis (its data was lost): following the log again from its start to queue every open auction');
    await feed.stop();
    feed = await follow();
  }, (err) => logger.warn({ err }, 'checking the closing queue\'s checkpoint failed'));
  worker.start();
  return {
    queue,
    // Claims stop first; the closes claimed finish; then the feed.
    stop: async () => {
      await watch?.stop();
      await worker.stop();
      await feed.stop();
    },
  };
};

/**
 * Calls `onLost` when `key` is gone although it was written (`written()`), checked every
 * `intervalMs` with one EXISTS. The rounds never overlap; `stop` waits for the round in progress.
 */
const watchForLoss = (redis: RedisClient, key: string, intervalMs: number, written: () => boolean, onLost: () => Promise<void>, onError: (error: unknown) => void) => {
  let round: Promise<void> = Promise.resolve();
  const check = async (): Promise<void> => {
    if (written() && (await redis.exists(key)) === 0 && written()) await onLost();
  };
  const timer = setInterval(() => {
    round = round.then(check).catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await round;
    },
  };
};
