// Personal notifications between the notifier (projections/notifications/, their writer) and the
// realtime nodes (their readers): the frame a user's sockets get, the Redis channel of each user,
// and the ports on both sides (in memory in embedded mode, Redis pub/sub otherwise).
import * as t from 'io-ts';
import { MinorUnits, NoticeKind, UtcTimestamp } from '../domain/index.js';

/**
 * What a signed-in socket receives, for its user alone (DESIGN.md section 6). `id` is the same
 * however often the notifier delivers it (a redelivered event), so a client keeps each id once.
 * Public facts of the auction only: the price as the public sees it, never anyone's maximum.
 */
export const NotificationFrame = t.type({
  type: t.literal('notification'),
  id: t.string,
  kind: NoticeKind,
  auctionId: t.string,
  title: t.string,
  currency: t.string,
  currentPrice: MinorUnits,
  endsAt: UtcTimestamp,
  /** When it happened: the server time of the event (or of the ending-soon moment). */
  at: UtcTimestamp,
}, 'NotificationFrame');
export type NotificationFrame = t.TypeOf<typeof NotificationFrame>;

/** One notification and whom it is for. */
export interface UserNotification {
  readonly userId: string;
  readonly notification: NotificationFrame;
}

/** Redis pub/sub channel of one user's notifications (NotificationFrame JSON). */
export const userNotificationChannel = (userId: string): string => `gs:notify:${userId}`;

/** Where the notifier sends notifications. */
export interface NotificationSink {
  publish(notifications: readonly UserNotification[]): Promise<void>;
}

/** What a realtime node reads: one user's notifications from now on (at most once, as pub/sub). */
export interface NotificationFeed {
  /** Resolves once the subscription is active, with the function that ends it. */
  subscribeUser(userId: string, onNotification: (notification: NotificationFrame) => void): Promise<() => Promise<void>>;
}
