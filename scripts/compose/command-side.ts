// The write side's object graph: repository, lock, command handler (recording refused bids), and
// the command API's router with its idempotency store, and the watchlist's writes.
import { Router } from 'express';
import { pseudonymiser } from '../../infra/index.js';
import {
  AccountRepository, AccountService, RefreshTokens, SignInLockout, accountRoutes,
  AuctionRepository, CommandHandler, ContentionLeaseLock, InProcessLock, MemoryIdempotencyStore, RedisIdempotencyStore, RedlockLock,
  SaleService, bidAttemptOf, commandRoutes, createAttemptsLog, createWatchlistStore, saleRoutes, watchlistRoutes,
} from '../../commands/index.js';
import type { RefusedAttempt } from '../../commands/index.js';
import type { Resources } from './resources.js';

export interface CommandSide {
  readonly handler: CommandHandler;
  readonly router: Router;
  /** The account routes (README, "Accounts"), served by the command API. */
  readonly accountRouter: Router;
  close(): Promise<void>;
}

export interface CommandSideOptions {
  /** Redis key prefix of the sign-in lockout's counters (tests give each system its own). */
  readonly signInLockoutNamespace?: string;
}

/** The sign-in lockout's window: failures older than this are forgotten. */
const SIGN_IN_WINDOW_SECONDS = 15 * 60;

export const buildCommandSide = (r: Resources, clock: () => Date = () => new Date(), options: CommandSideOptions = {}): CommandSide => {
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
  // The account streams the account rules read (suspensions, block lists), caught up per batch.
  // PGlite runs one statement at a time: account reads queue into one; PostgreSQL takes a few at once.
  const accounts = new AccountRepository(r.log, { readsInFlight: r.sql.kind === 'pglite' ? 1 : 4 });
  const repository = new AuctionRepository(r.log);
  const handler = new CommandHandler({ log: r.log, repository, lock, clock, hooks: { refused: recordRefusal }, accounts });
  const settings = r.config.accounts;
  const service = new AccountService({
    log: r.log,
    sql: r.sql,
    accounts,
    refreshTokens: new RefreshTokens(r.sql, settings.refreshTokenTtlDays * 86_400_000),
    lockout: new SignInLockout({
      redis: r.redis,
      maxFailuresPerAccount: settings.signInMaxFailures,
      maxFailuresPerAddress: settings.signInMaxFailures * 4,
      windowSeconds: SIGN_IN_WINDOW_SECONDS,
      logger,
      ...(options.signInLockoutNamespace !== undefined ? { keyPrefix: options.signInLockoutNamespace } : {}),
    }),
    jwtSecret: r.config.jwtSecret,
    accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
    clock,
    logger,
  });
  const idempotencyStore = r.redis === undefined ? new MemoryIdempotencyStore() : new RedisIdempotencyStore(r.redis);
  const leaseMs = r.config.idempotencyLeaseMs;
  const router = Router();
  router.use(commandRoutes({ handler, loadAuction: (auctionId) => repository.load(auctionId), pseudonym: pseudonymiser(r.config.pseudonymSecret), idempotencyStore, secondChanceOfferSeconds: r.config.secondChanceOfferSeconds, clock, ...(leaseMs !== undefined ? { idempotency: { leaseMs } } : {}) }));
  router.use(saleRoutes({ service: new SaleService({ log: r.log, handler, clock }), idempotencyStore, ...(leaseMs !== undefined ? { idempotency: { leaseMs } } : {}) }));
  router.use(watchlistRoutes({ store: createWatchlistStore(r.sql), auctionExists: async (id) => (await repository.load(id)).version > 0, clock }));
  return { handler, router, accountRouter: accountRoutes({ service, accounts }), close: () => attempts.close() };
};
