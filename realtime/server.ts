// The realtime node (DESIGN.md section 6): WebSockets on uWebSockets.js at /v1/realtime, one relay
// per followed auction (one live-feed subscription each, ref-counted by its sockets), uWS topics
// for the fan-out, the server's time on connect and periodically, heartbeats by uWS pings, slow
// consumers closed at the backpressure limit, at most so many sockets per remote address, each
// within a frame budget; a socket that signs in (auth frame) gets its user's notifications through
// the user's topic (one notification-feed subscription per signed-in user on the node). GET /health, GET /ready (the process's probes) and GET /metrics on the same port.
import uWS from 'uWebSockets.js';
import type { HttpResponse, TemplatedApp, WebSocket, us_listen_socket } from 'uWebSockets.js';
import { Registry } from 'prom-client';
import type { LiveFeed, NotificationFeed } from '../contracts/index.js';
import type { Logger, ProbeAnswer, Probes, RealtimeClientLimits } from '../infra/index.js';
import { createProcessProbes, defaultRealtimeClientLimits, probePaths } from '../infra/index.js';
import { AuctionRelay } from './auction-relay.js';
import type { CacheReadObserver } from './auction-relay.js';
import { Connection } from './connection.js';
import type { ConnectionContext, SocketData, SocketTokenVerifier } from './connection.js';
import { UserRelays } from './user-relays.js';
import { createRealtimeMetrics } from './metrics.js';
import { CloseCode, timeText } from './server-frames.js';

export const REALTIME_PATH = '/v1/realtime';
const TIME_TOPIC = 'time';

/** The node's limits: what a client may cost (REALTIME_* configuration), and the relays' tuning. */
export interface RealtimeLimits extends RealtimeClientLimits {
  /** How often every socket gets a time frame. */
  readonly timeIntervalMs: number;
  /** How long a subscription to an auction the cache does not know waits for it before AUCTION_NOT_FOUND. */
  readonly notFoundGraceMs: number;
  /** How long a socket that claims a version the node has not reached waits before it gets a snapshot. */
  readonly aheadWaitMs: number;
  /** How long a node keeps following an auction after its last socket left. */
  readonly lingerMs: number;
  /** Frames per followed auction kept in memory for resuming sockets (older ones are read from the cache). */
  readonly ringLength: number;
}

export const defaultRealtimeLimits: RealtimeLimits = {
  ...defaultRealtimeClientLimits,
  timeIntervalMs: 15_000,
  notFoundGraceMs: 2_000,
  aheadWaitMs: 5_000,
  lingerMs: 10_000,
  ringLength: 32,
};

export interface RealtimeServerOptions {
  readonly feed: LiveFeed;
  readonly logger: Logger;
  /** 0 picks a free port (see `port` on the result). */
  readonly port: number;
  /** Interface to listen on; all of them when absent. */
  readonly host?: string;
  readonly clock?: () => Date;
  /** prom-client registry for the node's metrics (a new one when absent); served at GET /metrics. */
  readonly registry?: Registry;
  readonly limits?: Partial<RealtimeLimits>;
  /** What GET /health and GET /ready answer: the process's probes; absent, the node's own (ready while it listens). */
  readonly probes?: Probes;
  /** Personal notifications: how a socket's auth frame is verified, and the feed of users' notifications. Absent: auth frames are refused. */
  readonly notifications?: { readonly feed: NotificationFeed; readonly verify: SocketTokenVerifier };
}

export interface RealtimeStats {
  readonly connections: number;
  readonly subscriptions: number;
  /** Auctions followed on the live feed. */
  readonly auctionFeeds: number;
  /** Reads of the live cache in flight now, and the most there have been at once since the start. */
  readonly pendingCacheReads: number;
  readonly peakPendingCacheReads: number;
  /** Reads of the live cache since the start, by kind. */
  readonly cacheReads: { readonly resync: number; readonly history: number };
  /** Upgrades refused with 429 since the start (per-address limit). */
  readonly refusedConnections: number;
}

export interface RealtimeServer {
  readonly port: number;
  /** ws://127.0.0.1:port/v1/realtime */
  readonly url: string;
  readonly registry: Registry;
  stats(): RealtimeStats;
  /** Stops listening, closes every socket (1001 Going Away: clients reconnect, to another node) and leaves the feed. */
  close(): Promise<void>;
}

