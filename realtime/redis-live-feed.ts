// The LiveFeed on Redis: the cache's hash and frames set (read on the shared connection) and its
// pub/sub channels (one dedicated subscriber connection per node). One SUBSCRIBE per channel
// however many local listeners; UNSUBSCRIBE when the last one leaves. Pub/sub delivers at most
// once: after a reconnection, the channels are subscribed again and every listener's `onGap` runs.
// On a Redis Cluster, the subscriber is a Cluster client: ioredis subscribes through one node of
// its choice (PUBLISH reaches every node over the cluster bus), and when that node goes, through
// another, subscribing again by itself; a node leaving the cluster's view counts as a reconnection
// here (`onGap`). A change lost in between without such a sign is found at the auction's next
// change, whose version does not follow (the relay reads what it lacks).
import { randomUUID } from 'node:crypto';
import type { AuctionUpdated } from '../domain/index.js';
import type { LiveAuction, LiveChange, LiveFeed } from '../contracts/index.js';
import { AuctionUpdated as AuctionUpdatedCodec } from '../domain/index.js';
import { LiveChange as LiveChangeCodec, auctionCacheKey, auctionChannel, auctionFramesKey, decodeLiveAuctionHash } from '../contracts/index.js';
import type { Logger, RedisClient, RedisTarget } from '../infra/index.js';
import { closeRedis, isCluster, openRedisTarget } from '../infra/index.js';

interface Listener {
  readonly onChange: (change: LiveChange) => void;
  readonly onGap: (() => void) | undefined;
}

interface Channel {
  readonly listeners: Set<Listener>;
  /** Settles once Redis confirmed the SUBSCRIBE. */
  readonly active: Promise<void>;
}

export interface RedisLiveFeedOptions {
  /** A command connection (shared with the process's other Redis users). */
  readonly redis: RedisClient;
  /** The dedicated subscriber connection (this feed closes it): one server's, or a Cluster client. */
  readonly subscriber: RedisClient;
  readonly logger?: Logger;
}

/** Opens the subscriber connection on the target (the server or cluster `redis` is on) and builds the feed. */
export const openRedisLiveFeed = async (target: RedisTarget, redis: RedisClient, logger?: Logger): Promise<RedisLiveFeed> => {
  // Named per node, so an operator (or a test) can tell the nodes' subscriber connections apart.
  const name = `gavelstream-realtime-${randomUUID().slice(0, 8)}`;
  const subscriber = await openRedisTarget(target, name, { maxRetriesPerRequest: null, ...(logger !== undefined ? { logger } : {}) });
  return new RedisLiveFeed({ redis, subscriber, ...(logger !== undefined ? { logger } : {}) });
};

const parseChange = (message: string): LiveChange | undefined => {
  try {
    const decoded = LiveChangeCodec.decode(JSON.parse(message));
    return decoded._tag === 'Right' ? decoded.right : undefined;
  } catch {
    return undefined;
  }
};

export class RedisLiveFeed implements LiveFeed {
  private readonly redis: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly logger: Logger | undefined;
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  constructor(options: RedisLiveFeedOptions) {
    this.redis = options.redis;
    this.subscriber = options.subscriber;
    this.logger = options.logger;
    this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    // 'ready' follows every (re)connection; the first one happened before we were handed the client.
    const resubscribe = (): void => {
      this.resubscribed().catch((err: unknown) => this.logger?.warn({ err }, 'live feed: resubscribing failed'));
    };
    this.subscriber.on('ready', resubscribe);
    // On a cluster, the node ioredis subscribed through may be the one that left.
    if (isCluster(this.subscriber)) this.subscriber.on('-node', resubscribe);
  }

  /** The subscriber connection's name (CLIENT LIST). */
  get connectionName(): string | undefined {
    return isCluster(this.subscriber) ? this.subscriber.options.redisOptions?.connectionName : this.subscriber.options.connectionName;
  }

