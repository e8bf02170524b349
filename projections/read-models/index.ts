// projections/read-models: the PostgreSQL read models (auction_view, bid_history,
// bidder_activity): their schema, the pure fold from an auction's events to its rows, the store
// that writes and reads them, the checkpoint kept in the same transaction, and the projector; and
// the columns of bid_history with the means to read them, for the read API's queries; and a dump of
// every row, for comparing a projection with a rebuild.
export * from './schema.js';
export { addActivity, foldAuction } from './auction-rows.js';
export type { ActivityDraft, ActivityIncrement, AuctionChanges, AuctionRow, BidRow, FoldResult } from './auction-rows.js';
export { CheckpointedTransactions, loadCheckpoint, resetCheckpoint } from './checkpoint-store.js';
export { ParkedStreamTable } from './parked-stream-table.js';
export { ReadModelProjector, READ_MODEL_PROJECTION, projectBatch } from './read-model-projector.js';
export type { BatchResult, ProjectBatchOptions, ReadModelProjectorOptions } from './read-model-projector.js';
export { AuctionRowConflictError, AuctionRowStore } from './auction-row-store.js';
export { ReadModelStore, readModelTableNames } from './read-model-store.js';
export type { ReadModelTables } from './read-model-store.js';
export { dumpReadModels } from './read-model-dump.js';
export type { ReadModelDump } from './read-model-dump.js';
export {
  bidHistoryColumns, columnNames, decodeStoredRows, readModelColumns, recordsetDefinition, rowsAsColumns, rowsAsRecords, selectList, storedRowCodec, tableColumns, unnestFrom,
} from './table-columns.js';
export type { Column } from './table-columns.js';
