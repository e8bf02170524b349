// The consumer runtime's contract. A projector turns events into a read model or cache; an event
// source feeds it (a Kafka consumer group in distributed mode, the event log itself in embedded
// mode). Sources deliver each auction's events in stream order, at least once; projectors make
// redelivery harmless and keep their checkpoint atomically with the change it covers.
import type { RecordedEvent } from '../../domain/index.js';

export interface Projector {
  /** Stable name: the checkpoint key and, over Kafka, part of the consumer group id. */
  readonly name: string;
  /**
   * Where this projector has applied up to in `source` ('log' or 'kafka:<topic>:<partition>').
   * A source calls it before delivering from `source`, and again after a CheckpointMovedError.
   */
  loadCheckpoint(source: string): Promise<string | undefined>;
  /**
   * Applies `events` (in order) and records `position` as the checkpoint for `source`, atomically.
   * Events at or below what the projector already reflects for their stream change nothing.
   * Throws CheckpointMovedError (nothing written) when another instance moved the checkpoint.
   */
  apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void>;
}

/**
 * Another instance moved the checkpoint of (projection, source) since this one last read it: two
 * consumers are on one source (a Kafka rebalance's zombie, a second log-tailing process, or a
 * rebuild that reset the checkpoint). Nothing was written. The source must reload the checkpoint
 * (`loadCheckpoint`) and resume from there; until it does, `apply` on that source keeps refusing,
 * so a stale consumer can never move the checkpoint backwards.
 */
export class CheckpointMovedError extends Error {
  constructor(readonly projection: string, readonly source: string, readonly expected: string | null, readonly stored: string | null) {
    super(`checkpoint of ${projection} in ${source} moved: expected ${expected ?? 'none'}, found ${stored ?? 'none'}; reload it and resume from there`);
    this.name = 'CheckpointMovedError';
  }
}

export interface RunningProjection {
  stop(): Promise<void>;
}

export interface EventSource {
  /** Starts delivering to `projector` from its checkpoints; resolves once consuming has begun. */
  run(projector: Projector): Promise<RunningProjection>;
}

/** A bus's source (Kafka, RabbitMQ): `runAll` feeds several projectors from one consumer, each from its own checkpoints. */
export interface BusEventSource extends EventSource {
  runAll(projectors: readonly Projector[]): Promise<RunningProjection>;
}
