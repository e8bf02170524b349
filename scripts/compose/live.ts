// The live side of a process: the live-cache projector and the notifier (projector role) and the
// WebSocket server (realtime role). With Redis (REDIS_URL or REDIS_CLUSTER_NODES) both use it (any number of projector and realtime processes);
// without it, one in-memory cache is both the projector and the realtime node's feed, so the
// realtime role then needs the projector role in the same process. Each part stops in its phase of
// the process's shutdown: the projector with the pipelines, the sockets after them.
import type { Registry } from 'prom-client';
import type { LiveFeed, NotificationFeed } from '../../contracts/index.js';
import type { Probes } from '../../infra/index.js';
import { pseudonymiser } from '../../infra/index.js';
import { MemoryLiveCache, MemoryNotificationBus, RedisLiveCache, redisNotificationSink } from '../../projections/index.js';
import type { EventSource, ParkingMonitor } from '../../projections/index.js';
import { openRedisLiveFeed, redisNotificationFeed, startRealtimeServer } from '../../realtime/index.js';
import type { RealtimeLimits, RealtimeServer } from '../../realtime/index.js';
import type { Resources } from './resources.js';
import type { Shutdown } from './shutdown.js';
import { historyOf, socketVerifier, startNotifier } from './notifications.js';

export interface LiveOptions {
  /** Where the live-cache projector's events come from (the projector role's source); none: no projector here. */
  readonly projectorSource: EventSource | undefined;
  readonly realtime: boolean;
  readonly clock?: () => Date;
  /** Redis key prefix of the live-cache projector's checkpoints (tests give each system its own). */
  readonly namespace?: string;
  /** Redis key prefix of the notifier's checkpoints and ending-soon queue (tests give each system its own). */
  readonly notifierNamespace?: string;
  /** Over the configuration's REALTIME_* limits (tests). */
  readonly realtimeLimits?: Partial<RealtimeLimits>;
  /** The process's metrics registry (the realtime node's metrics join it; /metrics on both ports). */
  readonly registry?: Registry;
  /** Where the live-cache projector reports parked streams. */
  readonly parking?: ParkingMonitor;
  /** The process's probes, answered on the realtime port too. */
  readonly probes?: Probes;
}

export interface LiveSide {
  readonly realtime: RealtimeServer | undefined;
  /** The in-memory cache (embedded mode), else undefined. */
  readonly memoryCache: MemoryLiveCache | undefined;
  /** The in-memory notification bus (embedded mode), else undefined. */
  readonly memoryNotifications: MemoryNotificationBus | undefined;
}

/** Starts the live side; what it starts stops with `shutdown` (also when this throws). */
export const startLive = async (r: Resources, shutdown: Shutdown, options: LiveOptions): Promise<LiveSide> => {
  const { logger, config } = r;
  const pseudonym = pseudonymiser(config.pseudonymSecret);
  const parking = options.parking;
  // A gap in what the projector is handed (the cache lost writes) is filled from the log itself.
  const history = historyOf(r);
  const memoryCache = r.redis === undefined ? new MemoryLiveCache({ pseudonym, logger, history, ...(parking !== undefined ? { parking } : {}) }) : undefined;
  const memoryNotifications = r.redis === undefined ? new MemoryNotificationBus(logger) : undefined;
  if (options.realtime && memoryCache !== undefined && options.projectorSource === undefined) {
    throw new Error('ROLES: the realtime role reads the live cache from Redis; set REDIS_URL or REDIS_CLUSTER_NODES, or run the projector role in the same process');
  }
  if (options.projectorSource !== undefined) {
    const projector = memoryCache ?? new RedisLiveCache({
      redis: r.redis!,
      pseudonym,
      history,
      logger,
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      ...(parking !== undefined ? { parking } : {}),
    });
    parking?.register(projector.name, () => projector.parkedStreams());
    const running = await options.projectorSource.run(projector);
    shutdown.add('pipelines', () => running.stop());
    await startNotifier(r, shutdown, {
      source: options.projectorSource,
      sink: memoryNotifications ?? redisNotificationSink(r.redis!),
      history,
      ...(options.notifierNamespace !== undefined ? { namespace: options.notifierNamespace } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
    });
  }
  let realtime: RealtimeServer | undefined;
  if (options.realtime) {
    let feed: LiveFeed;
    let notificationFeed: NotificationFeed;
    if (memoryCache !== undefined && memoryNotifications !== undefined) {
      feed = memoryCache;
      notificationFeed = memoryNotifications;
    } else {
      const redisFeed = await openRedisLiveFeed(config.redis!, r.redis!, logger);
      shutdown.add('sockets', () => redisFeed.close());
      feed = redisFeed;
      notificationFeed = redisNotificationFeed(redisFeed.channels, logger);
    }
    const server = await startRealtimeServer({
      feed,
      logger,
      port: config.realtimePort,
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      limits: { ...config.realtime, ...options.realtimeLimits },
      ...(options.registry !== undefined ? { registry: options.registry } : {}),
      ...(options.probes !== undefined ? { probes: options.probes } : {}),
      notifications: { feed: notificationFeed, verify: socketVerifier(r) },
    });
    realtime = server;
    shutdown.add('sockets', () => server.close());
  }
  return { realtime, memoryCache, memoryNotifications };
};
