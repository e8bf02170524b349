// The write side's object graph: repository, lock, command handler (recording refused bids), and
// the command API's router with its idempotency store, and the watchlist's writes.
import { Router } from 'express';
import { pseudonymiser } from '../../infra/index.js';
import {
  AuctionRepository, CommandHandler, ContentionLeaseLock, InProcessLock, MemoryIdempotencyStore, RedisIdempotencyStore, RedlockLock,
  bidAttemptOf, commandRoutes, createAttemptsLog, createWatchlistStore, watchlistRoutes,
} from '../../commands/index.js';
import type { RefusedAttempt } from '../../commands/index.js';
import type { Resources } from './resources.js';

export interface CommandSide {
  readonly handler: CommandHandler;
  readonly router: Router;
  close(): Promise<void>;
}

export const buildCommandSide = (r: Resources, clock: () => Date = () => new Date()): CommandSide => {
  const { logger } = r;
  const attempts = createAttemptsLog(r.sql, { onError: (err) => logger.error({ err }, 'could not record refused bids') });
  const recordRefusal = (refused: RefusedAttempt): void => {
    const attempt = bidAttemptOf(refused);
    if (attempt !== undefined) attempts.record(attempt);
  };
  const local = new InProcessLock();
  // Across processes, the Redis lease serialises only the auctions whose appends met another process's.
  // Its Redlock asks every independent instance: the one Redis, or each master of a cluster.
  const lock = r.redis === undefined ? local : new ContentionLeaseLock({ local, lease: new RedlockLock({ clients: r.leaseClients, logger, local }) });
  const repository = new AuctionRepository(r.log);
  const handler = new CommandHandler({ log: r.log, repository, lock, clock, hooks: { refused: recordRefusal } });
  const idempotencyStore = r.redis === undefined ? new MemoryIdempotencyStore() : new RedisIdempotencyStore(r.redis);
  const leaseMs = r.config.idempotencyLeaseMs;
  const router = Router();
  router.use(commandRoutes({ handler, loadAuction: (auctionId) => repository.load(auctionId), pseudonym: pseudonymiser(r.config.pseudonymSecret), idempotencyStore, ...(leaseMs !== undefined ? { idempotency: { leaseMs } } : {}) }));
  router.use(watchlistRoutes({ store: createWatchlistStore(r.sql), auctionExists: async (id) => (await repository.load(id)).version > 0, clock }));
  return { handler, router, close: () => attempts.close() };
};
