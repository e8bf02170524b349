// The live-cache projector on Redis (DESIGN.md sections 1 and 6): for each delivered batch, per
// auction, the changes after the version the cache holds, each stored and published by one
// script (apply-change-script.ts) in version order. A batch costs three round trips whatever its
// size: read the states it touches and whether their streams are parked, apply every change (one
// pipeline; on a Redis Cluster one per auction's slot, sent together), save the checkpoint. The states this process last stored are remembered (a bounded
// map), so only auctions it has not seen yet are read: the script's version check is the fence, and
// a remembered state that is not the stored one (another process moved the auction on, the hash was
// removed) shows as a gap, after which the batch is planned again from states read from Redis.
// An auction whose delivered events do not follow the version Redis holds (a failover promoted a
// replica that missed the latest writes, Redis came back empty) is completed from the event log
// (`history`), so the cache heals on the auction's next event instead of stopping the projection.
// A stream whose event cannot be projected is parked (hash `<namespace>:parked`, field auction id,
// written before the checkpoint moves past it) and its later events skipped.
import * as E from 'fp-ts/lib/Either.js';
import type { RecordedEvent, Upcaster } from '../../domain/index.js';
import type { LiveAuction, LiveChange } from '../../contracts/index.js';
import { ENDED_FRAMES_TTL_SECONDS, LIVE_CACHE_LAYOUT, LIVE_HISTORY_LENGTH, auctionCacheKey, auctionChannel, auctionFramesKey, decodeLiveAuctionHash, encodeLiveAuctionHash } from '../../contracts/index.js';
import type { Logger, Pseudonymiser, RedisClient } from '../../infra/index.js';
import { pipelinePerSlot } from '../../infra/index.js';
import type { ParkedStream, ParkingReporter, Projector, StreamHistory } from '../runtime/index.js';
import { ParkedStreamCodec, ProjectionGapError, byStreamId, fillGaps, groupByAuction } from '../runtime/index.js';
import type { LiveBatchPlan } from './live-auction.js';
import { planLiveBatch } from './live-auction.js';
import { defineApplyLiveChange } from './apply-change-script.js';
import { LIVE_CACHE_PROJECTOR } from './memory-live-cache.js';

export interface RedisLiveCacheOptions {
  readonly redis: RedisClient;
  readonly pseudonym: Pseudonymiser;
  /** Key prefix of the checkpoints (default 'gs:live-cache'; tests give each system its own). */
  readonly namespace?: string;
  /** Frames kept per auction (default LIVE_HISTORY_LENGTH). */
  readonly historyLength?: number;
  /** How long an ended auction's frames are kept (default ENDED_FRAMES_TTL_SECONDS). */
  readonly endedFramesTtlSeconds?: number;
  /** Where newly parked streams and skipped events are reported. */
  readonly parking?: ParkingReporter;
  /** How old event shapes are upcast (default the domain's upcasters). */
  readonly upcasters?: readonly Upcaster[];
  /** How many auctions' last stored states are remembered (0: read every state from Redis). Default 10 000. */
  readonly rememberedStates?: number;
  /** Where the events of a gap are read (the event log); without it a gap stops the projection (ProjectionGapError). */
  readonly history?: StreamHistory;
  /** Where filled gaps are reported (warn). */
  readonly logger?: Logger;
}

/** The cache's hash holds something that is not a LiveAuction: the projection stops rather than guess. */
export class LiveCacheCorruptError extends Error {
  constructor(readonly auctionId: string, reason: string) {
    super(`live cache of auction ${auctionId} is unreadable: ${reason}`);
    this.name = 'LiveCacheCorruptError';
  }
}

export class RedisLiveCache implements Projector {
  readonly name = LIVE_CACHE_PROJECTOR;
  private readonly redis: RedisClient;
  private readonly namespace: string;
  private readonly historyLength: number;
  private readonly endedTtl: number;
  /** Auction id -> the state this process last stored (or read), oldest first. */
  private readonly remembered = new Map<string, LiveAuction>();
  private readonly maxRemembered: number;

