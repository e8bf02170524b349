// Per-key serialisation inside one process: each key has a promise chain; a caller waits for
// the tail it found, then runs. Callers run in arrival order (FIFO). When the last caller for a
// key finishes, the key is dropped, so memory is bounded by the keys currently in use.
import type { AuctionLock } from './auction-lock.js';

export class InProcessLock implements AuctionLock {
  /** Per key: a promise that settles when the last queued caller has finished. */
  private readonly tails = new Map<string, Promise<void>>();

  withLock<T>(auctionId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(auctionId);
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    // Tails never reject: each settles through `done`, whatever fn did.
    const tail = previous === undefined ? finished : previous.then(() => finished);
    this.tails.set(auctionId, tail);
    const run = async (): Promise<T> => {
      try {
        return await fn();
      } finally {
        done();
        if (this.tails.get(auctionId) === tail) this.tails.delete(auctionId);
      }
    };
    return previous === undefined ? run() : previous.then(run);
  }

  /** How many keys are held or waited for (for tests and metrics). */
  get activeKeys(): number {
    return this.tails.size;
  }
}
