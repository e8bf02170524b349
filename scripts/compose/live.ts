// The live side of a process: the live-cache projector (projector role) and the WebSocket server
// (realtime role). With Redis (REDIS_URL or REDIS_CLUSTER_NODES) both use it (any number of projector and realtime processes);
// without it, one in-memory cache is both the projector and the realtime node's feed, so the
// realtime role then needs the projector role in the same process. Each part stops in its phase of
// the process's shutdown: the projector with the pipelines, the sockets after them.
import type { Registry } from 'prom-client';
import type { LiveFeed } from '../../contracts/index.js';
import type { Probes } from '../../infra/index.js';
import { streamIdOf } from '../../domain/index.js';
import { pseudonymiser } from '../../infra/index.js';
import { MemoryLiveCache, RedisLiveCache } from '../../projections/index.js';
import type { EventSource, ParkingMonitor, StreamHistory } from '../../projections/index.js';
import { openRedisLiveFeed, startRealtimeServer } from '../../realtime/index.js';
import type { RealtimeLimits, RealtimeServer } from '../../realtime/index.js';
import type { Resources } from './resources.js';
import type { Shutdown } from './shutdown.js';

export interface LiveOptions {
  /** Where the live-cache projector's events come from (the projector role's source); none: no projector here. */
  readonly projectorSource: EventSource | undefined;
  readonly realtime: boolean;
  readonly clock?: () => Date;
  /** Redis key prefix of the live-cache projector's checkpoints (tests give each system its own). */
  readonly namespace?: string;
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
}

/** Starts the live side; what it starts stops with `shutdown` (also when this throws). */
export const startLive = async (r: Resources, shutdown: Shutdown, options: LiveOptions): Promise<LiveSide> => {
  const { logger, config } = r;
  const pseudonym = pseudonymiser(config.pseudonymSecret);
  const parking = options.parking;
  // A gap in what the projector is handed (the cache lost writes) is filled from the log itself.
  const history: StreamHistory = (auctionId, fromVersion) => r.log.readStream(streamIdOf(auctionId), fromVersion);
  const memoryCache = r.redis === undefined ? new MemoryLiveCache({ pseudonym, logger, history, ...(parking !== undefined ? { parking } : {}) }) : undefined;
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
  }
  let realtime: RealtimeServer | undefined;
  if (options.realtime) {
    let feed: LiveFeed;
    if (memoryCache !== undefined) {
      feed = memoryCache;
    } else {
      const redisFeed = await openRedisLiveFeed(config.redis!, r.redis!, logger);
      shutdown.add('sockets', () => redisFeed.close());
      feed = redisFeed;
    }
    const server = await startRealtimeServer({
      feed,
      logger,
      port: config.realtimePort,
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      limits: { ...config.realtime, ...options.realtimeLimits },
      ...(options.registry !== undefined ? { registry: options.registry } : {}),
      ...(options.probes !== undefined ? { probes: options.probes } : {}),
    });
    realtime = server;
    shutdown.add('sockets', () => server.close());
  }
  return { realtime, memoryCache };
};
