// The Redis lease only where it pays: an auction is serialised across processes by a lease only
// while it is contended, i.e. for a while after one of this process's appends on it lost to
// another process (a conflict). Every other auction is serialised in this process alone, at no
// Redis round trip: per batch, RedlockLock costs an acquire and a release (two scripts) and
// redlock's own work, which on PostgreSQL + Redis was a good part of the command side's CPU.
//
// Correctness is unchanged: the lease never was the guarantee (redlock-lock.ts), the append's
// expected version is. A process that appends without the lease on an auction another process
// is working on costs at most a conflict, which the handler answers by reloading and deciding
// again, and which switches this auction to leased batches here. Both processes thus end up
// taking the lease for an auction they both touch (each after its first conflict), and return
// to lease-free batches `windowMs` after their last conflict on it.
import type { AuctionLock } from './auction-lock.js';
import { InProcessLock } from './in-process-lock.js';

export interface ContentionLeaseLockOptions {
  /** The cross-process lease (usually a RedlockLock built over `local`). */
  readonly lease: AuctionLock;
  /** The in-process layer the lease is built over, so both modes share one FIFO per auction. */
  readonly local: InProcessLock;
  /** How long after its last conflict an auction keeps taking the lease (ms). Default 30 000. */
  readonly windowMs?: number;
  /** At most this many contended auctions are remembered (the soonest to lapse are forgotten first). Default 10 000. */
  readonly maxContended?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

export class ContentionLeaseLock implements AuctionLock {
  /** Auction id -> until when its batches take the lease; in insertion order, refreshed on each conflict. */
  private readonly contendedUntil = new Map<string, number>();
  private readonly lease: AuctionLock;
  private readonly local: InProcessLock;
  private readonly windowMs: number;
  private readonly maxContended: number;
  private readonly now: () => number;

  constructor(options: ContentionLeaseLockOptions) {
    this.lease = options.lease;
    this.local = options.local;
    this.windowMs = options.windowMs ?? 30_000;
    this.maxContended = options.maxContended ?? 10_000;
    this.now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.windowMs) || this.windowMs < 0) throw new Error('ContentionLeaseLock: windowMs must be a non-negative integer');
    if (!Number.isSafeInteger(this.maxContended) || this.maxContended < 1) throw new Error('ContentionLeaseLock: maxContended must be a positive integer');
  }

  withLock<T>(auctionId: string, fn: () => Promise<T>): Promise<T> {
    return this.isContended(auctionId) ? this.lease.withLock(auctionId, fn) : this.local.withLock(auctionId, fn);
  }

  contended(auctionId: string): void {
    this.contendedUntil.delete(auctionId); // re-inserted at the newest end
    if (this.contendedUntil.size >= this.maxContended) {
      const oldest = this.contendedUntil.keys().next();
      if (oldest.done !== true) this.contendedUntil.delete(oldest.value);
    }
    this.contendedUntil.set(auctionId, this.now() + this.windowMs);
  }

  /** Whether the auction's batches take the lease now. */
  isContended(auctionId: string): boolean {
    const until = this.contendedUntil.get(auctionId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.contendedUntil.delete(auctionId);
    return false;
  }

  /** How many auctions take the lease (for tests and metrics). */
  get contendedCount(): number {
    return this.contendedUntil.size;
  }
}
