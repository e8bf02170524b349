// The live cache in memory, for embedded mode: the projector and the feed realtime nodes read, in
// one object, with the Redis cache's semantics (redelivery harmless, a gap refused, the latest
// frames kept, every change announced after it is stored, in version order, a gap filled from the
// event log when it is given one).
import type { AuctionUpdated, RecordedEvent, Upcaster } from '../../domain/index.js';
import type { LiveAuction, LiveChange, LiveFeed } from '../../contracts/index.js';
import { LIVE_HISTORY_LENGTH } from '../../contracts/index.js';
import type { Logger, Pseudonymiser } from '../../infra/index.js';
import { KeyedListeners } from '../../infra/index.js';
import type { ParkedStream, ParkingReporter, Projector, StreamHistory } from '../runtime/index.js';
import { byStreamId, fillGaps, groupByAuction } from '../runtime/index.js';
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
  /** Where the events of a gap are read (the event log); without it a gap fails the batch (ProjectionGapError). */
  readonly history?: StreamHistory;
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
  private readonly listeners = new KeyedListeners<Listener>();
  private readonly historyLength: number;

  constructor(private readonly options: MemoryLiveCacheOptions) {
    this.historyLength = options.historyLength ?? LIVE_HISTORY_LENGTH;
  }

  loadCheckpoint(source: string): Promise<string | undefined> {
    return Promise.resolve(this.checkpoints.get(source));
  }

  /** Plans every auction's changes first, so a gap changes nothing; an unprojectable event parks its stream. */
  async apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void> {
    let groups: ReadonlyMap<string, readonly RecordedEvent[]> = groupByAuction(events);
    const { history } = this.options;
    if (history !== undefined) {
      const filled = await fillGaps(groups, (id) => (this.parked.has(id) ? undefined : this.auctions.get(id)?.auction.version ?? 0), history);
      for (const gap of filled.filled) this.options.logger?.warn(gap, 'live cache: a gap filled from the event log');
      groups = filled.groups;
    }
    const plan = planLiveBatch(this.name, groups, (id) => this.auctions.get(id)?.auction, (id) => this.parked.has(id), this.options.pseudonym, this.options.upcasters);
    for (const change of plan.changes) this.store(change);
    for (const { auctionId, stream } of plan.parked) this.parked.set(auctionId, stream);
    this.checkpoints.set(source, position);
    for (const { stream } of plan.parked) this.options.parking?.parked(stream);
    this.options.parking?.skipped(this.name, plan.skipped);
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
    for (const listener of this.listeners.of(auction.auctionId)) {
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
    return this.listeners.add(auctionId, { onChange });
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
