// Which events a replay writes. Positions compare through the log's own compareLogPositions
// (they are opaque to everything else); times compare on the events' server time.
import type { LogPosition, RecordedEvent } from '../../domain/index.js';
import { streamIdOf } from '../../domain/index.js';

export interface EventFilter {
  /** Only the stream auction-<auctionId>. */
  readonly auctionId?: string;
  /** Server time at or after (ms since the epoch). */
  readonly fromMs?: number;
  /** Server time before (exclusive). */
  readonly toMs?: number;
  /** Log positions strictly after. */
  readonly after?: LogPosition;
  /** Log positions up to and including. */
  readonly until?: LogPosition;
  readonly types?: readonly string[];
}

export type ComparePositions = (a: LogPosition, b: LogPosition) => number;

/** True when the event is past `until`: in commit order, nothing after it can match either. */
export const isPastUntil = (filter: EventFilter, event: RecordedEvent, compare: ComparePositions): boolean =>
  filter.until !== undefined && compare(event.position, filter.until) > 0;

/**
 * Whether the event passes the filters other than `until` (which ends the scan instead). Server
 * times follow commit order only roughly (clocks of several machines, commit delays), so a time
 * range is checked event by event over the whole position range.
 */
export const matches = (filter: EventFilter, event: RecordedEvent, compare: ComparePositions): boolean => {
  if (filter.auctionId !== undefined && event.streamId !== streamIdOf(filter.auctionId)) return false;
  if (filter.after !== undefined && compare(event.position, filter.after) <= 0) return false;
  if (filter.types !== undefined && !filter.types.includes(event.type)) return false;
  if (filter.fromMs !== undefined || filter.toMs !== undefined) {
    const ms = Date.parse(event.metadata.serverTime);
    if (filter.fromMs !== undefined && !(ms >= filter.fromMs)) return false;
    if (filter.toMs !== undefined && !(ms < filter.toMs)) return false;
  }
  return true;
};
