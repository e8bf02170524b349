// read-api/: HTTP queries over the read models (auctions, bid history, auditors' views and
// exports) and chain verification over the event log it is handed. Never imports commands/.
export { readRoutes } from './routes.js';
export type { ReadRoutesDeps } from './context.js';
export * from './responses.js';
export { ListingStatus, ListingSort, BidOrder, ExportFormat } from './params.js';
export { csvField, csvLine } from './csv.js';
export * from './analytics/index.js';
export { writeExport, writeWithBackpressure, keysetPages, ClientGoneError } from './export-stream.js';
export type { ExportSink, StreamFormat } from './export-stream.js';
