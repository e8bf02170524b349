// The signed-in users of one node: per user, one subscription to the notification feed however
// many of the user's sockets are open here (counted), its notifications published to the uWS topic
// of that user alone, which only that user's signed-in sockets join.
import type { NotificationFeed } from '../contracts/index.js';
import type { Logger } from '../infra/index.js';

interface Entry {
  sockets: number;
  /** The feed's subscription: resolves to the function that ends it. */
  readonly subscription: Promise<() => Promise<void>>;
}

export class UserRelays {
  private readonly users = new Map<string, Entry>();

  constructor(
    private readonly feed: NotificationFeed,
    private readonly publish: (topic: string, text: string, kind: string) => void,
    private readonly logger: Logger,
  ) {}

  /** The uWS topic of a user's notifications. */
  static topicOf(userId: string): string {
    return `user:${userId}`;
  }

  /** One more socket of `userId`: resolves once its notifications flow (rejects when the feed failed; the socket is then not counted). */
  async join(userId: string): Promise<void> {
    let entry = this.users.get(userId);
    if (entry === undefined) {
      const topic = UserRelays.topicOf(userId);
      entry = {
        sockets: 0,
        subscription: this.feed.subscribeUser(userId, (notification) => this.publish(topic, JSON.stringify(notification), 'notification')),
      };
      this.users.set(userId, entry);
    }
    entry.sockets += 1;
    try {
      await entry.subscription;
    } catch (error) {
      this.leave(userId);
      throw error;
    }
  }

  /** One socket of `userId` fewer: the last one ends the subscription. */
  leave(userId: string): void {
    const entry = this.users.get(userId);
    if (entry === undefined) return;
    entry.sockets -= 1;
    if (entry.sockets > 0) return;
    this.users.delete(userId);
    entry.subscription
      .then((end) => end())
      .catch((err: unknown) => this.logger.warn({ err, userId }, 'notifications: leaving a user\'s feed failed'));
  }

  /** Users with a signed-in socket here. */
  get size(): number {
    return this.users.size;
  }
}
