// The analytics projector: keeps the market figures (analytics_* tables) current from the event
// log. Per delivered batch, in ONE transaction, as the read-model projector does: the runtime's
// batch step (projectAuctionBatch: group by auction, drop what the rows reflect, refuse a hole,
// park what cannot be projected) with this projection's fold (analytics-rows.ts) and its one
// statement (analytics-store.ts), and the checkpoint moved (a compare-and-set). Events of other
// streams (accounts, sales) only move the checkpoint.
import type { RecordedEvent, Upcaster } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { CheckpointedTransactions } from '../read-models/index.js';
import type { AuctionBatchResult, ParkedStream, ParkingReporter, Projector } from '../runtime/index.js';
import { projectAuctionBatch } from '../runtime/index.js';
import type { AnalyticsAuctionRow, AnalyticsChanges, MinuteIncrement } from './analytics-rows.js';
import { foldAnalytics } from './analytics-rows.js';
import type { AnalyticsWrite } from './analytics-store.js';
import { AnalyticsStore } from './analytics-store.js';

/** The checkpoint name of the analytics projection (and its Kafka consumer group's). */
export const ANALYTICS_PROJECTION = 'analytics';

/** What a batch did (the runtime's batch step's result). */
export type AnalyticsBatchResult = AuctionBatchResult;

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
export const projectAnalyticsBatch = (
  tx: SqlExecutor, store: AnalyticsStore, events: readonly RecordedEvent[], options: AnalyticsBatchOptions = {},
): Promise<AnalyticsBatchResult> =>
  projectAuctionBatch<AnalyticsAuctionRow, AnalyticsChanges>(tx, store, events, {
    projection: options.projection ?? ANALYTICS_PROJECTION,
    fold: (auctionId, before, fresh) => foldAnalytics(auctionId, before, fresh, options.upcasters),
    write: (wtx, changed) => {
      const minutes = new Map<string, MinuteIncrement>();
      for (const { changes } of changed) {
        for (const m of changes.minutes.values()) {
          const sum = minutes.get(m.minute);
          if (sum === undefined) minutes.set(m.minute, { ...m });
          else {
            sum.bids += m.bids;
            sum.lastMinuteBids += m.lastMinuteBids;
          }
        }
      }
      const writes: AnalyticsWrite[] = changed.map(({ changes, expectedVersion }) => (
        { row: changes.row, expectedVersion, pricePoints: changes.pricePoints, bidders: changes.bidders }));
      return store.write(wtx, writes, [...minutes.values()].sort((a, b) => (a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0)));
    },
  });

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
