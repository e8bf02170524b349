// domain/: the auction model. Pure: no I/O, no clock, no randomness.
export * from './money.js';
export * from './time.js';
export * from './ids.js';
export * from './events.js';
export * from './commands.js';
export * from './rejection.js';
export * from './state.js';
export * from './pricing.js';
export { decide } from './decide.js';
export { MAX_AUCTION_DAYS, START_TOLERANCE_MS, MAX_SOFT_CLOSE_SECONDS } from './decide-create.js';
export { evolve, fold } from './evolve.js';
export { RETRACT_ALL_BEFORE_END_MS, RETRACT_LATEST_WITHIN_MS } from './decide-retract.js';
export { bidsInOrder, bidsOf, standingOf, type PlacedBid, type PlacedBids, type Standing } from './placed-bids.js';
export * from './upcast.js';
export * from './decode-valid.js';
export { unreadableParts } from './storable-event.js';
export * from './event-log/index.js';
export * from './public-auction.js';
