// The notification feed on Redis: a user's channel (`userNotificationChannel`) on the node's pub/sub
// connection, shared with the live feed. Delivery is at most once; a message that is not a
// notification frame is dropped with a warning (nothing of it reaches a socket).
import type { NotificationFeed } from '../contracts/index.js';
import { NotificationFrame, userNotificationChannel } from '../contracts/index.js';
import type { Logger } from '../infra/index.js';
import { decodeJsonText } from '../infra/index.js';
import type { RedisChannels } from './redis-channels.js';

export const redisNotificationFeed = (channels: RedisChannels, logger?: Logger): NotificationFeed => ({
  subscribeUser: (userId, onNotification) => {
    const channel = userNotificationChannel(userId);
    return channels.subscribe(channel, {
      onMessage: (message) => {
        const notification = decodeJsonText(NotificationFrame, message);
        if (notification === undefined) logger?.warn({ channel }, 'notification feed: unreadable message dropped');
        else onNotification(notification);
      },
    });
  },
});
