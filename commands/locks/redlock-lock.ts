// A per-auction lease in Redis (redlock@5), layered over the in-process lock so that one process
// never contends with itself: per key, only the caller at the head of this process's queue asks
// Redis for the lease.
//
// The lease is an optimisation, never the guarantee (Kleppmann, "How to do distributed locking",
// and antirez's reply): a holder can be paused (GC, swap, a slow network) past its lease while
// another process takes it, so two holders can overlap. What keeps the auction correct is the
// event log's expected version: an append made on a stale state fails with a conflict and the
// handler retries on fresh state. The lease only spares hot auctions the wasted load-decide-append
// cycles that such conflicts cost. Hence this lock fails open:
//   - when Redis is known to be down (the client is reconnecting or closed), fn runs at once
//     without a lease;
//   - when the lease is not acquired within `acquireTimeoutMs` of the command's arrival
//     (contended, or Redis slow to answer), or redlock gives up, fn runs without the lease; the
//     bound counts from arrival, so commands queued in this process behind a waiting one do not
//     each wait the whole bound again;
//   - when the lease is lost while fn runs (the auto-extension failed), fn carries on;
//   - when releasing the lease fails, fn's result stands (the lease expires on its own).
// Each such case is logged at warn and reported through `onLeaseEvent`, for a metric.
//
// The lease is short (2 s by default) and auto-extended while fn runs (redlock's `using`), so a
// crashed holder blocks others for at most one lease. Redlock's retries are kept tight (a retry
// every ~25 ms for at most `acquireTimeoutMs`), so a hot auction never queues for seconds.
import Redlock, { type RedlockAbortSignal } from 'redlock';
import type { Redis } from 'ioredis';
import { silentLockLogger, type AuctionLock, type LockLogger } from './auction-lock.js';
import { InProcessLock } from './in-process-lock.js';

/** Why fn ran without a lease. */
export type LeaseBypassReason =
  /** A Redis client was reconnecting or closed, so no acquisition was tried. */
  | 'redis-unavailable'
  /** The lease was not acquired within acquireTimeoutMs. */
  | 'timeout'
  /** Redlock gave up: the lease stayed taken through its retries, or Redis answered with errors. */
  | 'not-acquired';

export type LeaseEvent =
  | { readonly kind: 'acquired'; readonly auctionId: string; readonly waitedMs: number }
  | { readonly kind: 'bypassed'; readonly auctionId: string; readonly reason: LeaseBypassReason; readonly waitedMs: number }
  /** The auto-extension failed while fn ran; fn was not interrupted. */
  | { readonly kind: 'lost'; readonly auctionId: string }
  /** Releasing failed after fn finished; the lease expires by itself. */
  | { readonly kind: 'release-failed'; readonly auctionId: string };

export interface RedlockLockOptions {
  /** Independent Redis masters (usually one). Each RedlockLock may share clients with other users. */
  readonly clients: readonly Redis[];
  /** Lease length in ms, auto-extended while fn runs. Default 2000. */
  readonly leaseMs?: number;
  /** Extend when the lease has less than this left (ms). Default 500; must be < leaseMs - 100. */
  readonly extensionThresholdMs?: number;
  /** How long after withLock is called to stop waiting for the lease and run fn without it (ms). Default 500. */
  readonly acquireTimeoutMs?: number;
  /** Pause between acquisition attempts (ms). Default 25. */
  readonly retryDelayMs?: number;
  /** Random spread added to each pause, +/- (ms). Default 15. */
  readonly retryJitterMs?: number;
  /** Key prefix; the lease key is `${keyPrefix}${auctionId}`. Default `gs:lock:auction:`. */
  readonly keyPrefix?: string;
  /** The in-process layer; pass one to share it, else each RedlockLock has its own. */
  readonly local?: InProcessLock;
  readonly logger?: LockLogger;
  /** Called for every lease outcome; wire a metric here. Must not throw. */
  readonly onLeaseEvent?: (event: LeaseEvent) => void;
}

/** The least time given to one acquisition attempt (ms), even when the bound is spent. */
const MIN_ATTEMPT_MS = 50;

