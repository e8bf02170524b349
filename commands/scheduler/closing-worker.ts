// The scheduler role's loop: every tick (or sooner, when the nearest end time or claim expiry is
// sooner, or when nudged by a same-process schedule), claim the auctions that are due and close
// each through the injected `closeAuction` (the command handler's CloseAuction). Then:
//   'closed' or 'gone'  -> complete: the queue forgets the auction;
//   'not-due'           -> release: due again at its new end time (a soft-close extension the
//                          domain saw), or after `notDueRetryMs` if the queue has not heard of it;
//   an error            -> logged; the claim expires after `leaseMs` and any worker retries.
// Any number of workers may share a Redis queue: claims keep them from closing the same auction
// at once, and the close itself is idempotent and fenced by the stream's expected version.
import type { ClosingQueue } from './closing-queue.js';

export type CloseOutcome = 'closed' | 'not-due' | 'gone';
export type CloseAuction = (auctionId: string) => Promise<CloseOutcome>;

/** The logging the worker needs; a pino logger fits. */
export interface WorkerLogger {
  error(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface ClosingWorkerOptions {
  readonly queue: ClosingQueue;
  readonly closeAuction: CloseAuction;
  /** The clock that decides what is due. Default: the system clock. */
  readonly now?: () => Date;
  /** Longest pause between passes (ms). Default 250. */
  readonly tickMs?: number;
  /** Auctions claimed per pass; a full batch is followed at once by another pass. Default 50. */
  readonly batchSize?: number;
  /** How long a claim lasts (ms): after that, another worker may retry the auction. Default 10000. */
  readonly leaseMs?: number;
  /** When closeAuction says 'not-due' and the queue holds no later end time, retry after this (ms). Default 1000. */
  readonly notDueRetryMs?: number;
  /** closeAuction calls in flight at once. Default 8. */
  readonly concurrency?: number;
  readonly logger?: WorkerLogger;
  /** Called once per claimed auction with what became of it; wire a metric here. Must not throw. */
  readonly onResult?: (auctionId: string, result: CloseOutcome | 'error') => void;
}

/** The shortest pause between passes (ms), so a clock or queue anomaly cannot spin the loop. */
const MIN_DELAY_MS = 5;

const silent: WorkerLogger = { error: () => undefined, debug: () => undefined };
const outcomes: ReadonlySet<unknown> = new Set<CloseOutcome>(['closed', 'not-due', 'gone']);

export class ClosingWorker {
  private readonly queue: ClosingQueue;
  private readonly closeAuction: CloseAuction;
  private readonly now: () => Date;
  private readonly tickMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly notDueRetryMs: number;
  private readonly concurrency: number;
  private readonly logger: WorkerLogger;
  private readonly onResult: (auctionId: string, result: CloseOutcome | 'error') => void;

  private running = false;
  private timer: NodeJS.Timeout | undefined;
  /** When the pending timer fires, by the injected clock (ms). */
  private timerAt = Infinity;
  private pass: Promise<void> | undefined;
  /** The earliest time a nudge asked for while a pass was running (ms). */
  private nudgedAt = Infinity;

  constructor(options: ClosingWorkerOptions) {
    this.queue = options.queue;
    this.closeAuction = options.closeAuction;
    this.now = options.now ?? (() => new Date());
    this.tickMs = options.tickMs ?? 250;
    this.batchSize = options.batchSize ?? 50;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.notDueRetryMs = options.notDueRetryMs ?? 1000;
    this.concurrency = options.concurrency ?? 8;
    this.logger = options.logger ?? silent;
    this.onResult = options.onResult ?? (() => undefined);
    for (const [name, value] of Object.entries({
      tickMs: this.tickMs,
      batchSize: this.batchSize,
      leaseMs: this.leaseMs,
      notDueRetryMs: this.notDueRetryMs,
      concurrency: this.concurrency,
    })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`ClosingWorker: ${name} must be a positive integer`);
    }
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts the loop; the first pass runs at once. Starting a running worker does nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm(0);
  }

  /** Stops the loop and waits for the pass in flight (its closeAuction calls) to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.disarm();
    await this.pass;
  }

  /**
   * Asks for a pass at `endsAt` if that is before the next planned one, e.g. from the queue's
   * onScheduled in a process that both schedules and closes.
   */
  nudge(endsAt: Date): void {
    if (!this.running) return;
    const at = endsAt.getTime();
    if (Number.isNaN(at)) return;
    if (this.pass !== undefined) {
      this.nudgedAt = Math.min(this.nudgedAt, at);
      return;
    }
    if (at < this.timerAt) this.arm(Math.max(0, at - this.now().getTime()));
  }

  /**
   * One pass: claims up to batchSize due auctions and closes them. Resolves to the number
   * claimed; rejects only when the queue fails (closeAuction's failures are logged).
   */
  async runOnce(): Promise<number> {
    const ids = await this.queue.claimDue(this.now(), this.batchSize, this.leaseMs);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < ids.length) {
        const auctionId = ids[next++] as string;
        await this.closeOne(auctionId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, ids.length) }, lane));
    return ids.length;
  }

  private async closeOne(auctionId: string): Promise<void> {
    let result: CloseOutcome | 'error';
    try {
      const outcome = await this.closeAuction(auctionId);
      if (!outcomes.has(outcome)) throw new Error(`closeAuction returned ${JSON.stringify(outcome)}`);
      if (outcome === 'not-due') {
        const now = this.now();
        await this.queue.release(auctionId, now, new Date(now.getTime() + this.notDueRetryMs));
      } else {
        await this.queue.complete(auctionId);
      }
      result = outcome;
      this.logger.debug({ auctionId, outcome }, 'closing worker handled auction');
    } catch (error) {
      result = 'error';
      this.logger.error({ auctionId, err: error }, 'closing an auction failed; its claim will expire and a worker will retry');
    }
    try {
      this.onResult(auctionId, result);
    } catch {
      // a metric hook must not stop the loop
    }
  }

  private arm(delayMs: number): void {
    this.disarm();
    this.timerAt = this.now().getTime() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      // A pass still in flight (stop then start) plans the next one itself.
      if (this.pass === undefined) this.pass = this.loop();
    }, delayMs);
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** Passes until a batch comes back short, then plans the next pass. */
  private async loop(): Promise<void> {
    let delay = this.tickMs;
    try {
      while (this.running && (await this.runOnce()) === this.batchSize) {
        // a full batch: more may be due
      }
      const next = (await this.queue.nextDueAt())?.getTime() ?? Infinity;
      delay = Math.min(this.tickMs, Math.max(MIN_DELAY_MS, next - this.now().getTime()));
    } catch (error) {
      this.logger.error({ err: error }, 'closing queue unavailable; retrying at the next tick');
    }
    // From here on nothing awaits, so no nudge slips between reading nudgedAt and arming.
    const nudged = this.nudgedAt - this.now().getTime();
    this.nudgedAt = Infinity;
    this.pass = undefined;
    if (this.running) this.arm(Math.max(0, Math.min(delay, nudged)));
  }
}
