// The Idempotency-Key store's port: what is kept for a key (the in-flight claim, a short lease its
// owner renews while its request runs, then the first response), and the defaults. The middleware (idempotency.ts) says what the records mean; the
// adapters are memory-idempotency-store.ts (embedded) and redis-idempotency-store.ts (shared).
import * as t from 'io-ts';
import type { DeferredPoint } from '../../infra/index.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long an in-flight claim holds its key unless its owner renews it (every third of it, while
 * the request runs): a claim whose process died frees the key within this.
 */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 3 * 1000;

export const StoredResponseCodec = t.type({
  status: t.number,
  body: t.unknown,
  headers: t.record(t.string, t.string),
});
export type StoredResponse = t.TypeOf<typeof StoredResponseCodec>;

export const IdempotencyRecordCodec = t.union([
  t.type({ state: t.literal('in-flight'), fingerprint: t.string, owner: t.string }),
  t.type({ state: t.literal('done'), fingerprint: t.string, response: StoredResponseCodec }),
]);
export type IdempotencyRecord = t.TypeOf<typeof IdempotencyRecordCodec>;
export type InFlightRecord = Extract<IdempotencyRecord, { state: 'in-flight' }>;
export type DoneRecord = Extract<IdempotencyRecord, { state: 'done' }>;

/** Where keys live. `key` is already scoped to the user. */
export interface IdempotencyStore {
  /**
   * Claims `key` for `owner` (an in-flight record expiring after `leaseMs`) if no record exists,
   * an expired claim being none; returns null when claimed, or the existing record.
   */
  claim(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<IdempotencyRecord | null>;
  /** Extends `owner`'s in-flight claim to `leaseMs` from now; false when the claim was lost (expired, taken, completed). */
  renew(key: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Replaces `owner`'s in-flight claim by the final record for `ttlMs`; false when the claim was lost (expired, taken). */
  complete(key: string, owner: string, record: DoneRecord, ttlMs: number): Promise<boolean>;
  /** Drops `owner`'s in-flight claim (the response is not to be stored); no effect otherwise. */
  release(key: string, owner: string): Promise<void>;
  /**
   * Counts the request's rate-limit point and, under the limit, claims as `claim` does, in one
   * round trip; undefined when this store cannot (the counter lives elsewhere): then the point is
   * counted alone and `claim` is called. Optional.
   */
  countAndClaim?(point: DeferredPoint, key: string, fingerprint: string, owner: string, leaseMs: number): Promise<CountedClaim> | undefined;
}

/** The rate-limit count of a request, and its claim's answer when under the limit (`claim` is undefined over it). */
export interface CountedClaim {
  readonly consumed: number;
  readonly msBeforeNext: number;
  readonly claim?: IdempotencyRecord | null;
}
