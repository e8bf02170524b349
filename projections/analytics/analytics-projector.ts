// The analytics projector: keeps the market figures (analytics_* tables) current from the event
// log. Per delivered batch, in ONE transaction, as the read-model projector does: group the events
// by auction, load the stored rows of those auctions in one query, drop the events each row
// already reflects (its `version`: redelivery changes nothing), refuse a hole in a stream, fold the
// rest in memory (analytics-rows.ts), write everything in one statement (analytics-store.ts), park
// a stream whose event cannot be projected, and move the checkpoint (a compare-and-set). Events of
// other streams (accounts, sales) only move the checkpoint.
import type { RecordedEvent, Upcaster } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { CheckpointedTransactions } from '../read-models/index.js';
import type { ParkedStream, ParkingReporter, Projector } from '../runtime/index.js';
import { eventsAfter, groupByAuction, parkedStreamOf, skippedFrom } from '../runtime/index.js';
import type { MinuteIncrement } from './analytics-rows.js';
import { foldAnalytics } from './analytics-rows.js';
import type { AnalyticsWrite } from './analytics-store.js';
import { AnalyticsStore } from './analytics-store.js';

/** The checkpoint name of the analytics projection (and its Kafka consumer group's). */
export const ANALYTICS_PROJECTION = 'analytics';

export interface AnalyticsBatchResult {
  /** Auctions whose rows changed. */
  readonly auctions: number;
  /** Events applied (redelivered ones and other streams' not counted). */
  readonly applied: number;
  /** Streams this batch parked (not those parked before). */
  readonly parked: readonly ParkedStream[];
  /** Events not applied because their stream is parked (the one that parked it included). */
  readonly skipped: number;
}

export interface AnalyticsBatchOptions {
  /** The projection named in parked streams (default 'analytics'). */
  readonly projection?: string;
  /** How old event shapes are upcast (default the domain's upcasters). */
  readonly upcasters?: readonly Upcaster[] | undefined;
}

/**
 * Projects `events` into the tables of `store`, inside the transaction `tx` the caller holds (no
 * checkpoint: see AnalyticsProjector, and the rebuild, which drives this directly).
 */
export const projectAnalyticsBatch = async (
  tx: SqlExecutor, store: AnalyticsStore, events: readonly RecordedEvent[], options: AnalyticsBatchOptions = {},
): Promise<AnalyticsBatchResult> => {
  const groups = groupByAuction(events);
  if (groups.size === 0) return { auctions: 0, applied: 0, parked: [], skipped: 0 };
  const projection = options.projection ?? ANALYTICS_PROJECTION;
  const auctionIds = [...groups.keys()].sort();
  const stored = await store.loadAuctions(tx, auctionIds);
  // After the rows' locks: a concurrent writer that parked one of these auctions has committed.
  const parkedBefore = await store.loadParked(tx, auctionIds);
  const writes: AnalyticsWrite[] = [];
  const minutes = new Map<string, MinuteIncrement>();
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
    const { changes, unprojectable } = foldAnalytics(auctionId, before, fresh, options.upcasters);
    if (unprojectable !== undefined) {
      toPark.push({ auctionId, stream: parkedStreamOf(projection, unprojectable) });
      skipped += skippedFrom(fresh, unprojectable.recorded.streamVersion);
    }
    if (changes === undefined) continue;
    applied += changes.row.version - storedVersion;
    writes.push({ row: changes.row, expectedVersion: storedVersion, pricePoints: changes.pricePoints, bidders: changes.bidders });
    for (const m of changes.minutes.values()) {
      const sum = minutes.get(m.minute);
      if (sum === undefined) minutes.set(m.minute, { ...m });
      else {
        sum.bids += m.bids;
        sum.lastMinuteBids += m.lastMinuteBids;
      }
    }
  }
  await store.write(tx, writes, [...minutes.values()].sort((a, b) => (a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0)));
  const newlyParked = await store.park(tx, toPark);
  const parked = toPark.filter((p) => newlyParked.has(p.auctionId)).map((p) => p.stream);
  return { auctions: writes.length, applied, parked, skipped };
};

export interface AnalyticsProjectorOptions {
  readonly sql: SqlExecutor;
  /** Checkpoint key (default 'analytics'). */
  readonly name?: string;
  /** Which tables to write (default the live ones). */
  readonly store?: AnalyticsStore;
  /** How often a batch is retried when another writer advanced one of its auctions meanwhile, or a deadlock aborted it (default 3). */
  readonly conflictRetries?: number;
  /** Where newly parked streams and skipped events are reported (after the batch commits). */
  readonly parking?: ParkingReporter;
  /** How old event shapes are upcast (default the domain's upcasters). */
  readonly upcasters?: readonly Upcaster[];
  /** Called after each committed batch. */
  readonly onApplied?: (result: AnalyticsBatchResult & { readonly source: string; readonly position: string; readonly delivered: number }) => void;
}

export class AnalyticsProjector implements Projector {
  readonly name: string;
  private readonly sql: SqlExecutor;
  private readonly store: AnalyticsStore;
  private readonly transactions: CheckpointedTransactions;
  private readonly options: AnalyticsProjectorOptions;

  constructor(options: AnalyticsProjectorOptions) {
    this.name = options.name ?? ANALYTICS_PROJECTION;
    this.sql = options.sql;
    this.store = options.store ?? new AnalyticsStore();
    this.transactions = new CheckpointedTransactions(this.sql, this.name, options.conflictRetries ?? 3);
    this.options = options;
  }

  /** The streams this projection has parked, as its table holds them. */
  parkedStreams(): Promise<ParkedStream[]> {
    return this.store.listParked(this.sql, this.name);
  }

  loadCheckpoint(source: string): Promise<string | undefined> {
    return this.transactions.load(source);
  }

  async apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void> {
    const result = await this.transactions.apply(source, position, (tx) =>
      projectAnalyticsBatch(tx, this.store, events, { projection: this.name, upcasters: this.options.upcasters }));
    for (const parked of result.parked) this.options.parking?.parked(parked);
    this.options.parking?.skipped(this.name, result.skipped);
    this.options.onApplied?.({ ...result, source, position, delivered: events.length });
  }
}
