// Rebuild (DESIGN.md section 9): run the read-model projection from the start of the log into fresh
// tables (`auction_view_rebuild`, ...), then swap them in atomically. Two rebuilds of one log give
// identical tables: every column is a fact of the events, and the fold does not depend on batching.
//
// The swap is one transaction (rebuild-steps.ts swapIn, which the analytics' rebuild shares): lock
// the live tables (ACCESS EXCLUSIVE: readers and the live projector wait), catch the fresh tables up
// to the log's head, check that no live row is ahead of its rebuilt one, drop the live tables,
// rename the fresh ones (with their constraints and indexes) into their place, and set the
// projection's 'log' checkpoint to where the rebuild read up to.
//
// A live projector running meanwhile is harmless, whatever its source:
// - before the lock, it writes the old tables, which are about to be dropped;
// - while the lock is held, its transaction waits (it takes the tables before its checkpoint, in
//   the swap's order, so the two cannot deadlock); once the swap commits, its statements resolve the
//   table names again and find the new tables;
// - the new tables reflect every event the live ones did (the catch-up runs under the lock, to the
//   log's head, which includes everything any source could have delivered), so a checkpoint that
//   is behind only redelivers events that the per-auction version checks then skip, and one that is
//   ahead skips nothing that the new tables lack. Kafka and RabbitMQ checkpoints are therefore kept as they are;
//   the 'log' checkpoint moves to the rebuild's position, and a live log source, finding it moved
//   (CheckpointMovedError), resumes from there.
//
// The fresh tables' secondary indexes, and bid_history's primary key, are dropped before the build
// and made once after it (deferred-indexes.ts); the other constraints stay throughout.
//
// A stream whose event cannot be projected is parked in the fresh parked_streams table, as the live
// projector does (the same code), and swapped in with the rest: the report lists them. A stream
// parked in the live tables whose event a newer decoder (an upcaster) reads is thereby projected
// from scratch and no longer parked. With `strict`, anything parked refuses the swap instead.
import type { EventLog } from '../../domain/index.js';
import type { Pseudonymiser } from '../../infra/index.js';
import type { ReadModelTables } from '../read-models/index.js';
import { READ_MODEL_PROJECTION, ReadModelStore, projectBatch, readModelDdl, readModelTableNames } from '../read-models/index.js';
import { buildFreshTables } from './build-fresh-tables.js';
import { createIndexes, dropPrimaryKeys, dropSecondaryIndexes } from './deferred-indexes.js';
import type { CommonRebuildOptions, RebuildReport } from './rebuild-steps.js';
import { dropLeftovers, pageSizeOf, swapIn } from './rebuild-steps.js';

export interface RebuildOptions extends CommonRebuildOptions {
  readonly log: EventLog;
  readonly pseudonym: Pseudonymiser;
  /** Auction rows the build holds in memory before it writes and forgets them all (default 100,000). */
  readonly maxRowsInMemory?: number;
  /** Auction rows per statement while building; ended auctions are written and forgotten in groups of this many (default 5,000). */
  readonly rowsPerStatement?: number;
}

const tableNames = (t: ReadModelTables): readonly string[] => [t.auctionView, t.bidHistory, t.bidderActivity, t.parkedStreams];

export const rebuildReadModels = async (options: RebuildOptions): Promise<RebuildReport> => {
  const started = Date.now();
  const { sql, log, pseudonym } = options;
  const batchSize = pageSizeOf(options);
  const fresh = readModelTableNames(options.suffix ?? '_rebuild');
  if (fresh.suffix === '') throw new Error('a rebuild needs a table suffix other than the live tables\'');
  const live = readModelTableNames();
  const store = new ReadModelStore(fresh);
  const projection = options.projection ?? READ_MODEL_PROJECTION;
  const batchOptions = { projection, ...(options.upcasters !== undefined ? { upcasters: options.upcasters } : {}) };

  // Leftovers of an interrupted rebuild are dropped: every rebuild starts from empty tables.
  const indexes = await sql.transaction(async (tx) => {
    await dropLeftovers(tx, tableNames(fresh));
    await tx.exec(readModelDdl(fresh.suffix));
    // bid_history's key first: made again before the indexes, so a duplicate fails fastest.
    return [...(await dropPrimaryKeys(tx, [fresh.bidHistory])), ...(await dropSecondaryIndexes(tx, tableNames(fresh)))];
  });

  const built = await buildFreshTables({
    sql,
    log,
    store,
    pseudonym,
    batchSize,
    projection,
    upcasters: options.upcasters,
    ...(options.maxRowsInMemory !== undefined ? { maxRowsInMemory: options.maxRowsInMemory } : {}),
    ...(options.rowsPerStatement !== undefined ? { rowsPerStatement: options.rowsPerStatement } : {}),
    onPage: (events, position) => options.onProgress?.({ phase: 'build', events, position }),
  });
  await createIndexes(sql, indexes);
  await options.hooks?.beforeSwap?.();

  return swapIn(options, {
    batchSize,
    built,
    // Table order as the projector's transactions take them: auction_view first.
    tables: { live: tableNames(live), fresh: tableNames(fresh), liveAuctions: live.auctionView, freshAuctions: fresh.auctionView, freshParked: fresh.parkedStreams },
    applyPage: (tx) => async (page) => void (await projectBatch(tx, store, pseudonym, page, batchOptions)),
    listParked: (tx) => store.listParked(tx, projection),
    projection,
    started,
  });
};