const respond = (res: HttpResponse, status: string, contentType: string, body: string): void => {
  res.cork(() => {
    res.writeStatus(status).writeHeader('Content-Type', contentType).end(body);
  });
};

/** Answers `res` with what `produce` gives, unless the client went away meanwhile. */
const respondLater = (res: HttpResponse, logger: Logger, produce: () => Promise<{ status: string; contentType: string; body: string }>): void => {
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  produce().then(
    ({ status, contentType, body }) => {
      if (!aborted) respond(res, status, contentType, body);
    },
    (err: unknown) => {
      logger.error({ err }, 'realtime: answering an HTTP request failed');
      if (!aborted) respond(res, '500 Internal Server Error', 'text/plain', 'internal error');
    },
  );
};

const probeResponse = ({ status, body }: ProbeAnswer) =>
  ({ status: status === 200 ? '200 OK' : '503 Service Unavailable', contentType: 'application/json', body: JSON.stringify(body) });

export const startRealtimeServer = async (options: RealtimeServerOptions): Promise<RealtimeServer> => {
  const limits: RealtimeLimits = { ...defaultRealtimeLimits, ...options.limits };
  const { feed, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const registry = options.registry ?? new Registry();
  /** The node's own probes, answered when the process gives none. */
  const ownProbes = createProcessProbes({ roles: ['realtime'] });
  const probes = options.probes ?? ownProbes;
  const relays = new Map<string, AuctionRelay>();
  const connections = new Set<Connection>();
  const sockets = new Set<WebSocket<SocketData>>();
  /** Open sockets per remote address. */
  const perAddress = new Map<string, number>();
  const counts = { pending: 0, peak: 0, resync: 0, history: 0, refused: 0 };
  const metrics = createRealtimeMetrics(registry, {
    connections: () => connections.size,
    subscriptions: () => [...connections].reduce((n, c) => n + c.subscriptionCount, 0),
    auctionFeeds: () => relays.size,
    pendingCacheReads: () => counts.pending,
  });
  const readObserver: CacheReadObserver = {
    started: (kind) => {
      counts.pending += 1;
      counts.peak = Math.max(counts.peak, counts.pending);
      counts[kind] += 1;
      metrics.cacheReads.inc({ kind });
    },
    settled: () => {
      counts.pending -= 1;
    },
  };
  const app: TemplatedApp = uWS.App();

  const publish = (topic: string, text: string, kind: string): void => {
    const reached = app.numSubscribers(topic);
    if (reached > 0) {
      app.publish(topic, text, false, false);
      metrics.frames.inc({ type: kind }, reached);
    }
  };

  const relayFor = (auctionId: string): AuctionRelay => {
    const existing = relays.get(auctionId);
    if (existing !== undefined && !existing.isStopped) return existing;
    const relay = new AuctionRelay({
      auctionId,
      feed,
      publish,
      now: () => clock().getTime(),
      logger,
      ringLength: limits.ringLength,
      notFoundGraceMs: limits.notFoundGraceMs,
      aheadWaitMs: limits.aheadWaitMs,
      lingerMs: limits.lingerMs,
      onStopped: (stopped) => {
        if (relays.get(auctionId) === stopped) relays.delete(auctionId);
      },
      onResync: () => metrics.resyncs.inc(),
      reads: readObserver,
    });
    relays.set(auctionId, relay);
    void relay.start();
    return relay;
  };

  const notifications = options.notifications;
  const users = notifications === undefined ? undefined : new UserRelays(notifications.feed, publish, logger);
  const context: ConnectionContext = {
    ...(notifications !== undefined && users !== undefined ? { auth: { verify: notifications.verify, users, now: () => clock().getTime() } } : {}),
    maxFrameBytes: limits.maxFrameBytes,
    maxSubscriptions: limits.maxSubscriptionsPerSocket,
    framesPerSecond: limits.framesPerSecond,
    frameBurst: limits.frameBurst,
    now: () => performance.now(),
    relayFor,
    metrics,
  };
  const refuseUpgrade = (res: HttpResponse, address: string): void => {
    counts.refused += 1;
    metrics.refusedConnections.inc();
    logger.warn({ address, limit: limits.maxConnectionsPerAddress }, 'realtime: too many connections from one address, upgrade refused');
    res.cork(() => {
      res.writeStatus('429 Too Many Requests')
        .writeHeader('Content-Type', 'application/json')
        .writeHeader('Retry-After', '10')
        .end(JSON.stringify({
          error: { code: 'TOO_MANY_CONNECTIONS', message: `at most ${limits.maxConnectionsPerAddress} WebSocket connections per address; close one first` },
        }));
    });
  };

  app.ws<SocketData>(REALTIME_PATH, {
    compression: uWS.DISABLED,
    maxPayloadLength: limits.maxPayloadBytes,
    maxBackpressure: limits.maxBackpressureBytes,
    // The type says number; uWS reads it as a flag.
    closeOnBackpressureLimit: 1,
    idleTimeout: limits.idleTimeoutSeconds,
    sendPingsAutomatically: true,
    // The per-address limit: the address is the TCP peer's (behind a proxy, the proxy's).
    upgrade: (res, req, upgradeContext) => {
      const address = Buffer.from(res.getRemoteAddressAsText()).toString();
      if (limits.maxConnectionsPerAddress > 0 && (perAddress.get(address) ?? 0) >= limits.maxConnectionsPerAddress) {
        refuseUpgrade(res, address);
        return;
      }
      res.upgrade<SocketData>(
        { address },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        upgradeContext,
      );
    },
    open: (ws) => {
      const { address } = ws.getUserData();
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      const connection = new Connection(ws, context);
      ws.getUserData().connection = connection;
      connections.add(connection);
      sockets.add(ws);
      ws.subscribe(TIME_TOPIC);
      connection.send([timeText(clock())]);
    },
    message: (ws, message, isBinary) => {
      try {
        ws.getUserData().connection?.onMessage(message, isBinary);
      } catch (err) {
        // A fault of ours, never the client's: log it, keep the socket.
        logger.error({ err }, 'realtime: handling a frame failed');
      }
    },
    close: (ws, code) => {
      sockets.delete(ws);
      const { address } = ws.getUserData();
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
      const connection = ws.getUserData().connection;
      if (connection === undefined) return;
      connections.delete(connection);
      connection.onClose(code);
    },
  });
  for (const [path, probe] of Object.entries(probePaths)) {
    app.get(path, (res) => respondLater(res, logger, () => probe(probes).then(probeResponse)));
  }
  app.get('/metrics', (res) => respondLater(res, logger, async () => ({ status: '200 OK', contentType: registry.contentType, body: await registry.metrics() })));
  app.any('/*', (res) => respond(res, '404 Not Found', 'application/json', JSON.stringify({
    error: { code: 'NOT_FOUND', message: `WebSockets are served at ${REALTIME_PATH}` },
  })));

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    const done = (socket: us_listen_socket | false) => {
      if (socket === false) reject(new Error(`realtime: cannot listen on ${options.host ?? '*'}:${options.port} (REALTIME_PORT)`));
      else resolve(socket);
    };
    // Exclusive: by default uSockets shares a busy port (SO_REUSEPORT) with whoever holds it.
    const exclusive = (uWS as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT: uWS.ListenOptions }).LIBUS_LISTEN_EXCLUSIVE_PORT;
    if (options.host === undefined) app.listen(options.port, exclusive, done);
    else (app.listen as unknown as (host: string, port: number, o: uWS.ListenOptions, cb: typeof done) => void)(options.host, options.port, exclusive, done);
  });
  const port = uWS.us_socket_local_port(listenSocket as unknown as uWS.us_socket);

  const ticker = setInterval(() => publish(TIME_TOPIC, timeText(clock()), 'time'), limits.timeIntervalMs);
  ticker.unref();
  logger.info({ port, path: REALTIME_PATH }, 'serving WebSockets');
  ownProbes.markReady();

  let closed = false;
  return {
    port,
    url: `ws://127.0.0.1:${port}${REALTIME_PATH}`,
    registry,
    stats: () => ({
      connections: connections.size,
      subscriptions: [...connections].reduce((n, c) => n + c.subscriptionCount, 0),
      auctionFeeds: relays.size,
      pendingCacheReads: counts.pending,
      peakPendingCacheReads: counts.peak,
      cacheReads: { resync: counts.resync, history: counts.history },
      refusedConnections: counts.refused,
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      ownProbes.markStopping();
      clearInterval(ticker);
      uWS.us_listen_socket_close(listenSocket);
      for (const ws of [...sockets]) ws.end(CloseCode.GOING_AWAY, 'server shutting down');
      await Promise.all([...relays.values()].map((relay) => relay.stop()));
    },
  };
};
