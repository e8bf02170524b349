// The consumer runtime's contract. A projector turns events into a read model or cache; an event
// source feeds it (a Kafka consumer group in distributed mode, the event log itself in embedded
// mode). Sources deliver each auction's events in stream order, at least once; projectors make
// redelivery harmless and keep their checkpoint atomically with the change it covers.
import type { RecordedEvent } from '../../domain/index.js';

export interface Projector {
  /** Stable name: the checkpoint key and, over Kafka, part of the consumer group id. */
  readonly name: string;
  /** Where this projector has applied up to in `source` ('log' or 'kafka:<topic>:<partition>'). */
  loadCheckpoint(source: string): Promise<string | undefined>;
  /**
   * Applies `events` (in order) and records `position` as the checkpoint for `source`, atomically.
   * Events at or below what the projector already reflects for their stream change nothing.
   */
  apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void>;
}

export interface RunningProjection {
  stop(): Promise<void>;
}

export interface EventSource {
  /** Starts delivering to `projector` from its checkpoints; resolves once consuming has begun. */
  run(projector: Projector): Promise<RunningProjection>;
}
