// Loads auctions from the event log, keeping recent ones in a bounded LRU cache so a hot auction
// is not re-read for every command: a cached auction only reads the events after its version.
import type { AuctionEvent, AuctionState, EventLog, RecordedEvent } from '../../domain/index.js';
import { decodeStoredEvent, evolve, initialState, streamIdOf } from '../../domain/index.js';

export interface LoadedAuction {
  readonly state: AuctionState;
  readonly version: number;
  /** Versions of the events each command appended, for answering a retried command. */
  readonly commands: ReadonlyMap<string, readonly number[]>;
}

/**
 * The auction's stream holds an event that cannot be read (it does not decode, even upcast, or a
 * version is missing): no command on that auction can be decided until an operator deals with it
 * (README, "Events that cannot be read"). Other auctions are not affected.
 */
export class CorruptStreamError extends Error {
  constructor(readonly streamId: string, readonly streamVersion: number, readonly reason: string) {
    super(`${streamId}@${streamVersion}: ${reason}`);
    this.name = 'CorruptStreamError';
  }
}

export const decodeRecorded = (recorded: RecordedEvent): AuctionEvent => {
  const decoded = decodeStoredEvent(recorded);
  if (decoded._tag === 'Left') throw new CorruptStreamError(recorded.streamId, recorded.streamVersion, decoded.left);
  return decoded.right;
};

const apply = (from: LoadedAuction, recorded: readonly RecordedEvent[]): LoadedAuction => {
  if (recorded.length === 0) return from;
  let state = from.state;
  let version = from.version;
  const commands = new Map(from.commands);
  for (const event of recorded) {
    if (event.streamVersion !== version + 1) throw new CorruptStreamError(event.streamId, version + 1, `expected version ${version + 1}, read ${event.streamVersion}`);
    state = evolve(state, decodeRecorded(event));
    version = event.streamVersion;
    commands.set(event.metadata.commandId, [...(commands.get(event.metadata.commandId) ?? []), version]);
  }
  return { state, version, commands };
};

const empty: LoadedAuction = { state: initialState, version: 0, commands: new Map() };

export class AuctionRepository {
  private readonly cache = new Map<string, LoadedAuction>();

  constructor(
    private readonly log: EventLog,
    private readonly capacity = 10_000,
  ) {}

  /** The auction as of the log's latest version (the cache only saves re-reading old events). */
  async load(auctionId: string): Promise<LoadedAuction> {
    const cached = this.cache.get(auctionId) ?? empty;
    const newer = await this.log.readStream(streamIdOf(auctionId), cached.version + 1);
    const loaded = apply(cached, newer);
    this.remember(auctionId, loaded);
    return loaded;
  }

  /** The cached auction without a read, for the optimistic first attempt; undefined when cold. */
  peek(auctionId: string): LoadedAuction | undefined {
    return this.cache.get(auctionId);
  }

  /** Records events this process just appended. */
  appended(auctionId: string, from: LoadedAuction, recorded: readonly RecordedEvent[]): LoadedAuction {
    const next = apply(from, recorded);
    this.remember(auctionId, next);
    return next;
  }

  forget(auctionId: string): void {
    this.cache.delete(auctionId);
  }

  private remember(auctionId: string, loaded: LoadedAuction): void {
    if (loaded.version === 0) return; // never cache "no such auction": it may be created elsewhere
    this.cache.delete(auctionId); // re-insert: Map keeps insertion order, so the oldest is first
    this.cache.set(auctionId, loaded);
    if (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