  async current(auctionId: string): Promise<LiveAuction | undefined> {
    const decoded = decodeLiveAuctionHash(await this.redis.hgetall(auctionCacheKey(auctionId)));
    if (!decoded.ok) throw new Error(`live cache of auction ${auctionId} is unreadable: ${decoded.reason}`);
    return decoded.auction;
  }

  async framesAfter(auctionId: string, version: number): Promise<readonly AuctionUpdated[] | undefined> {
    // One transaction, so the stored version and the frames describe the same moment.
    const replies = await this.redis.multi()
      .hget(auctionCacheKey(auctionId), 'version')
      .zrangebyscore(auctionFramesKey(auctionId), `(${version}`, '+inf')
      .exec();
    const [versionReply, framesReply] = replies ?? [];
    if (versionReply?.[0]) throw versionReply[0];
    if (framesReply?.[0]) throw framesReply[0];
    const latest = versionReply?.[1] === null || versionReply?.[1] === undefined ? 0 : Number(versionReply[1]);
    const frames: AuctionUpdated[] = [];
    for (const member of (framesReply?.[1] ?? []) as string[]) {
      const decoded = AuctionUpdatedCodec.decode(JSON.parse(member));
      if (decoded._tag === 'Left') throw new Error(`live cache of auction ${auctionId}: a stored frame is unreadable`);
      frames.push(decoded.right);
    }
    if (version >= latest) return [];
    // The kept history must start right after `version` and run without a hole.
    if (frames.length === 0 || frames.some((frame, i) => frame.version !== version + 1 + i)) return undefined;
    return frames;
  }

  async subscribe(auctionId: string, onChange: (change: LiveChange) => void, onGap?: () => void): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('the live feed is closed');
    const name = auctionChannel(auctionId);
    let channel = this.channels.get(name);
    if (channel === undefined) {
      channel = { listeners: new Set(), active: this.subscriber.subscribe(name).then(() => undefined) };
      this.channels.set(name, channel);
    }
    const listener: Listener = { onChange, onGap };
    channel.listeners.add(listener);
    const leave = async (): Promise<void> => {
      const current = this.channels.get(name);
      if (current === undefined || !current.listeners.delete(listener) || current.listeners.size > 0) return;
      this.channels.delete(name);
      // Commands on one connection run in order: a later SUBSCRIBE of the same channel wins.
      if (!this.closed) await this.subscriber.unsubscribe(name).catch((err: unknown) => this.logger?.warn({ err, channel: name }, 'live feed: UNSUBSCRIBE failed'));
    };
    try {
      await channel.active;
    } catch (error) {
      await leave();
      throw error;
    }
    return leave;
  }

  /** How many channels this node is subscribed to. */
  subscribedChannels(): number {
    return this.channels.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    await closeRedis(this.subscriber);
  }

  private deliver(channelName: string, message: string): void {
    const channel = this.channels.get(channelName);
    if (channel === undefined) return;
    const change = parseChange(message);
    if (change === undefined) {
      // A message we cannot read is a lost change: the listeners re-read the cache.
      this.logger?.warn({ channel: channelName }, 'live feed: unreadable message');
      for (const listener of channel.listeners) this.call(() => listener.onGap?.());
      return;
    }
    for (const listener of channel.listeners) this.call(() => listener.onChange(change));
  }

  private call(callback: () => void): void {
    try {
      callback();
    } catch (err) {
      this.logger?.error({ err }, 'live feed: a listener failed');
    }
  }

  /** After a reconnection: SUBSCRIBE again (ioredis does too; ours tells us when it is active), then report the gap. */
  private async resubscribed(): Promise<void> {
    if (this.closed) return;
    const names = [...this.channels.keys()];
    if (names.length > 0) await this.subscriber.subscribe(...names);
    this.logger?.info({ channels: names.length }, 'live feed: resubscribed after a reconnection');
    for (const name of names) for (const listener of this.channels.get(name)?.listeners ?? []) this.call(() => listener.onGap?.());
  }
}
