// The closing queue for embedded mode: the same semantics as RedisClosingQueue (see
// closing-queue.ts), held in this process's memory.
import { CheckedClosingQueue } from './closing-queue.js';
import { SortedSet } from './sorted-set.js';

export interface InMemoryClosingQueueOptions {
  /** How long completed or removed auctions are remembered (ms). Default one day. */
  readonly forgetAfterMs?: number;
  /** Wall clock for that memory only (epoch ms); default Date.now. */
  readonly clock?: () => number;
}

interface Scheduled {
  readonly version: number;
  readonly endsAtMs: number;
}

/** Expired claims offered again per claimDue call, at most (as in the Redis script). */
const REOFFER_LIMIT = 1000;

export class InMemoryClosingQueue extends CheckedClosingQueue {
  private readonly scheduled = new Map<string, Scheduled>();
  /** Unclaimed auctions by end time. */
  private readonly due = new SortedSet();
  /** Claimed auctions by claim expiry. */
  private readonly claims = new SortedSet();
  /** Completed or removed auctions -> when to forget them; insertion order is expiry order. */
  private readonly done = new Map<string, number>();
  private readonly clock: () => number;

  constructor(options: InMemoryClosingQueueOptions = {}) {
    super(options.forgetAfterMs);
    this.clock = options.clock ?? Date.now;
  }

  protected async store(auctionId: string, endsAtMs: number, version: number): Promise<boolean> {
    this.forgetExpired();
    if (this.done.has(auctionId)) return false;
    const current = this.scheduled.get(auctionId);
    if (current !== undefined && current.version >= version) return false;
    this.scheduled.set(auctionId, { version, endsAtMs });
    if (this.claims.score(auctionId) === undefined) this.due.add(auctionId, endsAtMs);
    return true;
  }

  protected async claim(nowMs: number, limit: number, expiryMs: number): Promise<string[]> {
    for (const auctionId of this.claims.rangeByScore(nowMs, REOFFER_LIMIT)) {
      this.claims.remove(auctionId);
      const entry = this.scheduled.get(auctionId);
      if (entry !== undefined) this.due.add(auctionId, entry.endsAtMs);
    }
    const ids = this.due.rangeByScore(nowMs, limit);
    for (const auctionId of ids) {
      this.due.remove(auctionId);
      this.claims.add(auctionId, expiryMs);
    }
    return ids;
  }

  protected async giveBack(auctionId: string, nowMs: number, retryAtMs: number): Promise<void> {
    if (this.claims.remove(auctionId)) {
      const entry = this.scheduled.get(auctionId);
      if (entry !== undefined) this.due.add(auctionId, entry.endsAtMs > nowMs ? entry.endsAtMs : retryAtMs);
    }
  }

  async nextDueAt(): Promise<Date | undefined> {
    const times = [this.due.first()?.score, this.claims.first()?.score].filter((t): t is number => t !== undefined);
    return times.length === 0 ? undefined : new Date(Math.min(...times));
  }

  protected async finish(auctionId: string): Promise<void> {
    this.due.remove(auctionId);
    this.claims.remove(auctionId);
    this.scheduled.delete(auctionId);
    this.done.delete(auctionId);
    this.done.set(auctionId, this.clock() + this.forgetAfterMs);
    this.forgetExpired();
  }

  private forgetExpired(): void {
    const nowMs = this.clock();
    for (const [auctionId, forgetAt] of this.done) {
      if (forgetAt > nowMs) break;
      this.done.delete(auctionId);
    }
  }
}
