// The idempotency store in this process's memory (embedded mode and tests): bounded, with expiry.
import type { DoneRecord, IdempotencyRecord, IdempotencyStore } from './idempotency-store.js';

export interface MemoryIdempotencyStoreOptions {
  /** At most this many keys; beyond it, expired keys are swept, then the oldest dropped. Default 100 000. */
  readonly maxEntries?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** In-process store for embedded mode and tests: bounded, with expiry. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string): IdempotencyRecord | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.record;
  }

  private put(key: string, record: IdempotencyRecord, ttlMs: number): void {
    this.entries.delete(key); // re-inserting moves the key to the newest end
    if (this.entries.size >= this.maxEntries) {
      const now = this.now();
      for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
      for (const k of this.entries.keys()) {
        if (this.entries.size < this.maxEntries) break;
        this.entries.delete(k);
      }
    }
    this.entries.set(key, { record, expiresAt: this.now() + ttlMs });
  }

  /** The key's live in-flight claim when `owner` holds it. */
  private owned(key: string, owner: string): { record: IdempotencyRecord; expiresAt: number } | undefined {
    const existing = this.live(key);
    return existing?.state === 'in-flight' && existing.owner === owner ? this.entries.get(key) : undefined;
  }

  claim(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<IdempotencyRecord | null> {
    const existing = this.live(key);
    if (existing !== undefined) return Promise.resolve(existing);
    this.put(key, { state: 'in-flight', fingerprint, owner }, leaseMs);
    return Promise.resolve(null);
  }

  renew(key: string, owner: string, leaseMs: number): Promise<boolean> {
    const entry = this.owned(key, owner);
    if (entry !== undefined) entry.expiresAt = this.now() + leaseMs;
    return Promise.resolve(entry !== undefined);
  }

  complete(key: string, owner: string, record: DoneRecord, ttlMs: number): Promise<boolean> {
    if (this.owned(key, owner) === undefined) return Promise.resolve(false);
    this.put(key, record, ttlMs);
    return Promise.resolve(true);
  }

  release(key: string, owner: string): Promise<void> {
    if (this.owned(key, owner) !== undefined) this.entries.delete(key);
    return Promise.resolve();
  }
}
