// The notifier: a projector that turns each delivered event into the personal notifications the
// domain says it gives (`noticesOf` in domain/notices.ts), adds the auction's watchers where the
// kind asks for them, and sends them (NotificationSink: Redis pub/sub, or in memory). It keeps each
// auction's notice state in a bounded map; an auction it has not seen, or one whose delivered
// events do not follow what it holds, is completed from the event log (`history`), folded without
// notifying: only delivered events notify. Delivery is at least once (a batch delivered again
// after a crash notifies again, with the same ids); an event older than `maxAgeMs` when it arrives
// (a projection started from the log's beginning, a long outage) updates the state but tells
// nobody: a notification is worth sending only while it is news.
import { createHash } from 'node:crypto';
import type { AuctionEvent, NoticeKind, NoticeState, RecordedEvent, Upcaster, UtcTimestamp } from '../../domain/index.js';
import { decodeStoredEvent, evolveNotices, fromMillis, noticesOf, upcasters, watcherNoticeOf } from '../../domain/index.js';
import type { NotificationFrame, NotificationSink, UserNotification } from '../../contracts/index.js';
import type { Logger } from '../../infra/index.js';
import type { Projector, StreamHistory } from '../runtime/index.js';
import { eventsAfter, fillGaps, groupByAuction } from '../runtime/index.js';
import type { EndingSoonSchedule } from './ending-soon.js';

export const NOTIFIER_PROJECTOR = 'notifier';

/** Where the notifier keeps its checkpoints (Redis, or in memory). */
export interface CheckpointStore {
  load(source: string): Promise<string | undefined>;
  save(source: string, position: string): Promise<void>;
}

export interface NotifierOptions {
  readonly sink: NotificationSink;
  /** The event log's streams: what the notifier has not seen of an auction. */
  readonly history: StreamHistory;
  /** Who watches an auction (the watchlist table). */
  readonly watchers: (auctionId: string) => Promise<readonly string[]>;
  readonly checkpoints: CheckpointStore;
  /** Where ending-soon moments are scheduled (absent: none are). */
  readonly endingSoon?: EndingSoonSchedule;
  /** The notifier's clock (the age of an event). Default: the system clock. */
  readonly now?: () => number;
  /** Events older than this when delivered notify nobody (default 5 minutes). */
  readonly maxAgeMs?: number;
  /** How many auctions' states are kept (default 10 000); others are read again from the log. */
  readonly rememberedAuctions?: number;
  readonly upcasters?: readonly Upcaster[];
  readonly logger?: Logger;
}

/** The same id for the same notice of the same event, however often it is sent. */
export const notificationId = (cause: string, kind: NoticeKind, userId: string): string =>
  createHash('sha256').update(`${cause}\u0000${kind}\u0000${userId}`).digest('base64url').slice(0, 22);

/** The notification frames of `kind` about `state`, one per user (each user once). */
export const notificationsFor = (state: NoticeState, kind: NoticeKind, users: Iterable<string>, cause: string, at: UtcTimestamp): UserNotification[] =>
  [...new Set(users)].map((userId) => {
    const notification: NotificationFrame = {
      type: 'notification',
      id: notificationId(cause, kind, userId),
      kind,
      auctionId: state.auctionId,
      title: state.title,
      currency: state.currency,
      currentPrice: state.currentPrice,
      endsAt: state.endsAt,
      at,
    };
    return { userId, notification };
  });

export class Notifier implements Projector {
  readonly name = NOTIFIER_PROJECTOR;
  private readonly states = new Map<string, NoticeState>();
  private readonly maxRemembered: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly registry: readonly Upcaster[];

  constructor(private readonly options: NotifierOptions) {
    this.maxRemembered = options.rememberedAuctions ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
    this.registry = options.upcasters ?? upcasters;
  }

  loadCheckpoint(source: string): Promise<string | undefined> {
    return this.options.checkpoints.load(source);
  }

  async apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void> {
    const groups = groupByAuction(events);
    const delivered = new Set(events.map((e) => e.eventId));
    const completed = await fillGaps(groups, (id) => this.states.get(id)?.version ?? 0, this.options.history);
    const out: UserNotification[] = [];
    for (const [auctionId, group] of completed.groups) {
      let state = this.states.get(auctionId);
      for (const recorded of eventsAfter(auctionId, state?.version ?? 0, group)) {
        const decoded = decodeStoredEvent(recorded, this.registry);
        if (decoded._tag === 'Left') {
          // Nothing to tell from an event nobody can read; the auction is read again from the log next time.
          this.options.logger?.warn({ auctionId, version: recorded.streamVersion, reason: decoded.left }, 'notifier: an event cannot be read; its auction is skipped');
          state = undefined;
          break;
        }
        const event = decoded.right;
        const before = state;
        state = evolveNotices(before, event, recorded.streamVersion);
        if (state === undefined) break;
        if (delivered.has(recorded.eventId) && this.isNews(recorded)) out.push(...(await this.notify(before, event, state, recorded)));
        await this.options.endingSoon?.follow(before, state);
      }
      this.remember(auctionId, state);
    }
    if (out.length > 0) await this.options.sink.publish(out);
    await this.options.checkpoints.save(source, position);
  }

  private isNews(recorded: RecordedEvent): boolean {
    return this.now() - Date.parse(recorded.metadata.serverTime) <= this.maxAgeMs;
  }

  private async notify(before: NoticeState | undefined, event: AuctionEvent, after: NoticeState, recorded: RecordedEvent): Promise<UserNotification[]> {
    const byKind = new Map<NoticeKind, string[]>();
    const add = (kind: NoticeKind, users: readonly string[]) => byKind.set(kind, [...(byKind.get(kind) ?? []), ...users]);
    for (const { userId, kind } of noticesOf(before, event)) add(kind, [userId]);
    const toWatchers = watcherNoticeOf(before, event);
    if (toWatchers !== undefined) add(toWatchers, await this.options.watchers(after.auctionId));
    return [...byKind].flatMap(([kind, users]) => notificationsFor(after, kind, users, recorded.eventId, fromMillis(Date.parse(recorded.metadata.serverTime))));
  }

  private remember(auctionId: string, state: NoticeState | undefined): void {
    this.states.delete(auctionId); // re-inserted at the newest end
    if (state === undefined || this.maxRemembered === 0) return;
    if (this.states.size >= this.maxRemembered) {
      const oldest = this.states.keys().next();
      if (oldest.done !== true) this.states.delete(oldest.value);
    }
    this.states.set(auctionId, state);
  }
}

/** An auction's notice state folded from its recorded events (undefined when one cannot be read, or before it exists). */
export const foldNoticeState = (events: readonly RecordedEvent[], registry: readonly Upcaster[] = upcasters): NoticeState | undefined => {
  let state: NoticeState | undefined;
  for (const recorded of events) {
    const decoded = decodeStoredEvent(recorded, registry);
    if (decoded._tag === 'Left') return undefined;
    state = evolveNotices(state, decoded.right, recorded.streamVersion);
  }
  return state;
};
