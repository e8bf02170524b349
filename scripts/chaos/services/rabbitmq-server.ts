// The chaos suite's own RabbitMQ node (never the machine's shared one on 5672): Debian's
// /usr/lib/rabbitmq/bin/rabbitmq-server run as the `rabbitmq` user (the server is not meant to run
// as root), a child process, with a node name, ports and folders of its own: AMQP on `port`, the
// Erlang distribution on `distPort` and its own port mapper (epmd, a child too) on `epmdPort`, so
// that it needs nothing of the machine's node, its epmd or its cookie; configuration, Mnesia
// (queues, the streams' segments), logs and HOME (the cookie) under `dir`, owned by `rabbitmq`.
// No plugin is enabled: stream queues over AMQP 0-9-1 are the core server's. `kill()` is SIGKILL of
// the node's Erlang VM (its pid from RABBITMQ_PID_FILE); `start()` again on the same Mnesia folder
// brings the streams back with their messages; `stop()` is SIGTERM, the node's orderly shutdown.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, chownSync, closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControllableService } from './service.js';
import { alive, exited, portAnswers, sleep, userIds, waitUntil } from './process-tools.js';

/** Where Debian's package puts the server's start script. */
export const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const USER = 'rabbitmq';

/** Why the suite cannot run its own RabbitMQ node here (not installed), or undefined when it can. */
export const rabbitmqServerMissing = (server = RABBITMQ_SERVER): string | undefined => {
  try {
    accessSync(server, constants.X_OK);
    userIds(USER, 'RabbitMQ');
    return undefined;
  } catch {
    return `rabbitmq-server is not installed (${server} and the ${USER} user; on Debian: apt-get install rabbitmq-server)`;
  }
};

export interface RabbitmqServerOptions {
  /** Configuration, Mnesia, logs, HOME; removed first, and by `remove()`. */
  readonly dir: string;
  /** AMQP 0-9-1. */
  readonly port: number;
  /** The node's own epmd. */
  readonly epmdPort: number;
  /** The Erlang distribution (RABBITMQ_DIST_PORT). */
  readonly distPort: number;
  /** The start script (default RABBITMQ_SERVER). */
  readonly server?: string;
}

export interface RabbitmqServer extends ControllableService {
  /** RABBITMQ_URL for the roles: amqp://guest:guest@127.0.0.1:<port> (guest may sign in from the loopback). */
  readonly url: string;
  readonly port: number;
}

const HOST = '127.0.0.1';

export const startRabbitmqServer = async (options: RabbitmqServerOptions): Promise<RabbitmqServer> => {
  const { dir, port, epmdPort, distPort } = options;
  const server = options.server ?? RABBITMQ_SERVER;
  const nodeName = `gschaos-${port}@localhost`;
  const pidFile = join(dir, 'rabbitmq.pid');
  const outLog = join(dir, 'server.out');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rabbitmq.conf'), [`listeners.tcp.default = ${HOST}:${port}`, 'log.console = false', ''].join('\n'));
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  // Read instead of the machine's /etc/rabbitmq/rabbitmq-env.conf (its node name, its epmd).
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  const ids = userIds(USER, 'RabbitMQ');
  for (const path of [dir, 'rabbitmq.conf', 'enabled_plugins', 'rabbitmq-env.conf'].map((p) => (p === dir ? p : join(dir, p)))) chownSync(path, ids.uid, ids.gid);

  const erlangEnv = { ERL_EPMD_PORT: String(epmdPort), ERL_EPMD_ADDRESS: HOST };
  const nodeEnv: Record<string, string> = {
    ...erlangEnv,
    HOME: dir,
    LANG: 'C.UTF-8',
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: HOST,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: pidFile,
  };
  const path = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

  const spawnLogged = (command: string, args: readonly string[]): ChildProcess => {
    const fd = openSync(outLog, 'a');
    const child = spawn(command, args, { env: path, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.once('error', () => undefined);
    return child;
  };
  const running = (child: ChildProcess | undefined): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;

  // The port mapper first, so that the node registers with it rather than starting a daemon of its own.
  const epmd = spawnLogged('epmd', ['-port', String(epmdPort), '-address', HOST]);
  await waitUntil(async () => {
    if (!running(epmd)) throw new Error(`epmd exited (${epmd.exitCode ?? epmd.signalCode}); ${outLog}`);
    return portAnswers(epmdPort);
  }, `epmd on port ${epmdPort}`, 10_000, 50);

  let node: ChildProcess | undefined;
  /** The Erlang VM's pid, as the node wrote it (the child is runuser, the VM its grandchild). */
  let vmPid: number | undefined;
  const readPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const isRunning = (): boolean => vmPid !== undefined && alive(vmPid);

  const start = async (): Promise<void> => {
    if (isRunning()) return;
    await waitUntil(async () => !(await portAnswers(port)), `port ${port} to be free for RabbitMQ`, 10_000);
    rmSync(pidFile, { force: true });
    vmPid = undefined;
    const env = Object.entries(nodeEnv).map(([name, value]) => `${name}=${value}`);
    const started = spawnLogged('runuser', ['-u', USER, '--', 'env', ...env, server]);
    node = started;
    await waitUntil(async () => {
      if (!running(started)) throw new Error(`rabbitmq-server exited (${started.exitCode ?? started.signalCode}); ${outLog} and ${join(dir, 'log')}`);
      vmPid ??= readPid();
      return vmPid !== undefined && (await portAnswers(port));
    }, `RabbitMQ on port ${port}`, 120_000, 100);
  };
  /** Signals the VM and waits for the node's process (runuser) to end; SIGKILL after `boundMs`. */
  const signal = async (sig: NodeJS.Signals, boundMs: number): Promise<void> => {
    const [pid, child] = [vmPid, node];
    if (pid === undefined || !alive(pid)) return;
    process.kill(pid, sig);
    const gone = async () => !alive(pid) && (child === undefined || !running(child));
    try {
      await waitUntil(gone, `the RabbitMQ node (pid ${pid}) to end`, boundMs, 50);
    } catch {
      process.kill(pid, 'SIGKILL');
      await waitUntil(gone, `the RabbitMQ node (pid ${pid}) to die`, 10_000, 50);
    }
    if (child !== undefined) await exited(child);
    vmPid = undefined;
  };

  const killAllNow = (): void => {
    for (const pid of [vmPid, running(epmd) ? epmd.pid : undefined]) {
      try {
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  };
  try {
    await start();
  } catch (error) {
    killAllNow();
    throw error;
  }
  let removed = false;
  return {
    name: 'rabbitmq',
    url: `amqp://guest:guest@${HOST}:${port}`,
    port,
    start,
    stop: () => signal('SIGTERM', 60_000),
    kill: () => signal('SIGKILL', 10_000),
    running: isRunning,
    remove: async () => {
      if (removed) return;
      removed = true;
      await signal('SIGKILL', 10_000).catch(() => undefined);
      if (running(epmd)) {
        const gone = exited(epmd);
        epmd.kill('SIGKILL');
        await gone;
      }
      await sleep(100);
      rmSync(dir, { recursive: true, force: true });
    },
    removeNow: () => {
      if (removed) return;
      removed = true;
      killAllNow();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
