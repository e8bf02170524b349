// A realtime node's Redis pub/sub, on one dedicated subscriber connection: one SUBSCRIBE per
// channel however many local listeners, UNSUBSCRIBE when the last one leaves. Pub/sub delivers at
// most once: after a reconnection the channels are subscribed again and every listener's `onGap`
// runs. On a Redis Cluster the subscriber is a Cluster client: ioredis subscribes through one node
// of its choice (PUBLISH reaches every node over the cluster bus), and when that node goes, through
// another, subscribing again by itself; a node leaving the cluster's view counts as a reconnection.
// The live feed (auction channels) and the notification feed (user channels) share it.
import type { Logger, RedisClient } from '../infra/index.js';
import { closeRedis, isCluster } from '../infra/index.js';

export interface ChannelListener {
  readonly onMessage: (message: string) => void;
  readonly onGap?: (() => void) | undefined;
}

interface Channel {
  readonly listeners: Set<ChannelListener>;
  /** Settles once Redis confirmed the SUBSCRIBE. */
  readonly active: Promise<void>;
}

export class RedisChannels {
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  constructor(private readonly subscriber: RedisClient, private readonly logger?: Logger) {
    this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    // 'ready' follows every (re)connection; the first one happened before we were handed the client.
    const resubscribe = (): void => {
      this.resubscribed().catch((err: unknown) => this.logger?.warn({ err }, 'pub/sub: resubscribing failed'));
    };
    this.subscriber.on('ready', resubscribe);
    // On a cluster, the node ioredis subscribed through may be the one that left.
    if (isCluster(this.subscriber)) this.subscriber.on('-node', resubscribe);
  }

  /** The subscriber connection's name (CLIENT LIST). */
  get connectionName(): string | undefined {
    return isCluster(this.subscriber) ? this.subscriber.options.redisOptions?.connectionName : this.subscriber.options.connectionName;
  }

  /** How many channels this node is subscribed to. */
  get size(): number {
    return this.channels.size;
  }

  /** Listens to `name` from now on; resolves once Redis confirmed, with the function that leaves. */
  async subscribe(name: string, listener: ChannelListener): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('the pub/sub connection is closed');
    let channel = this.channels.get(name);
    if (channel === undefined) {
      channel = { listeners: new Set(), active: this.subscriber.subscribe(name).then(() => undefined) };
      this.channels.set(name, channel);
    }
    channel.listeners.add(listener);
    const leave = async (): Promise<void> => {
      const current = this.channels.get(name);
      if (current === undefined || !current.listeners.delete(listener) || current.listeners.size > 0) return;
      this.channels.delete(name);
      // Commands on one connection run in order: a later SUBSCRIBE of the same channel wins.
      if (!this.closed) await this.subscriber.unsubscribe(name).catch((err: unknown) => this.logger?.warn({ err, channel: name }, 'pub/sub: UNSUBSCRIBE failed'));
    };
    try {
      await channel.active;
    } catch (error) {
      await leave();
      throw error;
    }
    return leave;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    await closeRedis(this.subscriber);
  }

  private deliver(name: string, message: string): void {
    for (const listener of this.channels.get(name)?.listeners ?? []) this.call(() => listener.onMessage(message));
  }

  private call(callback: () => void): void {
    try {
      callback();
    } catch (err) {
      this.logger?.error({ err }, 'pub/sub: a listener failed');
    }
  }

  /** After a reconnection: SUBSCRIBE again (ioredis does too; ours tells us when it is active), then report the gap. */
  private async resubscribed(): Promise<void> {
    if (this.closed) return;
    const names = [...this.channels.keys()];
    if (names.length > 0) await this.subscriber.subscribe(...names);
    this.logger?.info({ channels: names.length }, 'pub/sub: resubscribed after a reconnection');
    for (const name of names) for (const listener of this.channels.get(name)?.listeners ?? []) this.call(() => listener.onGap?.());
  }
}
