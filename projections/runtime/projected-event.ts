// What every projector does before projecting: group a delivered batch per auction, keep only the
// events after what the projection already reflects (redelivery is harmless), insist that what is
// left continues the stream without a hole, and decode it (old shapes are upcast by the domain).
// An event that cannot be decoded, or cannot follow the state before it, stops its own stream
// only: the projector parks that stream (see parked-streams.ts) and goes on with the others.
import type { Auction, AuctionEvent, RecordedEvent, Upcaster } from '../../domain/index.js';
import { auctionIdOfStream, decodeStoredEvent, evolve, initialState, upcasters } from '../../domain/index.js';
import type { Pseudonymiser } from '../../infra/index.js';

/** A stored event the projection cannot project (a missing upcaster, a corrupt row, an event before AuctionCreated). */
export class ProjectionDecodeError extends Error {
  constructor(readonly streamId: string, readonly streamVersion: number, readonly reason: string) {
    super(`cannot project ${streamId}@${streamVersion}: ${reason}`);
    this.name = 'ProjectionDecodeError';
  }
}

/** The event that stops its stream's projection, and why. */
export interface Unprojectable {
  readonly recorded: RecordedEvent;
  readonly reason: string;
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

/** An auction's events after `storedVersion`, each once, up to the first version missing (if one is). */
const walkAfter = (storedVersion: number, events: readonly RecordedEvent[]): { fresh: RecordedEvent[]; gap?: { expected: number; received: number } } => {
  const fresh: RecordedEvent[] = [];
  let version = storedVersion;
  for (const event of events) {
    if (event.streamVersion <= version) continue;
    if (event.streamVersion !== version + 1) return { fresh, gap: { expected: version + 1, received: event.streamVersion } };
    fresh.push(event);
    version = event.streamVersion;
  }
  return { fresh };
};

/**
 * The events of one auction after `storedVersion`, in stream order, each exactly once (a batch may
 * repeat versions when a source redelivers). Throws ProjectionGapError when a version is missing.
 */
export const eventsAfter = (auctionId: string, storedVersion: number, events: readonly RecordedEvent[]): RecordedEvent[] => {
  const { fresh, gap } = walkAfter(storedVersion, events);
  if (gap !== undefined) throw new ProjectionGapError(auctionId, gap.expected, gap.received);
  return fresh;
};

/** An auction's events from `fromVersion` on, in stream order, as the event log holds them. */
export type StreamHistory = (auctionId: string, fromVersion: number) => Promise<readonly RecordedEvent[]>;

/** An auction whose delivered events were completed from the log: the versions read there. */
export interface FilledGap {
  readonly auctionId: string;
  readonly fromVersion: number;
  readonly toVersion: number;
}

/**
 * The delivered groups with every gap filled from the event log, the truth every source copies: an
 * auction whose events skip versions after the one its projection holds (`storedVersion`; undefined
 * leaves the auction as delivered) gets the log's events from the first missing version on. They
 * include the delivered ones, and may reach past them (later deliveries are then redeliveries).
 */
export const fillGaps = async (
  groups: ReadonlyMap<string, readonly RecordedEvent[]>,
  storedVersion: (auctionId: string) => number | undefined,
  history: StreamHistory,
): Promise<{ readonly groups: ReadonlyMap<string, readonly RecordedEvent[]>; readonly filled: readonly FilledGap[] }> => {
  const gaps = [...groups].flatMap(([auctionId, events]) => {
    const stored = storedVersion(auctionId);
    const missing = stored === undefined ? undefined : walkAfter(stored, events).gap?.expected;
    return missing === undefined ? [] : [{ auctionId, events, missing }];
  });
  if (gaps.length === 0) return { groups, filled: [] };
  const completed = new Map(groups);
  const filled: FilledGap[] = [];
  await Promise.all(gaps.map(async ({ auctionId, events, missing }) => {
    const fromLog = await history(auctionId, missing);
    const last = fromLog[fromLog.length - 1]?.streamVersion ?? missing - 1;
    completed.set(auctionId, [...events.filter((e) => e.streamVersion < missing), ...fromLog, ...events.filter((e) => e.streamVersion > last)]);
    if (last >= missing) filled.push({ auctionId, fromVersion: missing, toVersion: last });
  }));
  return { groups: completed, filled };
};

/**
 * Decodes each event (upcast with `registry`) and hands it to `project`, in order, until one cannot
 * be decoded or `project` throws ProjectionDecodeError for it: that event is returned, and no later
 * one is handed over. `project` must change nothing when it throws. Other errors propagate.
 */
export const projectEach = (
  auctionId: string,
  events: readonly RecordedEvent[],
  project: (projected: ProjectedEvent) => void,
  registry: readonly Upcaster[] = upcasters,
): Unprojectable | undefined => {
  for (const recorded of events) {
    const decoded = decodeStoredEvent(recorded, registry);
    if (decoded._tag === 'Left') return { recorded, reason: decoded.left };
    try {
      project({ auctionId, recorded, event: decoded.right });
    } catch (error) {
      if (error instanceof ProjectionDecodeError) return { recorded, reason: error.reason };
      throw error;
    }
  }
  return undefined;
};

/**
 * A projection's fold of one auction's delivered events (in stream order) from the state it has
 * stored for the auction, decoding each with `registry` (default: the domain's upcasters), up to the
 * first event it cannot project, which the result names (`unprojectable`).
 */
export type AuctionFold<Stored, Result extends { readonly unprojectable: Unprojectable | undefined }> = (
  auctionId: string,
  stored: Stored | undefined,
  events: readonly RecordedEvent[],
  pseudonym: Pseudonymiser,
  registry?: readonly Upcaster[],
) => Result;

/** Fails loudly when an event needs an auction that the projection has never seen. */
export const requireExisting = <S>(state: S | undefined, projected: ProjectedEvent): S => {
  if (state === undefined) {
    throw new ProjectionDecodeError(projected.recorded.streamId, projected.recorded.streamVersion, `${projected.event.type} before AuctionCreated`);
  }
  return state;
};

/**
 * The state an AuctionCreated starts, as the domain's own `evolve` makes it (the projections copy
 * its initial flags); fails loudly when the projection has the auction already (`existing`), or
 * the event creates nothing.
 */
export const createdAuction = (existing: unknown, projected: ProjectedEvent): Auction => {
  const { recorded, event } = projected;
  if (existing !== undefined) throw new ProjectionDecodeError(recorded.streamId, recorded.streamVersion, 'AuctionCreated for an existing auction');
  const initial = evolve(initialState, event);
  if (initial.kind !== 'auction') throw new ProjectionDecodeError(recorded.streamId, recorded.streamVersion, 'AuctionCreated did not create');
  return initial;
};
