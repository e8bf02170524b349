// scripts/walk: the measured walk of one bid through the product (README, "Following one bid").
export { traceOneBid } from './one-bid-trace.js';
export type { WalkTarget } from './one-bid-trace.js';
