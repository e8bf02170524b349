// Per-auction locks: the port and its two adapters (in-process; Redis lease over in-process; the lease only for contended auctions).
export type { AuctionLock, LockLogger } from './auction-lock.js';
export { silentLockLogger } from './auction-lock.js';
export { InProcessLock } from './in-process-lock.js';
export { RedlockLock, type RedlockLockOptions, type LeaseEvent, type LeaseBypassReason } from './redlock-lock.js';
export { ContentionLeaseLock, type ContentionLeaseLockOptions } from './contention-lease-lock.js';
