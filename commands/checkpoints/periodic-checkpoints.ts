// Periodic checkpoints (CHECKPOINT_INTERVAL_SECONDS), run by the scheduler role. Every instance may
// run it: a checkpoint is taken only when the latest stored one is at least an interval old, and the
// sequence number's uniqueness lets exactly one writer store each checkpoint.
import type { SignedCheckpoint } from '../../domain/index.js';
import { pause } from '../../infra/index.js';
import type { LogCheckpoints } from './log-checkpoints.js';

export interface PeriodicCheckpointsOptions {
  readonly intervalMs: number;
  readonly onCheckpoint?: (checkpoint: SignedCheckpoint) => void;
  readonly onError: (error: unknown) => void;
}

export interface RunningCheckpoints {
  stop(): Promise<void>;
}

export const startPeriodicCheckpoints = (checkpoints: LogCheckpoints, options: PeriodicCheckpointsOptions): RunningCheckpoints => {
  if (!Number.isSafeInteger(options.intervalMs) || options.intervalMs < 1) throw new Error(`intervalMs must be a positive whole number, got ${options.intervalMs}`);
  const stopping = new AbortController();
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await pause(options.intervalMs, stopping.signal);
      if (stopping.signal.aborted) break;
      try {
        const taken = await checkpoints.createIfDue(options.intervalMs);
        if (taken !== undefined) options.onCheckpoint?.(taken);
      } catch (error) {
        options.onError(error);
      }
    }
  })();
  return {
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
};
