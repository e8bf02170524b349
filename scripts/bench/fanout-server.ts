// The fan-out suite's system under test, in its own process: the whole system as `npm start` runs
// it (configured by the environment the suite gives it), telling its HTTP and WebSocket URLs and,
// on request, its memory, its CPU time and a CPU profile.
import { createLogger, loadConfig } from '../../infra/index.js';
import { startSystem } from '../compose/system.js';
import { answerRequests, tell } from './fanout-ipc.js';
import { cpuProfiler } from './profiler.js';

const main = async (): Promise<void> => {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, { name: 'gavelstream-bench-fanout' });
  const namespace = process.env.BENCH_NAMESPACE;
  const system = await startSystem(config, logger, namespace !== undefined && namespace !== '' ? { schedulerNamespace: namespace, liveCacheNamespace: `${namespace}:live-cache` } : {});
  if (system.url === undefined || system.realtimeUrl === undefined) {
    await system.stop();
    throw new Error('the system under test serves no HTTP or no WebSocket (ROLES?)');
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await system.stop();
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  const profiler = cpuProfiler();
  answerRequests(async (message) => {
    switch (message.type) {
      case 'stop':
        await stop();
        return undefined;
      case 'memory': {
        // The suite starts this process with --expose-gc.
        if (message.collect === true) (globalThis as { gc?: () => void }).gc?.();
        const { rss, heapUsed } = process.memoryUsage();
        return { type: 'memory', rss, heapUsed };
      }
      case 'cpu': {
        const { user, system: kernel } = process.cpuUsage();
        return { type: 'cpu', userMicros: user, systemMicros: kernel };
      }
      case 'profile-start':
        await profiler.start();
        return { type: 'profiling' };
      case 'profile-stop':
        await profiler.stop(message.file);
        return { type: 'profiled', file: message.file };
      default:
        throw new Error(`unexpected request ${message.type}`);
    }
  });
  await tell({ type: 'server-ready', url: system.url, realtimeUrl: system.realtimeUrl });
};

main().catch(async (error: unknown) => {
  await tell({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
});
