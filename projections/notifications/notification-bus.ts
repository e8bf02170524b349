// Where notifications go: Redis pub/sub (one channel per user, `userNotificationChannel`), or, in
// embedded mode, an in-memory bus that is both the notifier's sink and the realtime node's feed.
import type { NotificationFeed, NotificationFrame, NotificationSink, UserNotification } from '../../contracts/index.js';
import { userNotificationChannel } from '../../contracts/index.js';
import type { Logger, RedisClient } from '../../infra/index.js';
import { KeyedListeners } from '../../infra/index.js';

/** PUBLISHes each notification on its user's channel, in one pipeline (at most once, as pub/sub). */
export const redisNotificationSink = (redis: RedisClient): NotificationSink => ({
  publish: async (notifications) => {
    if (notifications.length === 0) return;
    const pipeline = redis.pipeline();
    for (const { userId, notification } of notifications) pipeline.publish(userNotificationChannel(userId), JSON.stringify(notification));
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  },
});

/** The in-memory bus of embedded mode: what is published reaches the listeners of its user, in order. */
export class MemoryNotificationBus implements NotificationSink, NotificationFeed {
  private readonly listeners = new KeyedListeners<(notification: NotificationFrame) => void>();

  constructor(private readonly logger?: Logger) {}

  publish(notifications: readonly UserNotification[]): Promise<void> {
    for (const { userId, notification } of notifications) {
      for (const listener of this.listeners.of(userId)) {
        try {
          listener(notification);
        } catch (err) {
          this.logger?.error({ err }, 'notifications: a listener failed');
        }
      }
    }
    return Promise.resolve();
  }

  subscribeUser(userId: string, onNotification: (notification: NotificationFrame) => void): Promise<() => Promise<void>> {
    return this.listeners.add(userId, (n: NotificationFrame) => onNotification(n));
  }
}
