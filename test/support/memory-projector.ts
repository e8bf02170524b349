// A projector for runtime tests: it keeps each stream's events (its "read model") and its
// checkpoints in memory, changed together in one step as a real projector's transaction would.
// Events at or below the version a stream has reached change nothing (redelivery); a version
// beyond the next one is a gap: recorded (so that tests can fail on it) and not applied.
import type { RecordedEvent } from '../../domain/index.js';
import type { Projector } from '../../projections/index.js';

export class MemoryProjector implements Projector {
  /** stream id -> the events applied, in version order. */
  readonly streams = new Map<string, RecordedEvent[]>();
  readonly checkpoints = new Map<string, string>();
  /** Every event handed to apply, redeliveries included. */
  delivered = 0;
  /** Redelivered events that changed nothing. */
  ignored = 0;
  readonly gaps: string[] = [];
  readonly calls: { source: string; position: string; count: number }[] = [];
  /** The next `failures` apply calls throw before changing anything. */
  failures = 0;

  constructor(readonly name: string) {}

  loadCheckpoint(source: string): Promise<string | undefined> {
    return Promise.resolve(this.checkpoints.get(source));
  }

  apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('the read model is unavailable (test)'));
    }
    this.calls.push({ source, position, count: events.length });
    for (const event of events) {
      this.delivered += 1;
      const stream = this.streams.get(event.streamId) ?? [];
      if (event.streamVersion <= stream.length) {
        this.ignored += 1;
        continue;
      }
      if (event.streamVersion !== stream.length + 1) {
        this.gaps.push(`${event.streamId}: ${stream.length} then ${event.streamVersion}`);
        continue;
      }
      stream.push(event);
      this.streams.set(event.streamId, stream);
    }
    this.checkpoints.set(source, position);
    return Promise.resolve();
  }

  /** Number of distinct events applied. */
  get applied(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.length;
    return n;
  }

  eventIds(): string[] {
    return [...this.streams.values()].flat().map((e) => e.eventId).sort();
  }
}
