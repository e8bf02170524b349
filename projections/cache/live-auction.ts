// The live cache's fold: an auction's public state (LiveAuction) after each event, and the
// `auction.updated` frame the change publishes. The state is the domain's public fold
// (`evolvePublicAuction`), which also makes the read API's public choices; no rule runs here. Pure.
import type { AuctionUpdated, RecordedEvent, Upcaster } from '../../domain/index.js';
import type { LiveAuction, LiveChange } from '../../contracts/index.js';
import { createdPublicAuction, evolvePublicAuction, updatedFrame, upcasters } from '../../domain/index.js';
import type { Pseudonymiser } from '../../infra/index.js';
import type { AuctionFold, ParkedStream, ProjectedEvent, Unprojectable } from '../runtime/index.js';
import { ProjectionDecodeError, eventsAfter, parkedStreamOf, projectEach, requireExisting, skippedFrom } from '../runtime/index.js';

/** The auction's public state after one event; throws ProjectionDecodeError for an event that cannot follow `live`. */
export const evolveLive = (live: LiveAuction | undefined, projected: ProjectedEvent, pseudonym: Pseudonymiser): LiveAuction => {
  const { event, recorded, auctionId } = projected;
  if (event.type !== 'AuctionCreated') return evolvePublicAuction(requireExisting(live, projected), event, recorded.streamVersion, pseudonym);
  if (live !== undefined) throw new ProjectionDecodeError(recorded.streamId, recorded.streamVersion, 'AuctionCreated for an existing auction');
  return createdPublicAuction(auctionId, event, recorded.streamVersion);
};

/** The frame of the change that `recorded` made; its status is taken at the event's own server time. */
export const frameOf = (live: LiveAuction, recorded: RecordedEvent): AuctionUpdated => updatedFrame(live, Date.parse(recorded.metadata.serverTime));

/** The changes of one auction's delivered events, and the event that stopped them, if one did. */
export interface LivePlan {
  readonly changes: LiveChange[];
  /** The first event that could not be projected: it and every later one were left out. */
  readonly unprojectable: Unprojectable | undefined;
}

/**
 * The changes one auction's delivered events make, in version order, from the state the cache
 * holds (`stored`): events at or below its version are skipped (redelivery), a missing version
 * throws ProjectionGapError; the changes stop before an event that cannot be projected.
 */
export const planLiveChanges: AuctionFold<LiveAuction, LivePlan> = (auctionId, stored, events, pseudonym, registry = upcasters) => {
  const changes: LiveChange[] = [];
  let state = stored;
  const unprojectable = projectEach(auctionId, eventsAfter(auctionId, stored?.version ?? 0, events), (projected) => {
    const next = evolveLive(state, projected, pseudonym);
    changes.push({ auction: next, frame: frameOf(next, projected.recorded) });
    state = next;
  }, registry);
  return { changes, unprojectable };
};

/** What one delivered batch does to the live cache. */
export interface LiveBatchPlan {
  /** Every auction's changes, each auction's in version order. */
  readonly changes: readonly LiveChange[];
  /** Streams to park now: their event at `stream.streamVersion` cannot be projected. */
  readonly parked: readonly { readonly auctionId: string; readonly stream: ParkedStream }[];
  /** Events left out because their stream is parked (before, or now). */
  readonly skipped: number;
}

/**
 * The live cache's plan for a batch grouped by auction, from the states it holds (`stored`) and
 * the streams it has parked (`isParked`): a parked stream's events are skipped; the first event of
 * a stream that cannot be projected parks it.
 */
export const planLiveBatch = (
  projection: string,
  groups: ReadonlyMap<string, readonly RecordedEvent[]>,
  stored: (auctionId: string) => LiveAuction | undefined,
  isParked: (auctionId: string) => boolean,
  pseudonym: Pseudonymiser,
  registry: readonly Upcaster[] = upcasters,
): LiveBatchPlan => {
  const changes: LiveChange[] = [];
  const parked: { auctionId: string; stream: ParkedStream }[] = [];
  let skipped = 0;
  for (const [auctionId, group] of groups) {
    const state = stored(auctionId);
    if (isParked(auctionId)) {
      skipped += skippedFrom(group, (state?.version ?? 0) + 1);
      continue;
    }
    const plan = planLiveChanges(auctionId, state, group, pseudonym, registry);
    changes.push(...plan.changes);
    if (plan.unprojectable === undefined) continue;
    parked.push({ auctionId, stream: parkedStreamOf(projection, plan.unprojectable) });
    skipped += skippedFrom(group, plan.unprojectable.recorded.streamVersion);
  }
  return { changes, parked, skipped };
};
