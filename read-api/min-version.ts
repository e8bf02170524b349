// Read-your-writes: `?minVersion=N` waits (bounded) until the read model reflects stream version N
// of the auction. It polls one indexed row, backing off from a few milliseconds to 50 ms, and stops
// early when the client goes away.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, notFound } from '../infra/index.js';

export const auctionNotFound = (auctionId: string): ApiError => notFound(`no auction ${auctionId}`, 'AUCTION_NOT_FOUND');

/** 503 READ_MODEL_BEHIND with `Retry-After: 1`: the write happened, the read model has not caught up yet. */
export const readModelBehind = (auctionId: string, minVersion: number, currentVersion: number): ApiError =>
  new ApiError(
    503,
    'READ_MODEL_BEHIND',
    `the read model of auction ${auctionId} is at version ${currentVersion}, not yet ${minVersion}; retry shortly`,
    { minVersion, currentVersion },
    { 'Retry-After': '1' },
  );

export interface WaitOptions {
  readonly auctionId: string;
  readonly minVersion: number;
  readonly waitMs: number;
  /** The version the read model reflects now, or undefined when it has no row for the auction. */
  readonly versionOf: () => Promise<number | undefined>;
  /** Aborted when the client goes away. */
  readonly signal?: AbortSignal;
}

/**
 * Resolves once the read model reflects `minVersion`. At the bound: 404 AUCTION_NOT_FOUND when
 * the auction is still unknown, else 503 READ_MODEL_BEHIND.
 */
export const waitForVersion = async (options: WaitOptions): Promise<void> => {
  const deadline = Date.now() + options.waitMs;
  let delay = 2;
  for (;;) {
    const version = await options.versionOf();
    if (version !== undefined && version >= options.minVersion) return;
    const left = deadline - Date.now();
    if (left <= 0 || options.signal?.aborted === true) {
      if (version === undefined) throw auctionNotFound(options.auctionId);
      throw readModelBehind(options.auctionId, options.minVersion, version);
    }
    try {
      await sleep(Math.min(delay, left), undefined, options.signal !== undefined ? { signal: options.signal } : {});
    } catch {
      // aborted: the next round answers at once
    }
    delay = Math.min(delay * 2, 50);
  }
};
