// The system under test, in a child process of the benchmark so that the load generator does not
// share its event loop. Configured by the environment like `npm start` (the parent sets PORT=0,
// DATA_DIR=memory, LOG_LEVEL=silent, a raised RATE_LIMIT_PER_MINUTE, and DATABASE_URL/REDIS_URL for
// the pg+redis mode); BENCH_NAMESPACE names its closing queue in Redis, BENCH_KAFKA_TOPIC and
// BENCH_KAFKA_GROUP_PREFIX its Kafka topic and consumer groups. Reports over IPC.
import { isLeft } from 'fp-ts/lib/Either.js';
import { decodeStoredEvent, fold, streamIdOf } from '../../domain/index.js';
import type { AuctionEvent, LogPosition } from '../../domain/index.js';
import { createLogger, loadConfig } from '../../infra/index.js';
import { startSystem } from '../compose/system.js';
import type { RunningSystem } from '../compose/system.js';
import { cpuProfiler } from './profiler.js';
import type { ChildMessage } from './protocol.js';
import { ParentMessage } from './protocol.js';

const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined) {
      console.log(JSON.stringify(message));
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });

const versionsOf = async (system: RunningSystem, auctionIds: readonly string[]): Promise<ChildMessage> => {
  let total = 0;
  let streams = 0;
  for (const id of auctionIds) {
    const events = await system.resources.log.readStream(streamIdOf(id));
    const last = events[events.length - 1];
    if (last !== undefined) {
      streams += 1;
      total += last.streamVersion;
    }
  }
  return { type: 'versions', streams, total };
};

/** Each lot's AuctionClosed count and delay after its (final) end, and whether the closes are in the order asked. */
const closesOf = async (system: RunningSystem, auctionIds: readonly string[]): Promise<ChildMessage> => {
  const lots = [];
  const positions: LogPosition[] = [];
  for (const [i, id] of auctionIds.entries()) {
    const recorded = await system.resources.log.readStream(streamIdOf(id));
    const events = recorded.flatMap((r): AuctionEvent[] => {
      const decoded = decodeStoredEvent(r);
      return decoded._tag === 'Right' ? [decoded.right] : [];
    });
    const closedAt = recorded.findIndex((r) => r.type === 'AuctionClosed');
    const closes = recorded.filter((r) => r.type === 'AuctionClosed').length;
    let delayMs: number | null = null;
    if (closedAt >= 0) {
      const before = fold(events.slice(0, closedAt));
      const closed = events[closedAt]!;
      if (before.kind === 'auction' && closed.type === 'AuctionClosed') delayMs = Date.parse(closed.data.closedAt) - Date.parse(before.endsAt);
      positions.push(recorded[closedAt]!.position);
    }
    lots.push({ lotNumber: i + 1, closes, delayMs });
  }
  const inOrder = positions.every((p, i) => i === 0 || system.resources.log.compareLogPositions(positions[i - 1]!, p) < 0);
  return { type: 'closes', lots, inOrder };
};

const cpuTime = () => {
  const { user, system } = process.cpuUsage();
  return { userMicros: user, systemMicros: system };
};

const main = async (): Promise<void> => {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, { name: 'gavelstream-bench' });
  const given = (name: string): string | undefined => (process.env[name] ?? '') === '' ? undefined : process.env[name];
  const namespace = given('BENCH_NAMESPACE');
  const topic = given('BENCH_KAFKA_TOPIC');
  const groupIdPrefix = given('BENCH_KAFKA_GROUP_PREFIX');
  const system = await startSystem(config, logger, {
    ...(namespace !== undefined ? { schedulerNamespace: namespace, liveCacheNamespace: `${namespace}:live-cache` } : {}),
    kafka: { ...(topic !== undefined ? { topic } : {}), ...(groupIdPrefix !== undefined ? { groupIdPrefix } : {}) },
  });

  const cpu = cpuProfiler();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await system.stop();
    if (process.connected) await send({ type: 'stopped' });
    // A normal exit, so that --cpu-prof writes its profile.
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('message', (raw: unknown) => {
    const decoded = ParentMessage.decode(raw);
    if (isLeft(decoded)) return;
    const message = decoded.right;
    if (message.type === 'stop') {
      void stop();
      return;
    }
    const reply =
      message.type === 'versions' ? versionsOf(system, message.auctionIds)
      : message.type === 'closes' ? closesOf(system, message.auctionIds)
      : message.type === 'cpu' ? Promise.resolve<ChildMessage>({ type: 'cpu', ...cpuTime() })
      : message.type === 'profile-start' ? cpu.start().then((): ChildMessage => ({ type: 'profiling' }))
      : cpu.stop(message.file).then((): ChildMessage => ({ type: 'profiled', file: message.file }));
    reply.then(
      (answer) => send(answer),
      (error: unknown) => send({ type: 'failed', message: `${message.type}: ${String(error)}` }),
    );
  });
  await send({ type: 'ready', url: system.url ?? '', ...(system.realtimeUrl !== undefined ? { realtimeUrl: system.realtimeUrl } : {}) });
};

main().catch(async (error: unknown) => {
  await send({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
});
