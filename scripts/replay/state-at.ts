// The state of one auction as of a log position or a moment: the fold of the longest prefix of
// its stream up to that point (each event decoded, old shapes upcast), and its public status then.
// An event that cannot be decoded is reported (`unreadable`), and the state is the one just before
// it: what the projectors show for a parked stream.
import type { AuctionEvent, AuctionState, EventLog, LogPosition, PublicStatus, RecordedEvent } from '../../domain/index.js';
import { decodeStoredEvent, fold, publicStatus, shownClockPrice, streamIdOf } from '../../domain/index.js';
import type { StatePoint } from './options.js';
import { NoSuchAuctionError } from './event-source.js';

export interface StateReport {
  readonly auctionId: string;
  readonly asOf: { readonly position: LogPosition } | { readonly time: string };
  /** The stream version the state is at (0: the auction did not exist yet). */
  readonly version: number;
  /** The last event folded in, or null when none. */
  readonly lastEvent: { readonly position: LogPosition; readonly streamVersion: number; readonly type: string; readonly serverTime: string } | null;
  /** The public status at that point (null before the auction existed). */
  readonly status: PublicStatus | null;
  readonly state: AuctionState;
  /**
   * A Dutch auction asked about at a moment (`--at-time`), not sold by then: the price its clock
   * showed at that moment (or when it ended unsold or cancelled); the state holds no price that moves.
   */
  readonly clockPrice?: number;
  /** The first event up to that point that cannot be decoded (the state stops before it), if any. */
  readonly unreadable?: { readonly position: LogPosition; readonly streamVersion: number; readonly type: string; readonly reason: string };
}

/** The events of `events` up to the first that cannot be decoded, decoded; and that one, with why. */
const decodeReadable = (events: readonly RecordedEvent[]): { readonly decoded: AuctionEvent[]; readonly unreadable?: { event: RecordedEvent; reason: string } } => {
  const decoded: AuctionEvent[] = [];
  for (const event of events) {
    const result = decodeStoredEvent(event);
    if (result._tag === 'Left') return { decoded, unreadable: { event, reason: result.left } };
    decoded.push(result.right);
  }
  return { decoded };
};

const takeWhile = <A>(items: readonly A[], keep: (a: A) => boolean): readonly A[] => {
  const end = items.findIndex((a) => !keep(a));
  return end < 0 ? items : items.slice(0, end);
};

const ms = (event: RecordedEvent) => Date.parse(event.metadata.serverTime);

/**
 * The moment of log position `position` as far as a scheduled auction's status needs it: whether
 * any event at or before `position` (after `from`) was stamped at or after `startsAtMs`. Reads the
 * log from `from` and stops at the first such event or past `position`.
 */
const reachedStartBy = async (log: EventLog, from: LogPosition, position: LogPosition, startsAtMs: number, pageSize: number): Promise<boolean> => {
  let after = from;
  for (;;) {
    const page = await log.readAll({ after, limit: pageSize });
    for (const event of page) {
      if (log.compareLogPositions(event.position, position) > 0) return false;
      if (ms(event) >= startsAtMs) return true;
    }
    const last = page[page.length - 1];
    if (last === undefined || page.length < pageSize) return false;
    after = last.position;
  }
};

/** The auction's state at `at`; throws NoSuchAuctionError when its stream does not exist at all. */
export const stateAt = async (log: EventLog, auctionId: string, at: StatePoint, pageSize = 1_000): Promise<StateReport> => {
  const stream = await log.readStream(streamIdOf(auctionId));
  if (stream.length === 0) throw new NoSuchAuctionError(auctionId);
  const prefix =
    at.kind === 'position'
      ? takeWhile(stream, (event) => log.compareLogPositions(event.position, at.position) <= 0)
      : takeWhile(stream, (event) => ms(event) <= at.ms);
  const readable = decodeReadable(prefix);
  const state = fold(readable.decoded);
  const last = prefix[readable.decoded.length - 1];

  let status: PublicStatus | null = null;
  if (state.kind === 'auction' && last !== undefined) {
    const outcome = state.phase.kind === 'live' ? 'live' : state.phase.kind;
    const startsAtMs = Date.parse(state.startsAt);
    if (at.kind === 'time') {
      status = publicStatus(outcome, startsAtMs, at.ms);
    } else if (outcome !== 'live' || ms(last) >= startsAtMs) {
      // Ended, or already open by its own last event: the clock cannot change the answer.
      status = publicStatus(outcome, startsAtMs, ms(last));
    } else {
      // Scheduled as of its own last event: open if the log had reached the start time by `position`.
      const started = await reachedStartBy(log, last.position, at.position, startsAtMs, pageSize);
      status = started ? 'open' : 'scheduled';
    }
  }
  const shown = state.kind !== 'auction' || at.kind !== 'time' ? null : shownClockPrice({
    outcome: state.phase.kind, clock: state.clock, startingPrice: state.startingPrice, startsAt: state.startsAt,
    endedAt: state.phase.kind === 'live' || last === undefined ? null : last.metadata.serverTime,
  }, at.ms);
  return {
    auctionId,
    asOf: at.kind === 'position' ? { position: at.position } : { time: at.iso },
    version: last?.streamVersion ?? 0,
    lastEvent: last === undefined ? null : { position: last.position, streamVersion: last.streamVersion, type: last.type, serverTime: last.metadata.serverTime },
    status,
    state,
    ...(shown !== null ? { clockPrice: shown } : {}),
    ...(readable.unreadable !== undefined
      ? { unreadable: { position: readable.unreadable.event.position, streamVersion: readable.unreadable.event.streamVersion, type: readable.unreadable.event.type, reason: readable.unreadable.reason } }
      : {}),
  };
};
