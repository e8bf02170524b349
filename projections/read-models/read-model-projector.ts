// The projector of the PostgreSQL read models (auction_view, bid_history, bidder_activity). Per
// delivered batch, in ONE transaction: the runtime's batch step (projectAuctionBatch: group by
// auction, drop what the rows reflect, refuse a hole, park what cannot be projected) with this
// projection's fold (auction-rows.ts) and its few set-based writes, and the checkpoint moved (a
// compare-and-set). A crash anywhere leaves both as they were.
import type { RecordedEvent, Upcaster } from '../../domain/index.js';
import type { Pseudonymiser, SqlExecutor } from '../../infra/index.js';
import type { AuctionBatchResult, ParkedStream, ParkingReporter, Projector } from '../runtime/index.js';
import { projectAuctionBatch } from '../runtime/index.js';
import type { AuctionChanges, AuctionRow } from './auction-rows.js';
import { foldAuction } from './auction-rows.js';
import { CheckpointedTransactions } from './checkpoint-store.js';
import { ReadModelStore } from './read-model-store.js';

/** The checkpoint name of the read-model projection (and its Kafka consumer group's). */
export const READ_MODEL_PROJECTION = 'read-models';

/** What a batch did (the runtime's batch step's result). */
export type BatchResult = AuctionBatchResult;

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
export const projectBatch = (
  tx: SqlExecutor, store: ReadModelStore, pseudonym: Pseudonymiser, events: readonly RecordedEvent[], options: ProjectBatchOptions = {},
): Promise<BatchResult> =>
  projectAuctionBatch<AuctionRow, AuctionChanges>(tx, store, events, {
    projection: options.projection ?? READ_MODEL_PROJECTION,
    fold: (auctionId, before, fresh) => foldAuction(auctionId, before, fresh, pseudonym, options.upcasters),
    write: async (wtx, changed) => {
      await store.writeAuctions(wtx, changed.map(({ changes, expectedVersion }) => ({ row: changes.row, expectedVersion })));
      await store.insertBids(wtx, changed.flatMap(({ changes }) => changes.bids));
      await store.writeActivity(
        wtx,
        changed.flatMap(({ changes }) => changes.activity),
        changed.filter(({ changes }) => changes.leaderChanged).map(({ auctionId, changes }) => ({ auctionId, leaderId: changes.row.leaderId })),
      );
    },
  });

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
