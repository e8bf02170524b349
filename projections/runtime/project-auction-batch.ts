// The batch step every SQL projector (the read models, the analytics) takes inside its transaction:
// group the delivered events by auction, load the stored rows of those auctions in one query (which
// locks them), then the ones parked before, drop the events each row already reflects (its
// `version`: redelivery changes nothing), refuse a hole in a stream, fold the rest with the
// projection's own fold, let the projection write what changed, and park each stream whose event
// cannot be projected. Said once here so that the projections differ only in their fold and writes.
import type { RecordedEvent } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import type { ParkedStream } from './parked-streams.js';
import { parkedStreamOf, skippedFrom } from './parked-streams.js';
import type { Unprojectable } from './projected-event.js';
import { eventsAfter, groupByAuction } from './projected-event.js';

/** What a projection's batch did. */
export interface AuctionBatchResult {
  /** Auctions whose rows changed. */
  readonly auctions: number;
  /** Events applied (redelivered ones and other streams' not counted). */
  readonly applied: number;
  /** Streams this batch parked (not those parked before). */
  readonly parked: readonly ParkedStream[];
  /** Events not applied because their stream is parked (the one that parked it included). */
  readonly skipped: number;
}

/** The part of a projection's store the batch step uses. */
export interface AuctionBatchStore<Row extends { readonly version: number }> {
  /** The stored rows of these auctions (locking them for the transaction). */
  loadAuctions(tx: SqlExecutor, auctionIds: readonly string[]): Promise<ReadonlyMap<string, Row>>;
  /** Which of these auctions are parked. */
  loadParked(tx: SqlExecutor, auctionIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** Records these parked streams; returns the auctions that were not parked before. */
  park(tx: SqlExecutor, parked: readonly { readonly auctionId: string; readonly stream: ParkedStream }[]): Promise<ReadonlySet<string>>;
}

/** One auction's changes, with the version its stored row had (the write's compare-and-set). */
export interface AuctionBatchChange<Changes> {
  readonly auctionId: string;
  readonly changes: Changes;
  readonly expectedVersion: number;
}

export interface AuctionBatchSteps<Row extends { readonly version: number }, Changes extends { readonly row: { readonly version: number } }> {
  /** The projection named in parked streams. */
  readonly projection: string;
  /** Folds one auction's fresh events (in stream order) from its stored row. */
  readonly fold: (auctionId: string, stored: Row | undefined, fresh: readonly RecordedEvent[]) => {
    readonly changes: Changes | undefined;
    readonly unprojectable: Unprojectable | undefined;
  };
  /** Writes every changed auction, in auction id order, before anything is parked. */
  readonly write: (tx: SqlExecutor, changed: readonly AuctionBatchChange<Changes>[]) => Promise<void>;
}

/** Projects `events` through `steps` into `store`, inside the transaction `tx` the caller holds. */
export const projectAuctionBatch = async <Row extends { readonly version: number }, Changes extends { readonly row: { readonly version: number } }>(
  tx: SqlExecutor,
  store: AuctionBatchStore<Row>,
  events: readonly RecordedEvent[],
  steps: AuctionBatchSteps<Row, Changes>,
): Promise<AuctionBatchResult> => {
  const groups = groupByAuction(events);
  if (groups.size === 0) return { auctions: 0, applied: 0, parked: [], skipped: 0 };
  const auctionIds = [...groups.keys()].sort();
  const stored = await store.loadAuctions(tx, auctionIds);
  // After the rows' locks: a concurrent writer that parked one of these auctions has committed.
  const parkedBefore = await store.loadParked(tx, auctionIds);
  const changed: AuctionBatchChange<Changes>[] = [];
  const toPark: { auctionId: string; stream: ParkedStream }[] = [];
  let applied = 0;
  let skipped = 0;
  for (const auctionId of auctionIds) {
    const group = groups.get(auctionId) ?? [];
    const before = stored.get(auctionId);
    const storedVersion = before?.version ?? 0;
    if (parkedBefore.has(auctionId)) {
      skipped += skippedFrom(group, storedVersion + 1);
      continue;
    }
    const fresh = eventsAfter(auctionId, storedVersion, group);
    const { changes, unprojectable } = steps.fold(auctionId, before, fresh);
    if (unprojectable !== undefined) {
      toPark.push({ auctionId, stream: parkedStreamOf(steps.projection, unprojectable) });
      skipped += skippedFrom(fresh, unprojectable.recorded.streamVersion);
    }
    if (changes === undefined) continue;
    applied += changes.row.version - storedVersion;
    changed.push({ auctionId, changes, expectedVersion: storedVersion });
  }
  await steps.write(tx, changed);
  const newlyParked = await store.park(tx, toPark);
  const parked = toPark.filter((p) => newlyParked.has(p.auctionId)).map((p) => p.stream);
  return { auctions: changed.length, applied, parked, skipped };
};
