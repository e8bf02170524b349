// Personal notifications in a process: the notifier (projector role: events -> notifications,
// sent over Redis pub/sub or the in-memory bus) with its ending-soon worker (the due queue in Redis,
// or in memory), and how a realtime node verifies a socket's auth frame (the HTTP API's tokens).
import { decodeJwt } from 'jose';
import type { NotificationSink } from '../../contracts/index.js';
import { streamIdOf } from '../../domain/index.js';
import { InMemoryClosingQueue, RedisClosingQueue, createWatchlistStore } from '../../commands/index.js';
import { tokenVerifierFor } from '../../infra/index.js';
import type { RedisClient } from '../../infra/index.js';
import { Notifier, endingSoonSchedule, startEndingSoonWorker } from '../../projections/index.js';
import type { CheckpointStore, EventSource, StreamHistory } from '../../projections/index.js';
import type { SocketTokenVerifier } from '../../realtime/index.js';
import type { Resources } from './resources.js';
import type { Shutdown } from './shutdown.js';

const redisCheckpoints = (redis: RedisClient, namespace: string): CheckpointStore => ({
  load: async (source) => (await redis.get(`${namespace}:checkpoint:${source}`)) ?? undefined,
  save: async (source, position) => {
    await redis.set(`${namespace}:checkpoint:${source}`, position);
  },
});

const memoryCheckpoints = (): CheckpointStore => {
  const positions = new Map<string, string>();
  return { load: (source) => Promise.resolve(positions.get(source)), save: (source, position) => Promise.resolve(void positions.set(source, position)) };
};

export interface NotifierRoleOptions {
  readonly source: EventSource;
  readonly sink: NotificationSink;
  readonly history: StreamHistory;
  /** Redis key prefix of the notifier's checkpoints and ending-soon queue (tests give each system its own). */
  readonly namespace?: string;
  readonly clock?: () => Date;
}

/** Starts the notifier on `source` and the ending-soon worker; both stop with the pipelines. */
export const startNotifier = async (r: Resources, shutdown: Shutdown, options: NotifierRoleOptions): Promise<void> => {
  const namespace = options.namespace ?? 'gs:notifier';
  const now = options.clock ?? (() => new Date());
  const watchlist = createWatchlistStore(r.sql);
  const watchers = (auctionId: string) => watchlist.watchers(auctionId);
  const leadMs = r.config.endingSoonLeadMs;
  const queue = leadMs === 0 ? undefined : r.redis === undefined ? new InMemoryClosingQueue({ clock: () => now().getTime() }) : new RedisClosingQueue(r.redis, { namespace: `${namespace}:ending-soon` });
  const notifier = new Notifier({
    sink: options.sink,
    history: options.history,
    watchers,
    checkpoints: r.redis === undefined ? memoryCheckpoints() : redisCheckpoints(r.redis, namespace),
    now: () => now().getTime(),
    logger: r.logger,
    ...(queue !== undefined ? { endingSoon: endingSoonSchedule(queue, leadMs) } : {}),
  });
  const running = await options.source.run(notifier);
  shutdown.add('pipelines', () => running.stop());
  if (queue === undefined) return;
  const worker = startEndingSoonWorker({ queue, leadMs, history: options.history, watchers, sink: options.sink, now, logger: r.logger });
  shutdown.add('pipelines', () => worker.stop());
};

/** The event log's streams, by auction: what the live cache and the notifier have not seen. */
export const historyOf = (r: Resources): StreamHistory => (auctionId, fromVersion) => r.log.readStream(streamIdOf(auctionId), fromVersion);

/** Verifies a socket's token as the HTTP API does (HS256, or the identity provider's), and reads its expiry (jose required `exp`). */
export const socketVerifier = (r: Resources): SocketTokenVerifier => {
  const verifier = tokenVerifierFor(r.config, r.logger);
  return async (token) => {
    const user = await verifier.verify(token);
    return { userId: user.userId, expiresAtMs: (decodeJwt(token).exp ?? 0) * 1000 };
  };
};