  constructor(private readonly options: RedisLiveCacheOptions) {
    this.maxRemembered = options.rememberedStates ?? 10_000;
    this.redis = options.redis;
    this.namespace = options.namespace ?? 'gs:live-cache';
    this.historyLength = options.historyLength ?? LIVE_HISTORY_LENGTH;
    this.endedTtl = options.endedFramesTtlSeconds ?? ENDED_FRAMES_TTL_SECONDS;
    defineApplyLiveChange(this.redis);
  }

  /** Where the projector has applied up to, per source, for this key layout. */
  checkpointKey(source: string): string {
    return `${this.namespace}:checkpoint:${LIVE_CACHE_LAYOUT}:${source}`;
  }

  async loadCheckpoint(source: string): Promise<string | undefined> {
    return (await this.redis.get(this.checkpointKey(source))) ?? undefined;
  }

  /** The hash of parked streams: field auction id, value the ParkedStream as JSON. */
  parkedKey(): string {
    return `${this.namespace}:parked`;
  }

  async apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void> {
    const groups = groupByAuction(events);
    const auctionIds = [...groups.keys()];
    let plan: LiveBatchPlan;
    try {
      plan = await this.planAndStore(groups, auctionIds, true);
    } catch (error) {
      this.forget(auctionIds);
      if (!(error instanceof ProjectionGapError)) throw error;
      // A remembered state was not the stored one: plan again from what Redis holds (what was
      // stored meanwhile is skipped by the script's version check).
      plan = await this.planAndStore(groups, auctionIds, false);
    }
    const parked = await this.park(plan.parked);
    await this.redis.set(this.checkpointKey(source), position);
    for (const stream of parked) this.options.parking?.parked(stream);
    this.options.parking?.skipped(this.name, plan.skipped);
  }

  /** Plans the batch from the remembered states (when `remembered`) or those read, stores its changes, and remembers the results. */
  private async planAndStore(groups: ReadonlyMap<string, readonly RecordedEvent[]>, auctionIds: readonly string[], remembered: boolean): Promise<LiveBatchPlan> {
    const known = new Map<string, LiveAuction | undefined>();
    const unknown: string[] = [];
    for (const id of auctionIds) {
      const state = remembered ? this.remembered.get(id) : undefined;
      if (state === undefined) unknown.push(id);
      else known.set(id, state);
    }
    const [read, parkedBefore] = await Promise.all([this.readStates(unknown), this.readParked(auctionIds)]);
    for (const [id, state] of read) known.set(id, state);
    const planned = await this.fillFromLog(groups, known, parkedBefore);
    const plan = planLiveBatch(this.name, planned, (id) => known.get(id), (id) => parkedBefore.has(id), this.options.pseudonym, this.options.upcasters);
    if (plan.changes.length > 0) await this.store(plan.changes, known);
    for (const change of plan.changes) known.set(change.auction.auctionId, change.auction);
    const parkedNow = new Set(plan.parked.map((p) => p.auctionId));
    for (const [id, state] of known) {
      if (state === undefined || parkedBefore.has(id) || parkedNow.has(id)) this.remembered.delete(id);
      else this.remember(id, state);
    }
    return plan;
  }

  /** The groups with every gap after the states in `known` filled from the log (when there is one to read). */
  private async fillFromLog(
    groups: ReadonlyMap<string, readonly RecordedEvent[]>, known: ReadonlyMap<string, LiveAuction | undefined>, parked: ReadonlySet<string>,
  ): Promise<ReadonlyMap<string, readonly RecordedEvent[]>> {
    const { history } = this.options;
    if (history === undefined) return groups;
    const filled = await fillGaps(groups, (id) => (parked.has(id) ? undefined : known.get(id)?.version ?? 0), history);
    for (const gap of filled.filled) this.options.logger?.warn(gap, 'live cache: a gap filled from the event log');
    return filled.groups;
  }

  private remember(auctionId: string, state: LiveAuction): void {
    if (this.maxRemembered === 0) return;
    this.remembered.delete(auctionId); // re-inserted at the newest end
    if (this.remembered.size >= this.maxRemembered) {
      const oldest = this.remembered.keys().next();
      if (oldest.done !== true) this.remembered.delete(oldest.value);
    }
    this.remembered.set(auctionId, state);
  }

