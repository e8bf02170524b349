// The live cache in memory, for embedded mode: the projector and the feed realtime nodes read, in
// one object, with the Redis cache's semantics (redelivery harmless, a gap refused, the latest
// frames kept, every change announced after it is stored, in version order).
import type { AuctionUpdated, RecordedEvent, Upcaster } from '../../domain/index.js';
import type { LiveAuction, LiveChange, LiveFeed } from '../../contracts/index.js';
import { LIVE_HISTORY_LENGTH } from '../../contracts/index.js';
import type { Logger, Pseudonymiser } from '../../infra/index.js';
import type { ParkedStream, ParkingReporter, Projector } from '../runtime/index.js';
import { byStreamId, groupByAuction } from '../runtime/index.js';
import { planLiveBatch } from './live-auction.js';

export const LIVE_CACHE_PROJECTOR = 'live-cache';

export interface MemoryLiveCacheOptions {
  readonly pseudonym: Pseudonymiser;
  /** Frames kept per auction (default LIVE_HISTORY_LENGTH). */
  readonly historyLength?: number;
  /** Receives errors thrown by subscribers' callbacks (they never reach the projector). */
  readonly logger?: Logger;
  /** Where newly parked streams and skipped events are reported. */
  readonly parking?: ParkingReporter;
  /** How old event shapes are upcast (default the domain's upcasters). */
  readonly upcasters?: readonly Upcaster[];
}

interface Entry {
  auction: LiveAuction;
  /** The latest frames, oldest first, contiguous up to auction.version. */
  readonly frames: AuctionUpdated[];
}

type Listener = { readonly onChange: (change: LiveChange) => void };

export class MemoryLiveCache implements Projector, LiveFeed {
  readonly name = LIVE_CACHE_PROJECTOR;
  private readonly auctions = new Map<string, Entry>();
  private readonly checkpoints = new Map<string, string>();
  /** Parked streams by auction id: kept, like the checkpoints, for the life of the process. */
  private readonly parked = new Map<string, ParkedStream>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly historyLength: number;

  constructor(private readonly options: MemoryLiveCacheOptions) {
    this.historyLength = options.historyLength ?? LIVE_HISTORY_LENGTH;
  }

  loadCheckpoint(source: string): Promise<string | undefined> {
    return Promise.resolve(this.checkpoints.get(source));
  }

  /** Plans every auction's changes first, so a gap changes nothing; an unprojectable event parks its stream. */
  apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void> {
    try {
      const plan = planLiveBatch(
        this.name, groupByAuction(events), (id) => this.auctions.get(id)?.auction, (id) => this.parked.has(id), this.options.pseudonym, this.options.upcasters,
      );
      for (const change of plan.changes) this.store(change);
      for (const { auctionId, stream } of plan.parked) this.parked.set(auctionId, stream);
      this.checkpoints.set(source, position);
      for (const { stream } of plan.parked) this.options.parking?.parked(stream);
      this.options.parking?.skipped(this.name, plan.skipped);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** The streams this cache has parked. */
  parkedStreams(): Promise<ParkedStream[]> {
    return Promise.resolve([...this.parked.values()].sort(byStreamId));
  }

  private store(change: LiveChange): void {
    const { auction, frame } = change;
    const entry = this.auctions.get(auction.auctionId);
    if (entry === undefined) {
      this.auctions.set(auction.auctionId, { auction, frames: [frame] });
    } else {
      entry.auction = auction;
      entry.frames.push(frame);
      if (entry.frames.length > this.historyLength) entry.frames.splice(0, entry.frames.length - this.historyLength);
    }
    for (const listener of this.listeners.get(auction.auctionId) ?? []) {
      try {
        listener.onChange(change);
      } catch (err) {
        this.options.logger?.error({ err, auctionId: auction.auctionId }, 'live cache subscriber failed');
      }
    }
  }

  current(auctionId: string): Promise<LiveAuction | undefined> {
    return Promise.resolve(this.auctions.get(auctionId)?.auction);
  }

  framesAfter(auctionId: string, version: number): Promise<readonly AuctionUpdated[] | undefined> {
    const entry = this.auctions.get(auctionId);
    const latest = entry?.auction.version ?? 0;
    if (version >= latest) return Promise.resolve([]);
    const frames = entry?.frames ?? [];
    const first = frames[0];
    if (first === undefined || first.version > version + 1) return Promise.resolve(undefined);
    return Promise.resolve(frames.slice(version + 1 - first.version));
  }

  subscribe(auctionId: string, onChange: (change: LiveChange) => void): Promise<() => Promise<void>> {
    const listener: Listener = { onChange };
    let set = this.listeners.get(auctionId);
    if (set === undefined) this.listeners.set(auctionId, (set = new Set()));
    set.add(listener);
    return Promise.resolve(() => {
      const current = this.listeners.get(auctionId);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(auctionId);
      return Promise.resolve();
    });
  }

  /** Auctions with at least one subscriber (what a realtime node holds open). */
  subscribedAuctions(): number {
    return this.listeners.size;
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
