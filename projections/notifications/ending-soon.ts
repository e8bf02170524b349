// Ending-soon notices: each live auction waits in a due queue until `leadMs` before its end (moved
// by soft-close extensions), then its bidders and watchers hear that it ends soon, once. The queue
// is the closing queue's kind (commands/scheduler: Redis, or in memory), under its own name, given
// by the composition root: claims make one process send each auction's notice, and a completed
// auction is not scheduled again. The worker reads the auction from the event log when it is due.
import type { NoticeState, Upcaster } from '../../domain/index.js';
import { endingSoonAt, fromMillis } from '../../domain/index.js';
import type { NotificationSink } from '../../contracts/index.js';
import type { Logger } from '../../infra/index.js';
import type { StreamHistory } from '../runtime/index.js';
import { foldNoticeState, notificationsFor } from './notifier.js';

/** The due queue's operations the ending-soon notices use (ClosingQueue's, by structure). */
export interface DueQueue {
  schedule(auctionId: string, at: Date, version: number): Promise<boolean>;
  remove(auctionId: string): Promise<void>;
  claimDue(now: Date, limit: number, leaseMs: number): Promise<string[]>;
  release(auctionId: string, now: Date, retryAt: Date): Promise<void>;
  complete(auctionId: string): Promise<void>;
}

/** What the notifier tells the schedule after each event of an auction. */
export interface EndingSoonSchedule {
  follow(before: NoticeState | undefined, after: NoticeState): Promise<void>;
}

/** Schedules an auction's ending-soon moment when it is created or its end moves; forgets it once it ended. */
export const endingSoonSchedule = (queue: DueQueue, leadMs: number): EndingSoonSchedule => ({
  follow: async (before, after) => {
    const at = endingSoonAt(after, leadMs);
    if (at === null) {
      if (before?.outcome === 'live') await queue.remove(after.auctionId);
      return;
    }
    if (before?.endsAt !== after.endsAt) await queue.schedule(after.auctionId, new Date(at), after.version);
  },
});

export interface EndingSoonWorkerOptions {
  readonly queue: DueQueue;
  readonly leadMs: number;
  readonly history: StreamHistory;
  readonly watchers: (auctionId: string) => Promise<readonly string[]>;
  readonly sink: NotificationSink;
  readonly now?: () => Date;
  /** How often the queue is asked for due auctions (default 1000 ms). */
  readonly intervalMs?: number;
  /** How long a claim lasts before another process may take it (default 30 s). */
  readonly leaseMs?: number;
  readonly upcasters?: readonly Upcaster[];
  readonly logger?: Logger;
}

/** Claims the auctions that are due and sends their notices; `stop` waits for the round in progress. */
export const startEndingSoonWorker = (options: EndingSoonWorkerOptions): { stop(): Promise<void>; tick(): Promise<void> } => {
  const now = options.now ?? (() => new Date());
  const leaseMs = options.leaseMs ?? 30_000;
  const one = async (auctionId: string, at: Date): Promise<void> => {
    const state = foldNoticeState(await options.history(auctionId, 1), options.upcasters);
    const due = state === undefined ? null : endingSoonAt(state, options.leadMs);
    if (state === undefined || due === null) {
      await options.queue.complete(auctionId);
      return;
    }
    if (due > at.getTime()) {
      await options.queue.release(auctionId, at, new Date(due));
      return;
    }
    const users = [...state.bidders, ...(await options.watchers(auctionId))];
    const sent = notificationsFor(state, 'ending-soon', users, `ending-soon:${auctionId}`, fromMillis(due));
    if (sent.length > 0) await options.sink.publish(sent);
    await options.queue.complete(auctionId);
  };
  const tick = async (): Promise<void> => {
    const at = now();
    const due = await options.queue.claimDue(at, 50, leaseMs);
    for (const auctionId of due) {
      try {
        await one(auctionId, at);
      } catch (err) {
        // The claim lapses and the auction is offered again.
        options.logger?.warn({ err, auctionId }, 'ending-soon: sending the notice failed');
      }
    }
  };
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(tick).catch((err: unknown) => options.logger?.warn({ err }, 'ending-soon: claiming due auctions failed'));
  }, options.intervalMs ?? 1_000);
  timer.unref();
  return {
    tick: () => (running = running.then(tick)),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
};
