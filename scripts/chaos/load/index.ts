// The chaos suite's clients: bidders that retry each Idempotency-Key until a final answer, the
// seller of each fault's auctions, and WebSocket subscribers that resume with sinceVersion; with
// the records they keep for the checks.
export { BidLoad } from './bidders.js';
export type { Bidder, BidLoadOptions } from './bidders.js';
export { createAuctions } from './seller.js';
export type { AuctionPlan, CreatedAuction } from './seller.js';
export { Subscriber, startSubscribers } from './subscribers.js';
export { getJson, postJson } from './http.js';
export type { Answer, Attempt, FrameEntry, KeyRecord } from './records.js';
