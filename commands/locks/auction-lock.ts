// The per-auction lock port the command handler takes (its one definition; the adapters beside
// it). A lock here only spares wasted work (a second command for the same auction waiting instead
// of loading, deciding, and losing the append race): correctness rests on the event log's
// expected version (DESIGN.md section 8).

/** Serialises work per auction id. Not re-entrant: calling withLock for a key inside fn for the same key waits forever. */
export interface AuctionLock {
  /** Runs fn when no other fn holds the lock for auctionId; resolves or rejects as fn does. */
  withLock<T>(auctionId: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Told that an append on auctionId found another process's events (a conflict, or a duplicate:
   * the same commands appended elsewhere): a lock may start serialising that auction across
   * processes (ContentionLeaseLock). Optional.
   */
  contended?(auctionId: string): void;
}

/** The logging the locks need; a pino logger fits. */
export interface LockLogger {
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export const silentLockLogger: LockLogger = { warn: () => undefined, debug: () => undefined };