const unavailableStatuses: ReadonlySet<string> = new Set(['reconnecting', 'close', 'end']);

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export class RedlockLock implements AuctionLock {
  private readonly redlock: Redlock;
  private readonly clients: readonly Redis[];
  private readonly leaseMs: number;
  private readonly acquireTimeoutMs: number;
  private readonly retryDelay: number;
  private readonly retryJitter: number;
  private readonly keyPrefix: string;
  private readonly local: InProcessLock;
  private readonly logger: LockLogger;
  private readonly onLeaseEvent: (event: LeaseEvent) => void;

  constructor(options: RedlockLockOptions) {
    if (options.clients.length === 0) throw new Error('RedlockLock needs at least one Redis client');
    this.clients = options.clients;
    this.leaseMs = options.leaseMs ?? 2000;
    const threshold = options.extensionThresholdMs ?? 500;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 500;
    const retryDelay = options.retryDelayMs ?? 25;
    const retryJitter = options.retryJitterMs ?? 15;
    for (const [name, value] of Object.entries({ leaseMs: this.leaseMs, extensionThresholdMs: threshold, acquireTimeoutMs: this.acquireTimeoutMs, retryDelayMs: retryDelay, retryJitterMs: retryJitter })) {
      if (!Number.isSafeInteger(value) || value < 0) throw new Error(`RedlockLock: ${name} must be a non-negative integer`);
    }
    if (threshold > this.leaseMs - 100) throw new Error('RedlockLock: extensionThresholdMs must be at least 100 ms below leaseMs');
    if (retryJitter >= Math.max(retryDelay, 1)) throw new Error('RedlockLock: retryJitterMs must be below retryDelayMs');
    this.retryDelay = retryDelay;
    this.retryJitter = retryJitter;
    // The instance settings serve extension and release: a few quick retries, no more.
    this.redlock = new Redlock(this.clients, {
      retryCount: 2,
      retryDelay,
      retryJitter,
      automaticExtensionThreshold: threshold,
    });
    this.keyPrefix = options.keyPrefix ?? 'gs:lock:auction:';
    this.local = options.local ?? new InProcessLock();
    this.logger = options.logger ?? silentLockLogger;
    this.onLeaseEvent = options.onLeaseEvent ?? (() => undefined);
  }

  withLock<T>(auctionId: string, fn: () => Promise<T>): Promise<T> {
    // The acquisition bound counts from the command's arrival, not from reaching the head of
    // this process's queue: when another process keeps the lease, the commands queued here
    // behind the first would otherwise each wait the full bound in turn.
    const arrived = Date.now();
    return this.local.withLock(auctionId, () => this.withLease(auctionId, fn, arrived));
  }

  private redisUsable(): boolean {
    // Redlock needs a majority; with most clients known down, asking would only queue commands.
    const up = this.clients.filter((c) => !unavailableStatuses.has(c.status)).length;
    return up > this.clients.length / 2;
  }

  private emit(event: LeaseEvent): void {
    try {
      this.onLeaseEvent(event);
    } catch {
      // A metric hook must not break a command.
    }
  }

  private bypass(auctionId: string, reason: LeaseBypassReason, waitedMs: number, error?: unknown): void {
    this.logger.warn(
      { auctionId, reason, waitedMs, err: error instanceof Error ? error.message : error },
      'auction lease not held; proceeding (the expected-version append guards correctness)',
    );
    this.emit({ kind: 'bypassed', auctionId, reason, waitedMs });
  }

  private withLease<T>(auctionId: string, fn: () => Promise<T>, arrived: number): Promise<T> {
    if (!this.redisUsable()) {
      this.bypass(auctionId, 'redis-unavailable', Date.now() - arrived);
      return fn();
    }
    // What is left of the bound; once spent, one quick attempt without retries.
    const windowMs = Math.max(0, arrived + this.acquireTimeoutMs - Date.now());
    const settings = { retryCount: Math.floor(windowMs / Math.max(this.retryDelay, 1)), retryDelay: this.retryDelay, retryJitter: this.retryJitter };
    return new Promise<T>((resolve, reject) => {
      // waiting: asking Redis; running: fn runs under the lease; abandoned: fn runs (or ran) without it.
      let phase: 'waiting' | 'running' | 'abandoned' = 'waiting';
      let settled: Settled<T> | undefined;
      const finish = (outcome: Settled<T>): void => (outcome.ok ? resolve(outcome.value) : reject(outcome.error));
      const message = (error: unknown): unknown => (error instanceof Error ? error.message : error);

      const runWithoutLease = (reason: LeaseBypassReason, error?: unknown): void => {
        phase = 'abandoned';
        this.bypass(auctionId, reason, Date.now() - arrived, error);
        fn().then(resolve, reject);
      };
      const timer = setTimeout(() => {
        if (phase === 'waiting') runWithoutLease('timeout');
      }, Math.max(windowMs, MIN_ATTEMPT_MS));

      const routine = async (signal: RedlockAbortSignal): Promise<void> => {
        // Acquired after we stopped waiting: let the lease go at once.
        if (phase !== 'waiting') return;
        clearTimeout(timer);
        phase = 'running';
        this.emit({ kind: 'acquired', auctionId, waitedMs: Date.now() - arrived });
        signal.addEventListener('abort', () => {
          this.logger.warn({ auctionId, err: message(signal.error) }, 'auction lease lost while the command ran; carrying on');
          this.emit({ kind: 'lost', auctionId });
        });
        try {
          settled = { ok: true, value: await fn() };
        } catch (error) {
          settled = { ok: false, error };
        }
      };

      this.redlock.using([`${this.keyPrefix}${auctionId}`], this.leaseMs, settings, routine).then(
        () => {
          if (settled !== undefined) finish(settled);
        },
        (error: unknown) => {
          if (phase === 'waiting') {
            clearTimeout(timer);
            runWithoutLease('not-acquired', error);
          } else if (phase === 'running') {
            if (settled === undefined) {
              reject(error);
              return;
            }
            // fn finished; only the release failed.
            this.logger.warn({ auctionId, err: message(error) }, 'auction lease release failed; it will expire');
            this.emit({ kind: 'release-failed', auctionId });
            finish(settled);
          } else {
            this.logger.debug({ auctionId, err: message(error) }, 'late lease acquisition failed after bypass');
          }
        },
      );
    });
  }
}
