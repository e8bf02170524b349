// One node of the local target: `node dist/scripts/start.js` with its ROLES and ports, as a child
// process whose output goes to a log file of its own. It can be killed with any signal and started
// again with the same environment; it counts as started once its operations port answers /ready.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exited, waitUntil } from '../services/index.js';

export interface RoleProcessOptions {
  readonly name: string;
  readonly roles: readonly string[];
  /** The whole environment of the process (services, secrets, ports). */
  readonly env: NodeJS.ProcessEnv;
  /** Its OPS_PORT: readiness is asked there. */
  readonly opsPort: number;
  /** Where its stdout and stderr go (appended). */
  readonly logFile: string;
}

export interface RoleProcess {
  readonly name: string;
  readonly roles: readonly string[];
  pid(): number | undefined;
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  running(): boolean;
}

const startScript = fileURLToPath(new URL('../../start.js', import.meta.url));

const ready = async (port: number): Promise<boolean> => {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
};

export const roleProcess = (options: RoleProcessOptions): RoleProcess => {
  let child: ChildProcess | undefined;
  const running = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;
  return {
    name: options.name,
    roles: options.roles,
    pid: () => (running() ? child?.pid : undefined),
    running,
    start: async () => {
      if (running()) return;
      const out = openSync(options.logFile, 'a');
      const started = spawn(process.execPath, [startScript], {
        env: { ...options.env, ROLES: options.roles.join(','), OPS_PORT: String(options.opsPort) },
        stdio: ['ignore', out, out],
      });
      closeSync(out);
      child = started;
      await waitUntil(async () => {
        if (started.exitCode !== null || started.signalCode !== null) throw new Error(`${options.name} exited during its start (see ${options.logFile})`);
        return ready(options.opsPort);
      }, `${options.name} to be ready (log: ${options.logFile})`, 60_000, 100);
    },
    kill: async (signal) => {
      const current = child;
      if (current === undefined || !running()) return;
      const gone = exited(current);
      current.kill(signal);
      await gone;
    },
  };
};
