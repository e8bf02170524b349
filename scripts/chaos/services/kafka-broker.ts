// The chaos suite's own Kafka broker: scripts/kafka/local-kafka.sh with a port pair and a folder of
// its own (.chaos/kafka). Every start after the first keeps the log directory (KAFKA_KEEP_DATA=1),
// so a broker killed (SIGKILL of the pid in its pid file) and started again comes back with its
// topics, messages and consumer offsets. The jars are taken from the repository's .kafka/lib when
// an earlier `local-kafka.sh start` resolved them there (a link), else Maven resolves them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ControllableService } from './service.js';
import { alive, run, sleep, waitUntil } from './process-tools.js';

export interface KafkaBrokerOptions {
  /** The repository's root (where scripts/kafka/local-kafka.sh is). */
  readonly root: string;
  /** KAFKA_DIR: jars, configuration, data, logs; removed first, and by `remove()`. */
  readonly dir: string;
  readonly port: number;
  readonly controllerPort: number;
}

export interface KafkaBroker extends ControllableService {
  /** KAFKA_BROKERS for the roles: 127.0.0.1:<port> */
  readonly brokers: string;
}

export const startKafkaBroker = async (options: KafkaBrokerOptions): Promise<KafkaBroker> => {
  const { root, dir, port, controllerPort } = options;
  const script = join(root, 'scripts/kafka/local-kafka.sh');
  const env = { ...process.env, KAFKA_DIR: dir, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_KEEP_DATA: '1', KAFKA_STOP_TIMEOUT: '20' };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sharedLib = join(root, '.kafka/lib');
  if (existsSync(join(sharedLib, '.resolved'))) symlinkSync(sharedLib, join(dir, 'lib'));

  const brokerPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(join(dir, 'kafka.pid'), 'utf8').trim());
      return Number.isSafeInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const start = async (): Promise<void> => {
    await run('bash', [script, 'start'], { env, timeoutMs: 180_000 });
  };
  const kill = async (): Promise<void> => {
    const pid = brokerPid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGKILL');
    await waitUntil(async () => !alive(pid), `the Kafka broker (pid ${pid}) to die`, 10_000, 50);
  };
  await start();
  let removed = false;
  return {
    name: 'kafka',
    brokers: `127.0.0.1:${port}`,
    start,
    stop: async () => {
      await run('bash', [script, 'stop'], { env, timeoutMs: 60_000 });
    },
    kill,
    running: () => brokerPid() !== undefined,
    remove: async () => {
      if (removed) return;
      removed = true;
      await kill().catch(() => undefined);
      await sleep(100);
      rmSync(dir, { recursive: true, force: true });
    },
    removeNow: () => {
      if (removed) return;
      removed = true;
      const pid = brokerPid();
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
      try {
        execFileSync('sleep', ['0.2']);
      } catch {
        // only a pause for the broker to let go of its files
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
