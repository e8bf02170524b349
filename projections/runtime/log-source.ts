// An EventSource over the event log itself: catch up from the projector's checkpoint for source
// 'log', then follow the log live (EventLog.subscribeToAll: commit order, never skipping an event a
// slower transaction commits later). Used in embedded mode and whenever KAFKA_BROKERS is unset.
//
// Delivery is at least once: a batch whose apply fails is retried from the same position with
// backoff (the subscription's own loop), and the failure is reported. When another instance moved
// the checkpoint (CheckpointMovedError: a second process on the log, or a rebuild's swap), the
// source reloads it and resumes from there, so nothing is applied out of order or twice over.
import type { EventLog, LogPosition, RecordedEvent, Subscription } from '../../domain/index.js';
import { START } from '../../domain/index.js';
import type { EventSource, Projector, RunningProjection } from './projector.js';
import { CheckpointMovedError } from './projector.js';

/** The checkpoint source name of the event log. */
export const LOG_SOURCE = 'log';

export interface LogSourceOptions {
  /** Events per delivered batch (default 500). */
  readonly batchSize?: number;
  /** Failures of reads, of `apply` (retried) and of reloading the checkpoint (retried). */
  readonly onError?: (error: unknown) => void;
  /** The first retry delay of a failed checkpoint reload (default 100 ms, doubling to 5 s). */
  readonly retryDelayMs?: number;
  /**
   * After applying a batch smaller than `batchSize`, wait this long before reading the next one
   * (default 0): while the log is busy the next batch then holds what came meanwhile, so a
   * projector whose every batch costs a transaction runs fewer of them. An idle log adds no wait
   * to the first event after it; a backlog (full batches) none at all.
   */
  readonly lingerMs?: number;
}

const DEFAULT_BATCH_SIZE = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export const logEventSource = (log: EventLog, options: LogSourceOptions = {}): EventSource => ({
  run: async (projector: Projector): Promise<RunningProjection> => {
    const report = options.onError ?? (() => undefined);
    let subscription: Subscription | undefined;
    let stopped = false;
    let restarting: Promise<void> | undefined;

    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const lingerMs = options.lingerMs ?? 0;

    const deliver = async (events: readonly RecordedEvent[]): Promise<void> => {
      const last = events[events.length - 1];
      if (last === undefined) return;
      await projector.apply(events, LOG_SOURCE, last.position);
      if (lingerMs > 0 && events.length < batchSize && !stopped) await sleep(lingerMs);
    };

    const subscribe = (after: LogPosition): void => {
      subscription = log.subscribeToAll({
        after,
        onEvents: deliver,
        batchSize,
        onError: (error) => {
          report(error);
          if (error instanceof CheckpointMovedError) restart();
        },
      });
    };

    const startFromCheckpoint = async (): Promise<void> => {
      let delay = options.retryDelayMs ?? 100;
      for (;;) {
        try {
          const checkpoint = await projector.loadCheckpoint(LOG_SOURCE);
          if (!stopped) subscribe(checkpoint ?? START);
          return;
        } catch (error) {
          report(error);
          if (stopped) return;
          await sleep(delay);
          delay = Math.min(delay * 2, 5_000);
        }
      }
    };

    // Runs outside the subscription's loop (which is the caller of onError): stop it, then resume
    // from the checkpoint as stored.
    const restart = (): void => {
      if (restarting !== undefined || stopped) return;
      restarting = (async () => {
        await subscription?.stop();
        subscription = undefined;
        if (!stopped) await startFromCheckpoint();
      })().finally(() => {
        restarting = undefined;
      });
    };

    const first = await projector.loadCheckpoint(LOG_SOURCE);
    subscribe(first ?? START);
    return {
      stop: async () => {
        stopped = true;
        await restarting;
        await subscription?.stop();
      },
    };
  },
});
