// A subscription that reads the log in batches: catch up, then wait for a wake-up (LISTEN/NOTIFY
// or a local append) or a modest poll, and read again. One loop; batches are delivered in order and
// the next waits for the handler. A failing read or handler is reported and retried with backoff,
// from the same position (at-least-once delivery).
import type { LogPosition, RecordedEvent, SubscribeOptions, Subscription } from '../../domain/index.js';

export interface PollingSource {
  readBatch(after: LogPosition, limit: number): Promise<readonly RecordedEvent[]>;
  /** True when events exist after `after` that `readBatch` may not return yet (a slower transaction is still open). */
  hasPendingAfter(after: LogPosition): Promise<boolean>;
  /** Registers a wake-up callback; returns the function that removes it. */
  onWake(wake: () => void): () => void;
}

export interface PollingTimings {
  /** Longest wait without a wake-up (default 1000 ms). */
  readonly pollIntervalMs?: number;
  /** First retry delay while events are pending behind a slower transaction (default 5 ms, doubling to 250 ms). */
  readonly pendingRetryMs?: number;
}

const MAX_ERROR_DELAY_MS = 5_000;
/** While events wait behind an open transaction (possibly a long one elsewhere in the cluster), look again this often. */
const MAX_PENDING_DELAY_MS = 250;

/** Resolves a wait early on `wake()`; a wake-up with nobody waiting is kept for the next wait. */
class Waker {
  private release: (() => void) | undefined;
  private pending = false;

  wake(): void {
    const release = this.release;
    this.release = undefined;
    if (release !== undefined) release();
    else this.pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.release = undefined;
        resolve();
      }, ms);
      this.release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

export const startPollingSubscription = (source: PollingSource, options: SubscribeOptions, timings: PollingTimings = {}): Subscription => {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const pollIntervalMs = timings.pollIntervalMs ?? 1_000;
  const pendingRetryMs = timings.pendingRetryMs ?? 5;
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A failing error handler must not stop the subscription.
    }
  };
  const waker = new Waker();
  const removeWake = source.onWake(() => waker.wake());
  let stopped = false;

  const run = async (): Promise<void> => {
    let after = options.after;
    let errorDelay = 100;
    let pendingDelay = pendingRetryMs;
    const backoff = async (error: unknown) => {
      report(error);
      await waker.wait(errorDelay);
      errorDelay = Math.min(errorDelay * 2, MAX_ERROR_DELAY_MS);
    };
    while (!stopped) {
      let events: readonly RecordedEvent[];
      try {
        events = await source.readBatch(after, batchSize);
      } catch (error) {
        await backoff(error);
        continue;
      }
      if (stopped) break;
      const last = events[events.length - 1];
      if (last !== undefined) {
        try {
          await options.onEvents(events);
        } catch (error) {
          await backoff(error);
          continue;
        }
        after = last.position;
        errorDelay = 100;
        pendingDelay = pendingRetryMs;
        continue;
      }
      let pending = false;
      try {
        pending = await source.hasPendingAfter(after);
      } catch (error) {
        report(error);
      }
      if (stopped) break;
      if (pending) {
        await waker.wait(pendingDelay);
        pendingDelay = Math.min(pendingDelay * 2, MAX_PENDING_DELAY_MS, pollIntervalMs);
      } else {
        pendingDelay = pendingRetryMs;
        await waker.wait(pollIntervalMs);
      }
    }
  };

  const done = run().finally(removeWake);
  return {
    stop: async () => {
      stopped = true;
      waker.wake();
      await done;
    },
  };
};
