// The LiveFeed on Redis: the cache's hash and frames set (read on the shared connection) and its
// pub/sub channels (on the node's subscriber connection, redis-channels.ts, which it opens and
// closes). A change lost between reconnections without a sign is found at the auction's next
// change, whose version does not follow (the relay reads what it lacks).
import { randomUUID } from 'node:crypto';
import type { AuctionUpdated } from '../domain/index.js';
import type { LiveAuction, LiveChange, LiveFeed } from '../contracts/index.js';
import { AuctionUpdated as AuctionUpdatedCodec } from '../domain/index.js';
import { LiveChange as LiveChangeCodec, auctionCacheKey, auctionChannel, auctionFramesKey, decodeLiveAuctionHash } from '../contracts/index.js';
import type { Logger, RedisClient, RedisTarget } from '../infra/index.js';
import { decodeJsonText, openRedisTarget } from '../infra/index.js';
import { RedisChannels } from './redis-channels.js';

export interface RedisLiveFeedOptions {
  /** A command connection (shared with the process's other Redis users). */
  readonly redis: RedisClient;
  /** The node's pub/sub on its dedicated subscriber connection (this feed closes it). */
  readonly channels: RedisChannels;
  readonly logger?: Logger;
}

/** Opens the subscriber connection on the target (the server or cluster `redis` is on) and builds the feed. */
export const openRedisLiveFeed = async (target: RedisTarget, redis: RedisClient, logger?: Logger): Promise<RedisLiveFeed> => {
  // Named per node, so an operator (or a test) can tell the nodes' subscriber connections apart.
  const name = `gavelstream-realtime-${randomUUID().slice(0, 8)}`;
  const subscriber = await openRedisTarget(target, name, { maxRetriesPerRequest: null, ...(logger !== undefined ? { logger } : {}) });
  return new RedisLiveFeed({ redis, channels: new RedisChannels(subscriber, logger), ...(logger !== undefined ? { logger } : {}) });
};

export class RedisLiveFeed implements LiveFeed {
  private readonly redis: RedisClient;
  /** The node's pub/sub (the notification feed subscribes users' channels on it too). */
  readonly channels: RedisChannels;
  private readonly logger: Logger | undefined;

  constructor(options: RedisLiveFeedOptions) {
    this.redis = options.redis;
    this.channels = options.channels;
    this.logger = options.logger;
  }

  /** The subscriber connection's name (CLIENT LIST). */
  get connectionName(): string | undefined {
    return this.channels.connectionName;
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
      const frame = decodeJsonText(AuctionUpdatedCodec, member);
      if (frame === undefined) {
        // A frame stored by an older version (one without fields frames carry now, such as
        // minimumBid): the history cannot be replayed as it is, so the client gets a snapshot.
        this.logger?.warn({ auctionId }, 'live cache: a stored frame is not a current auction.updated frame; answering with a snapshot');
        return undefined;
      }
      frames.push(frame);
    }
    if (version >= latest) return [];
    // The kept history must start right after `version` and run without a hole.
    if (frames.length === 0 || frames.some((frame, i) => frame.version !== version + 1 + i)) return undefined;
    return frames;
  }

  subscribe(auctionId: string, onChange: (change: LiveChange) => void, onGap?: () => void): Promise<() => Promise<void>> {
    const channel = auctionChannel(auctionId);
    return this.channels.subscribe(channel, {
      onMessage: (message) => {
        const change = decodeJsonText(LiveChangeCodec, message);
        if (change !== undefined) {
          onChange(change);
          return;
        }
        // A message we cannot read is a lost change: the listener re-reads the cache.
        this.logger?.warn({ channel }, 'live feed: unreadable message');
        onGap?.();
      },
      onGap,
    });
  }

  /** How many channels this node is subscribed to. */
  subscribedChannels(): number {
    return this.channels.size;
  }

  close(): Promise<void> {
    return this.channels.close();
  }
}
