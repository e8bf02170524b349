// What every projector does before projecting: group a delivered batch per auction, keep only the
// events after what the projection already reflects (redelivery is harmless), insist that what is
// left continues the stream without a hole, and decode it (old shapes are upcast by the domain).
import type { AuctionEvent, RecordedEvent } from '../../domain/index.js';
import { auctionIdOfStream, decodeStoredEvent, publicStatus, toMillis } from '../../domain/index.js';
import type { Outcome, PublicStatus, UtcTimestamp } from '../../domain/index.js';

/** A stored event the projection cannot read (a missing upcaster, a corrupt row): it stops rather than skip it. */
export class ProjectionDecodeError extends Error {
  constructor(readonly streamId: string, readonly streamVersion: number, reason: string) {
    super(`cannot project ${streamId}@${streamVersion}: ${reason}`);
    this.name = 'ProjectionDecodeError';
  }
}

/**
 * A batch skips versions of a stream: the source lost events (or started past them). The
 * projection refuses, since it would otherwise record a state that no rebuild reproduces.
 */
export class ProjectionGapError extends Error {
  constructor(readonly auctionId: string, readonly expectedVersion: number, readonly receivedVersion: number) {
    super(`auction ${auctionId}: expected stream version ${expectedVersion}, received ${receivedVersion}`);
    this.name = 'ProjectionGapError';
  }
}

/** A decoded event with where it sits in the log. */
export interface ProjectedEvent {
  readonly auctionId: string;
  readonly recorded: RecordedEvent;
  readonly event: AuctionEvent;
}

/** The batch's events per auction, in delivery order; streams that are not auctions are ignored. */
export const groupByAuction = (events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> => {
  const groups = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const auctionId = auctionIdOfStream(event.streamId);
    if (auctionId === undefined) continue;
    let group = groups.get(auctionId);
    if (group === undefined) groups.set(auctionId, (group = []));
    group.push(event);
  }
  return groups;
};

/**
 * The events of one auction after `storedVersion`, in stream order, each exactly once (a batch may
 * repeat versions when a source redelivers). Throws ProjectionGapError when a version is missing.
 */
export const eventsAfter = (auctionId: string, storedVersion: number, events: readonly RecordedEvent[]): RecordedEvent[] => {
  const fresh: RecordedEvent[] = [];
  let version = storedVersion;
  for (const event of events) {
    if (event.streamVersion <= version) continue;
    if (event.streamVersion !== version + 1) throw new ProjectionGapError(auctionId, version + 1, event.streamVersion);
    fresh.push(event);
    version = event.streamVersion;
  }
  return fresh;
};

export const decodeForProjection = (auctionId: string, recorded: RecordedEvent): ProjectedEvent => {
  const decoded = decodeStoredEvent(recorded);
  if (decoded._tag === 'Left') throw new ProjectionDecodeError(recorded.streamId, recorded.streamVersion, decoded.left);
  return { auctionId, recorded, event: decoded.right };
};

/** The public status right after `recorded`, evaluated at the event's own server time (deterministic). */
export const statusAt = (outcome: Outcome, startsAt: UtcTimestamp, recorded: RecordedEvent): PublicStatus =>
  publicStatus(outcome, toMillis(startsAt), Date.parse(recorded.metadata.serverTime));

/** Fails loudly when an event needs an auction that the projection has never seen. */
export const requireExisting = <S>(state: S | undefined, projected: ProjectedEvent): S => {
  if (state === undefined) {
    throw new ProjectionDecodeError(projected.recorded.streamId, projected.recorded.streamVersion, `${projected.event.type} before AuctionCreated`);
  }
  return state;
};
