// The auction-closing queue: which auctions end when, and which scheduler worker is closing
// which. Two adapters with the same semantics: RedisClosingQueue (distributed) and
// InMemoryClosingQueue (embedded), both built on CheckedClosingQueue (the argument checks and the
// schedule listeners); test/contract/closing-queue.contract.ts holds them to it.
//
// Out-of-order schedules. The command handler calls schedule after each append that sets an end
// time (creation, a soft-close extension) with the end time from that event and the stream
// version the append produced. Two handlers' calls for the same auction can arrive in either
// order (two processes, retries), so a bare "set the score" could let a late call for an older
// event undo an extension. The queue therefore keeps, per auction, the version of the end time
// it holds and ignores any schedule whose version is not newer: the latest event's end time wins
// whatever order the calls arrive in. An equal version is a repeat and is ignored too.
// Once an auction is completed or removed (closed, cancelled, sold), the queue remembers that for
// a while (a day by default) and ignores schedules for it, so a late call cannot revive it; a
// call later still would only cost one claim answered 'gone'.
//
// Claims. claimDue moves due auctions (end time <= now) into a claim that lasts leaseMs; while
// the claim lasts, no other claimDue returns the auction. The holder then calls complete
// (closed, or gone), or release (not due yet: the end time moved), or nothing (an error): an
// expired claim is offered again, at the auction's current end time. A schedule that arrives
// while an auction is claimed updates its end time and leaves the claim in place. Claims carry
// no owner: a holder that outlives its lease (and so may overlap the next holder) can still
// complete or release it. That costs at most a repeated CloseAuction command, which the event
// log's expected version and the idempotent close absorb.
//
// Time is the caller's: claimDue and release take `now`, so the scores never depend on a clock
// in Redis. Times are epoch milliseconds, from 1970 on.

export interface ClosingQueue {
  /**
   * Sets when auctionId ends, as decided by the event at stream `version` (insert, or move either
   * way). Ignored, resolving false, when the queue already holds this or a newer version, or the
   * auction was completed or removed.
   */
  schedule(auctionId: string, endsAt: Date, version: number): Promise<boolean>;
  /** The auction will not close by time (cancelled, sold by buy-now): forget it, and ignore later schedules. */
  remove(auctionId: string): Promise<void>;
  /**
   * Up to `limit` auctions whose end time is <= now, earliest first, each claimed until
   * now + leaseMs. Expired claims are offered again first (at their current end time).
   */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<string[]>;
  /**
   * Gives a claim back without closing: the auction is due again at its scheduled end time when
   * that is later than `now` (the end moved), else at `retryAt` (the schedule has not caught up).
   */
  release(auctionId: string, now: Date, retryAt: Date): Promise<void>;
  /** The auction is closed (or no longer exists): drop it and its claim, and ignore later schedules. */
  complete(auctionId: string): Promise<void>;
  /** The earliest time at which claimDue could return something: the first end time or claim expiry. */
  nextDueAt(): Promise<Date | undefined>;
}

/** Same-process notification of schedule calls, so a worker can wake before its next tick. */
export type ScheduleListener = (endsAt: Date) => void;

/** The listeners of one queue instance: `add` returns the unsubscribe; a listener's failure is not the scheduler's. */
export class ScheduleListeners {
  private readonly listeners = new Set<ScheduleListener>();

  add(listener: ScheduleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(endsAtMs: number): void {
    for (const listener of this.listeners) {
      try {
        listener(new Date(endsAtMs));
      } catch {
        // ignored: listeners only hurry a worker along
      }
    }
  }
}

/** How long a completed or removed auction is remembered, by default (ms). */
export const DEFAULT_FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

const checkAuctionId = (auctionId: string): void => {
  if (typeof auctionId !== 'string' || auctionId === '') throw new TypeError('auctionId must be a non-empty string');
};

const epochMs = (name: string, date: Date): number => {
  const ms = date instanceof Date ? date.getTime() : NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`${name} must be a valid date from 1970 on`);
  return ms;
};

const checkCount = (name: string, value: number, min: number): void => {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}`);
};

/**
 * What every adapter shares: the arguments checked as every queue checks them, `remove` and
 * `complete` both as `finish`, and the listeners told of each schedule that took effect. An
 * adapter keeps the state: each operation with its arguments checked, times as epoch ms.
 */
export abstract class CheckedClosingQueue implements ClosingQueue {
  /** How long completed or removed auctions are remembered (ms). */
  protected readonly forgetAfterMs: number;
  private readonly listeners = new ScheduleListeners();

  constructor(forgetAfterMs = DEFAULT_FORGET_AFTER_MS) {
    checkCount('forgetAfterMs', forgetAfterMs, 1);
    this.forgetAfterMs = forgetAfterMs;
  }

  /** Calls listener after each schedule through this instance that took effect (this process only); returns the unsubscribe. */
  onScheduled(listener: ScheduleListener): () => void {
    return this.listeners.add(listener);
  }

  async schedule(auctionId: string, endsAt: Date, version: number): Promise<boolean> {
    checkAuctionId(auctionId);
    const endsAtMs = epochMs('endsAt', endsAt);
    checkCount('version', version, 0);
    const applied = await this.store(auctionId, endsAtMs, version);
    if (applied) this.listeners.notify(endsAtMs);
    return applied;
  }

  async remove(auctionId: string): Promise<void> {
    checkAuctionId(auctionId);
    await this.finish(auctionId);
  }

  async complete(auctionId: string): Promise<void> {
    checkAuctionId(auctionId);
    await this.finish(auctionId);
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<string[]> {
    const nowMs = epochMs('now', now);
    checkCount('limit', limit, 1);
    checkCount('leaseMs', leaseMs, 1);
    return this.claim(nowMs, limit, nowMs + leaseMs);
  }

  async release(auctionId: string, now: Date, retryAt: Date): Promise<void> {
    checkAuctionId(auctionId);
    const nowMs = epochMs('now', now);
    const retryAtMs = epochMs('retryAt', retryAt);
    await this.giveBack(auctionId, nowMs, retryAtMs);
  }

  abstract nextDueAt(): Promise<Date | undefined>;

  /** `schedule`: holds the end time unless this or a newer version is held or the auction is done; true when it took effect. */
  protected abstract store(auctionId: string, endsAtMs: number, version: number): Promise<boolean>;
  /** `remove` and `complete`: drops the auction and its claim, and remembers it as done for `forgetAfterMs`. */
  protected abstract finish(auctionId: string): Promise<void>;
  /** `claimDue`: expired claims offered again, then up to `limit` due auctions claimed until `expiryMs`. */
  protected abstract claim(nowMs: number, limit: number, expiryMs: number): Promise<string[]>;
  /** `release`: the claim given back, the auction due at its end time when that is after `nowMs`, else at `retryAtMs`. */
  protected abstract giveBack(auctionId: string, nowMs: number, retryAtMs: number): Promise<void>;
}
