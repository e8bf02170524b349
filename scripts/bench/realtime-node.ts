// The realtime benchmark's node, in its own process: the WebSocket server on the Redis feed
// (REDIS_URL) or on an in-memory cache that the benchmark fills over IPC (embedded mode).
import { randomUUID } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { LiveFeed } from '../../contracts/index.js';
import { closeRedis, createLogger, loadConfig, openRedis, pseudonymiser } from '../../infra/index.js';
import type { Redis } from '../../infra/index.js';
import { MemoryLiveCache } from '../../projections/index.js';
import { openRedisLiveFeed, startRealtimeServer } from '../../realtime/index.js';
import { AuctionStream } from '../../test/support/live-events.js';
import { BenchMessage } from './realtime-protocol.js';
import type { NodeMessage } from './realtime-protocol.js';

const send = (message: NodeMessage): void => {
  process.send?.(message);
};

const main = async (): Promise<void> => {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', { name: 'bench-realtime-node' });
  const redisUrl = process.env.REDIS_URL;
  let redis: Redis | undefined;
  let memory: MemoryLiveCache | undefined;
  let feed: LiveFeed;
  if (redisUrl !== undefined && redisUrl !== '') {
    redis = await openRedis(redisUrl, 'bench-realtime-node', { logger });
    feed = await openRedisLiveFeed({ kind: 'standalone', url: redisUrl }, redis, logger);
  } else {
    memory = new MemoryLiveCache({ pseudonym: pseudonymiser('bench-realtime-secret-0123456789abc'), logger });
    feed = memory;
  }
  const server = await startRealtimeServer({
    feed,
    logger,
    port: 0,
    host: '127.0.0.1',
    // The REALTIME_* configuration; the benchmark's clients all come from one address (the
    // benchmark sets REALTIME_MAX_CONNECTIONS_PER_ADDRESS=0 unless told otherwise).
    limits: {
      ...loadConfig(process.env).realtime,
      ...(process.env.BENCH_MAX_BACKPRESSURE !== undefined ? { maxBackpressureBytes: Number(process.env.BENCH_MAX_BACKPRESSURE) } : {}),
    },
  });
  let stream: AuctionStream | undefined;
  process.on('message', (raw: unknown) => {
    const decoded = BenchMessage.decode(raw);
    if (isLeft(decoded)) return;
    const message = decoded.right;
    const run = async (): Promise<void> => {
      switch (message.type) {
        case 'create': {
          stream = new AuctionStream(`bench-${randomUUID()}`);
          const events = stream.create();
          await memory!.apply(events, 'bench', events[0]!.position);
          send({ type: 'created', auctionId: stream.auctionId });
          return;
        }
        case 'apply': {
          let left = message.count;
          while (left > 0) {
            const events = stream!.bidding(Math.min(left, message.batch));
            left -= events.length;
            await memory!.apply(events, 'bench', events[events.length - 1]!.position);
          }
          send({ type: 'applied', version: stream!.events.length });
          return;
        }
        case 'stats': {
          const stats = server.stats();
          send({ type: 'stats', connections: stats.connections, subscriptions: stats.subscriptions });
          return;
        }
        case 'stop':
          await server.close();
          await feed.close();
          if (redis !== undefined) await closeRedis(redis);
          process.exit(0);
      }
    };
    run().catch((err: unknown) => send({ type: 'failed', message: (err as Error).message }));
  });
  send({ type: 'ready', port: server.port });
};

main().catch((err: unknown) => {
  send({ type: 'failed', message: (err as Error).message });
  process.exit(1);
});
