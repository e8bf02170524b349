// The chaos suite's own Redis: `redis-server` on its own port as a child process, which a fault
// stops (SIGTERM: a clean shutdown) or kills (SIGKILL) and starts again on the same port.
//
// `persistence: 'aof'` keeps an append-only file in the service's folder, fsynced every second, as
// compose.yaml's Redis does: a clean stop loses nothing and a restart comes back with its data.
// `persistence: 'none'` (`--save "" --appendonly no`) comes back empty: the live cache, the
// idempotency keys, the closing queue and the rate-limit counters are gone.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import type { ControllableService } from './service.js';
import { exited, portAnswers, waitUntil } from './process-tools.js';

export interface RedisServerOptions {
  /** Its working folder (the append-only file); removed first, and by `remove()`. */
  readonly dir: string;
  readonly port: number;
  readonly persistence: 'aof' | 'none';
}

export interface RedisServer extends ControllableService {
  /** redis://127.0.0.1:<port>/0 */
  readonly url: string;
  readonly port: number;
  /** Empties its folder while it is stopped, so that it starts again with no data (a disk lost). */
  wipe(): void;
}

export const startRedisServer = async (options: RedisServerOptions): Promise<RedisServer> => {
  const { dir, port } = options;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning',
    ...(options.persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
  ];
  let child: ChildProcess | undefined;
  const isRunning = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;
  const start = async (): Promise<void> => {
    if (isRunning()) return;
    await waitUntil(async () => !(await portAnswers(port)), `port ${port} to be free for Redis`, 10_000);
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    child = started;
    started.once('error', () => undefined);
    await waitUntil(async () => {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}`);
      return portAnswers(port);
    }, `Redis on port ${port}`, 15_000, 50);
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const current = child;
    if (current === undefined || !isRunning()) return;
    const gone = exited(current);
    current.kill(sig);
    await gone;
  };
  await start();
  let removed = false;
  return {
    name: 'redis',
    url: `redis://127.0.0.1:${port}/0`,
    port,
    start,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    running: isRunning,
    wipe: () => {
      if (isRunning()) throw new Error('Redis must be stopped before its data is wiped');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    },
    remove: async () => {
      if (removed) return;
      removed = true;
      await signal('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    removeNow: () => {
      if (removed) return;
      removed = true;
      if (isRunning()) child?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
