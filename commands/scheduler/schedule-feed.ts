// Keeps the closing queue in step with the event log: every event that sets an auction's end time
// schedules it (with its stream version, so late or repeated deliveries cannot undo an
// extension), and every event that ends an auction otherwise takes it off the queue. It follows
// the log itself, so an auction created by any process, or before a crash, is still closed.
import type { EventLog, LogPosition, RecordedEvent, Subscription } from '../../domain/index.js';
import { auctionIdOfStream, decodeStoredEvent } from '../../domain/index.js';
import type { ClosingQueue } from './closing-queue.js';

/** Where the feed has read up to; kept beside the queue (Redis) or in memory (embedded). */
export interface FeedCheckpoint {
  load(): Promise<LogPosition>;
  save(position: LogPosition): Promise<void>;
}

export const applyToQueue = async (queue: ClosingQueue, recorded: RecordedEvent): Promise<void> => {
  if (auctionIdOfStream(recorded.streamId) === undefined) return;
  const decoded = decodeStoredEvent(recorded);
  if (decoded._tag === 'Left') throw new Error(`${recorded.streamId}@${recorded.streamVersion}: ${decoded.left}`);
  const event = decoded.right;
  switch (event.type) {
    case 'AuctionCreated':
      await queue.schedule(event.data.auctionId, new Date(event.data.endsAt), recorded.streamVersion);
      return;
    case 'BidPlaced':
      if (event.data.extended) await queue.schedule(event.data.auctionId, new Date(event.data.endsAt), recorded.streamVersion);
      return;
    case 'AuctionClosed':
      await queue.complete(event.data.auctionId);
      return;
    case 'AuctionCancelled':
    case 'AuctionBoughtNow':
      await queue.remove(event.data.auctionId);
      return;
  }
};

export const startScheduleFeed = async (
  log: EventLog,
  queue: ClosingQueue,
  checkpoint: FeedCheckpoint,
  onError: (error: unknown) => void,
): Promise<Subscription> =>
  log.subscribeToAll({
    after: await checkpoint.load(),
    onEvents: async (events) => {
      for (const event of events) await applyToQueue(queue, event);
      const last = events[events.length - 1];
      if (last !== undefined) await checkpoint.save(last.position);
    },
    onError,
  });
