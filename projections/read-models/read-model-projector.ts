// The projector of the PostgreSQL read models (auction_view, bid_history, bidder_activity). Per
// delivered batch, in ONE transaction: group the events by auction, load the stored rows of those
// auctions in one query, drop the events each row already reflects (redelivery changes nothing),
// refuse a hole in a stream, fold the rest in memory, write everything with a few set-based
// statements, and move the checkpoint (a compare-and-set). A crash anywhere leaves both as they were.
import type { RecordedEvent, Upcaster } from '../../domain/index.js';
import type { Pseudonymiser, SqlExecutor } from '../../infra/index.js';
import type { ParkedStream, ParkingReporter, Projector } from '../runtime/index.js';
import { eventsAfter, groupByAuction, parkedStreamOf, skippedFrom } from '../runtime/index.js';
import type { AuctionRow, BidRow, ActivityIncrement } from './auction-rows.js';
import { foldAuction } from './auction-rows.js';
import { CheckpointedTransactions } from './checkpoint-store.js';
import { ReadModelStore } from './read-model-store.js';

/** The checkpoint name of the read-model projection (and its Kafka consumer group's). */
export const READ_MODEL_PROJECTION = 'read-models';

export interface BatchResult {
  /** Auctions whose rows changed. */
  readonly auctions: number;
  /** Events applied (redelivered ones and other streams' not counted). */
  readonly applied: number;
  /** Streams this batch parked (not those parked before). */
  readonly parked: readonly ParkedStream[];
  /** Events not applied because their stream is parked (the one that parked it included). */
  readonly skipped: number;
}

export interface ProjectBatchOptions {
  /** The projection named in parked streams (default 'read-models'). */
  readonly projection?: string;
  /** How old event shapes are upcast (default the domain's upcasters). */
  readonly upcasters?: readonly Upcaster[];
}

/**
 * Projects `events` into the tables of `store`, inside the transaction `tx` the caller holds (no
 * checkpoint: see ReadModelProjector, and the rebuild, which drives this directly). A stream whose
 * event cannot be projected is parked (in the store's parked_streams) and skipped from then on.
 */
export const projectBatch = async (
  tx: SqlExecutor, store: ReadModelStore, pseudonym: Pseudonymiser, events: readonly RecordedEvent[], options: ProjectBatchOptions = {},
): Promise<BatchResult> => {
  const groups = groupByAuction(events);
  if (groups.size === 0) return { auctions: 0, applied: 0, parked: [], skipped: 0 };
  const projection = options.projection ?? READ_MODEL_PROJECTION;
  const auctionIds = [...groups.keys()].sort();
  const stored = await store.loadAuctions(tx, auctionIds);
  // After the rows' locks: a concurrent writer that parked one of these auctions has committed.
  const parkedBefore = await store.loadParked(tx, auctionIds);
  const auctions: { row: AuctionRow; expectedVersion: number }[] = [];
  const bids: BidRow[] = [];
  const activity: ActivityIncrement[] = [];
  const newLeaders: { auctionId: string; leaderId: string | null }[] = [];
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
    const { changes, unprojectable } = foldAuction(auctionId, before, fresh, pseudonym, options.upcasters);
    if (unprojectable !== undefined) {
      toPark.push({ auctionId, stream: parkedStreamOf(projection, unprojectable) });
      skipped += skippedFrom(fresh, unprojectable.recorded.streamVersion);
    }
    if (changes === undefined) continue;
    applied += changes.row.version - storedVersion;
    auctions.push({ row: changes.row, expectedVersion: storedVersion });
    bids.push(...changes.bids);
    activity.push(...changes.activity);
    if (changes.leaderChanged) newLeaders.push({ auctionId, leaderId: changes.row.leaderId });
  }
  await store.writeAuctions(tx, auctions);
  await store.insertBids(tx, bids);
  await store.writeActivity(tx, activity, newLeaders);
  const newlyParked = await store.park(tx, toPark);
  const parked = toPark.filter((p) => newlyParked.has(p.auctionId)).map((p) => p.stream);
  return { auctions: auctions.length, applied, parked, skipped };
};

export interface ReadModelProjectorOptions {
  readonly sql: SqlExecutor;
  /** Bidders' public names: the read API must use the same secret. */
  readonly pseudonym: Pseudonymiser;
  /** Checkpoint key (default 'read-models'). */
  readonly name?: string;
  /** Which tables to write (default the live ones). */
  readonly store?: ReadModelStore;
  /** How often a batch is retried when another writer advanced one of its auctions meanwhile, or a deadlock aborted it (default 3). */
  readonly conflictRetries?: number;
  /** Where newly parked streams and skipped events are reported (after the batch commits). */
  readonly parking?: ParkingReporter;
  /** How old event shapes are upcast (default the domain's upcasters). */
  readonly upcasters?: readonly Upcaster[];
  /** Called after each committed batch. */
  readonly onApplied?: (result: BatchResult & { readonly source: string; readonly position: string; readonly delivered: number }) => void;
}

export class ReadModelProjector implements Projector {
  readonly name: string;
  private readonly sql: SqlExecutor;
  private readonly pseudonym: Pseudonymiser;
  private readonly store: ReadModelStore;
  private readonly onApplied: ReadModelProjectorOptions['onApplied'];
  private readonly parking: ParkingReporter | undefined;
  private readonly upcasters: readonly Upcaster[] | undefined;
  private readonly transactions: CheckpointedTransactions;

  constructor(options: ReadModelProjectorOptions) {
    this.name = options.name ?? READ_MODEL_PROJECTION;
    this.sql = options.sql;
    this.pseudonym = options.pseudonym;
    this.store = options.store ?? new ReadModelStore();
    this.transactions = new CheckpointedTransactions(this.sql, this.name, options.conflictRetries ?? 3);
    this.onApplied = options.onApplied;
    this.parking = options.parking;
    this.upcasters = options.upcasters;
  }

  /** The streams this projection has parked, as its table holds them. */
  parkedStreams(): Promise<ParkedStream[]> {
    return this.store.listParked(this.sql, this.name);
  }

  loadCheckpoint(source: string): Promise<string | undefined> {
    return this.transactions.load(source);
  }

  async apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void> {
    const result = await this.transactions.apply(source, position, (tx) => projectBatch(tx, this.store, this.pseudonym, events, {
      projection: this.name,
      ...(this.upcasters !== undefined ? { upcasters: this.upcasters } : {}),
    }));
    for (const parked of result.parked) this.parking?.parked(parked);
    this.parking?.skipped(this.name, result.skipped);
    this.onApplied?.({ ...result, source, position, delivered: events.length });
  }
}
