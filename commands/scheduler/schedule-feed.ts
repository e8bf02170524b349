// Keeps the closing queue in step with the event log: every event that sets an auction's end time
// schedules it (with its stream version, so late or repeated deliveries cannot undo an
// extension), and every event that ends an auction otherwise takes it off the queue. It follows
// the log itself, so an auction created by any process, or before a crash, is still closed.
// An event it cannot decode (even upcast) is skipped and reported (`onUnreadable`), never retried
// forever: each event's effect on the queue stands alone (versions guard the order), so the
// stream's later events still apply.
import type { EventLog, LogPosition, RecordedEvent, Subscription } from '../../domain/index.js';
import { auctionIdOfStream, decodeStoredEvent } from '../../domain/index.js';
import type { ClosingQueue } from './closing-queue.js';

/** Where the feed has read up to; kept beside the queue (Redis) or in memory (embedded). */
export interface FeedCheckpoint {
  load(): Promise<LogPosition>;
  save(position: LogPosition): Promise<void>;
}

/** An event the feed could not decode, and why: it was skipped. */
export interface UnreadableEvent {
  readonly recorded: RecordedEvent;
  readonly reason: string;
}

/** Applies one event to the queue; an event that does not decode changes nothing and is returned. */
export const applyToQueue = async (queue: ClosingQueue, recorded: RecordedEvent): Promise<UnreadableEvent | undefined> => {
  if (auctionIdOfStream(recorded.streamId) === undefined) return undefined;
  const decoded = decodeStoredEvent(recorded);
  if (decoded._tag === 'Left') return { recorded, reason: decoded.left };
  const event = decoded.right;
  switch (event.type) {
    case 'AuctionCreated':
      await queue.schedule(event.data.auctionId, new Date(event.data.endsAt), recorded.streamVersion);
      return undefined;
    case 'BidPlaced':
      if (event.data.extended) await queue.schedule(event.data.auctionId, new Date(event.data.endsAt), recorded.streamVersion);
      return undefined;
    case 'AuctionClosed':
      await queue.complete(event.data.auctionId);
      return undefined;
    case 'AuctionCancelled':
    case 'AuctionBoughtNow':
      await queue.remove(event.data.auctionId);
      return;
  }
  return undefined;
};

export const startScheduleFeed = async (
  log: EventLog,
  queue: ClosingQueue,
  checkpoint: FeedCheckpoint,
  onError: (error: unknown) => void,
  onUnreadable: (unreadable: UnreadableEvent) => void = () => undefined,
): Promise<Subscription> =>
  log.subscribeToAll({
    after: await checkpoint.load(),
    onEvents: async (events) => {
      for (const event of events) {
        const unreadable = await applyToQueue(queue, event);
        if (unreadable !== undefined) onUnreadable(unreadable);
      }
      const last = events[events.length - 1];
      if (last !== undefined) await checkpoint.save(last.position);
    },
    onError,
  });