  private forget(auctionIds: readonly string[]): void {
    for (const id of auctionIds) this.remembered.delete(id);
  }

  /** The streams this cache has parked. */
  async parkedStreams(): Promise<ParkedStream[]> {
    const values = await this.redis.hvals(this.parkedKey());
    return values.map((value) => this.decodeParked(value)).sort(byStreamId);
  }

  private decodeParked(value: string): ParkedStream {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      json = undefined;
    }
    const decoded = ParkedStreamCodec.decode(json);
    if (E.isLeft(decoded)) throw new Error(`unreadable parked stream in ${this.parkedKey()}: ${value.slice(0, 200)}`);
    return decoded.right;
  }

  private async readParked(auctionIds: readonly string[]): Promise<Set<string>> {
    if (auctionIds.length === 0) return new Set();
    const values = await this.redis.hmget(this.parkedKey(), ...auctionIds);
    return new Set(auctionIds.filter((_, i) => values[i] !== null && values[i] !== undefined));
  }

  /** Parks the streams (HSETNX: a redelivery finds them parked); returns those parked now. */
  private async park(toPark: readonly { readonly auctionId: string; readonly stream: ParkedStream }[]): Promise<ParkedStream[]> {
    if (toPark.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { auctionId, stream } of toPark) pipeline.hsetnx(this.parkedKey(), auctionId, JSON.stringify(stream));
    const replies = (await pipeline.exec()) ?? [];
    return toPark.flatMap(({ stream }, i) => {
      const [error, created] = replies[i] ?? [new Error('no reply')];
      if (error) throw error;
      return created === 1 ? [stream] : [];
    });
  }

  private async readStates(auctionIds: readonly string[]): Promise<Map<string, LiveAuction | undefined>> {
    const states = new Map<string, LiveAuction | undefined>();
    if (auctionIds.length === 0) return states;
    const replies = await pipelinePerSlot(this.redis, auctionIds, auctionCacheKey, (pipeline, auctionId) => pipeline.hgetall(auctionCacheKey(auctionId)));
    auctionIds.forEach((auctionId, i) => {
      const [error, hash] = replies[i] ?? [new Error('no reply')];
      if (error) throw error;
      const decoded = decodeLiveAuctionHash(hash as Record<string, string>);
      if (!decoded.ok) throw new LiveCacheCorruptError(auctionId, decoded.reason);
      states.set(auctionId, decoded.auction);
    });
    return states;
  }

  /** One pipeline of scripts (one per slot on a cluster), in batch order (each auction's changes in version order). */
  private async store(changes: readonly LiveChange[], stored: ReadonlyMap<string, LiveAuction | undefined>): Promise<void> {
    const previous = new Map(stored);
    const items = changes.map((change) => {
      const before = previous.get(change.auction.auctionId);
      previous.set(change.auction.auctionId, change.auction);
      return { change, before };
    });
    const replies = await pipelinePerSlot(this.redis, items, ({ change }) => auctionCacheKey(change.auction.auctionId), (pipeline, { change, before }) => {
      const { auction, frame } = change;
      pipeline.gsApplyLiveChange(
        auctionCacheKey(auction.auctionId),
        auctionFramesKey(auction.auctionId),
        auction.version,
        JSON.stringify(frame),
        JSON.stringify(change),
        auctionChannel(auction.auctionId),
        this.historyLength,
        auction.outcome === 'live' ? 0 : this.endedTtl,
        ...changedFields(before, auction),
      );
    });
    changes.forEach((change, i) => {
      const [error, result] = replies[i] ?? [new Error('no reply')];
      if (error) throw error;
      const [status, storedVersion] = result as [number, number];
      if (status === -1) throw new ProjectionGapError(change.auction.auctionId, storedVersion + 1, change.auction.version);
    });
  }
}

/** The hash fields whose value changes (every field for a new auction), as field, value pairs. */
const changedFields = (before: LiveAuction | undefined, after: LiveAuction): string[] => {
  const next = encodeLiveAuctionHash(after);
  const prior = before === undefined ? undefined : encodeLiveAuctionHash(before);
  return Object.entries(next).flatMap(([field, value]) => (prior?.[field] === value ? [] : [field, value]));
};
