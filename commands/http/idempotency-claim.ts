// An Idempotency-Key's claim over its request's life (the middleware, idempotency.ts, says what the
// records mean): taking it (with the request's rate-limit point when the store can count both),
// waiting a bounded time on another attempt's live claim, and renewing it while the request runs.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeferredPoint, Logger } from '../../infra/index.js';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-store.js';

/** One request's claim on its (user-scoped) key. */
export interface KeyClaim {
  readonly store: IdempotencyStore;
  readonly key: string;
  readonly fingerprint: string;
  /** This attempt's id (random): only it may renew, complete or release its claim. */
  readonly owner: string;
  readonly leaseMs: number;
}

/**
 * Claims the key, counting the request's deferred rate-limit point (if any) first: in one round
 * trip when the store can, else the point alone, then the claim. Throws the 429 (an ApiError) over
 * the limit, having claimed nothing; other errors are the store's.
 */
export const claimCounting = async (c: KeyClaim, point: DeferredPoint | undefined): Promise<IdempotencyRecord | null> => {
  const combined = point === undefined ? undefined : c.store.countAndClaim?.(point, c.key, c.fingerprint, c.owner, c.leaseMs);
  if (point !== undefined && combined !== undefined) {
    const counted = await combined;
    const refusal = point.counted(counted.consumed, counted.msBeforeNext);
    if (refusal !== undefined || counted.claim === undefined) throw refusal ?? new Error('idempotency store: under the limit but not claimed');
    return counted.claim;
  }
  if (point !== undefined) {
    const refusal = await point.countAlone();
    if (refusal !== undefined) throw refusal;
  }
  return c.store.claim(c.key, c.fingerprint, c.owner, c.leaseMs);
};

/** The first pause before looking at a live claim again; each next one doubles, up to the last. */
const FIRST_LOOK_MS = 20;
const LAST_LOOK_MS = 200;

/**
 * While `found` is another attempt's live claim on the same request, looks again (a `claim`: a
 * claim whose lease lapsed, its owner gone, is taken by this one), after pauses of 20 ms doubling
 * to 200 ms, until `waitMs` by `now` has passed, with one last look then. Returns the record last
 * found (`done`: the first answer; `in-flight`: still running), or null when this owner holds the
 * claim. Store errors are thrown.
 */
export const awaitClaim = async (c: KeyClaim, found: IdempotencyRecord | null, waitMs: number, now: () => number): Promise<IdempotencyRecord | null> => {
  const deadline = now() + waitMs;
  let record = found;
  for (let pauseMs = FIRST_LOOK_MS; record?.state === 'in-flight' && record.fingerprint === c.fingerprint; pauseMs = Math.min(2 * pauseMs, LAST_LOOK_MS)) {
    const left = deadline - now();
    if (left <= 0) break;
    await sleep(Math.min(pauseMs, left));
    record = await c.store.claim(c.key, c.fingerprint, c.owner, c.leaseMs);
  }
  return record;
};

/**
 * Renews the claim every third of its lease while its request runs, so a slow request keeps its
 * key and a dead process's claim lapses within one lease. The timer is unref'd; the returned
 * function stops it (call it once the request is answered or released). A lost claim is logged and
 * no longer renewed; a failed renewal is logged and tried again at the next beat.
 */
export const renewWhileRunning = (c: KeyClaim, logger: Logger | undefined): (() => void) => {
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  const timer = setInterval(() => {
    c.store.renew(c.key, c.owner, c.leaseMs).then(
      (kept) => {
        if (kept || stopped) return;
        stop();
        logger?.warn('idempotency: a running request lost its claim (its lease lapsed); a retry may run it again, and the log answers it');
      },
      (err: unknown) => logger?.warn({ err }, 'idempotency: could not renew a claim'),
    );
  }, Math.max(1, Math.floor(c.leaseMs / 3)));
  timer.unref();
  return stop;
};
