// The topology's processes: spawned with their output appended to a log file, stopped with a
// signal and a bound (SIGKILL after it), whether this process started them (a child) or only
// knows their pid (`npm run topology -- stop`, from the state file).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Child {
  readonly pid: number;
  /** Settles once the process has exited. */
  readonly exited: Promise<Exit>;
  /** Undefined while it runs. */
  readonly exit: Exit | undefined;
  /** Sends `signal`; nothing when it has exited. */
  signal(signal: NodeJS.Signals): void;
}

export interface SpawnOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** stdout and stderr go here: appended, or the file started afresh (`fresh`). */
  readonly log: string;
  readonly fresh?: boolean;
  readonly cwd: string;
  /** In a process group of its own and not waited for: it outlives this process (the CLI's `start`). */
  readonly detached: boolean;
}

export const spawnLogged = (command: string, args: readonly string[], options: SpawnOptions): Promise<Child> =>
  new Promise((resolve, reject) => {
    const fd = openSync(options.log, options.fresh === true ? 'w' : 'a');
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', fd, fd], detached: options.detached });
    closeSync(fd);
    let exit: Exit | undefined;
    const exited = new Promise<Exit>((settle) => {
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        settle(exit);
      });
    });
    child.once('error', reject);
    child.once('spawn', () => {
      if (options.detached) child.unref();
      resolve({
        pid: child.pid!,
        exited,
        get exit() {
          return exit;
        },
        signal: (signal) => {
          if (exit === undefined) child.kill(signal);
        },
      });
    });
  });

/** Sends `signal`, waits for the exit up to `graceMs`, then SIGKILL (and waits for that). */
export const stopChild = async (child: Child, signal: NodeJS.Signals, graceMs: number): Promise<Exit> => {
  child.signal(signal);
  const timer = sleep(graceMs, 'late' as const);
  if ((await Promise.race([child.exited, timer])) === 'late') child.signal('SIGKILL');
  return child.exited;
};

// ---- by pid (a process another invocation started) -------------------------------------------

/** The process's command line, or undefined when there is no such process (or only its zombie). */
const commandLine = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/s.test(stat)) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
};

/** True while `pid` runs a command line containing `marker` (pids get reused). */
export const pidRuns = (pid: number, marker: string): boolean => commandLine(pid)?.includes(marker) ?? false;

const signalPid = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
};

/** Sends `signal` to `pid` if it still runs `marker`. */
export const signalIfRuns = (pid: number, marker: string, signal: NodeJS.Signals): void => {
  if (pidRuns(pid, marker)) signalPid(pid, signal);
};

/** Stops the process `pid` if it still runs `marker`: `signal`, then SIGKILL after `graceMs`. True when it had to be killed. */
export const stopPid = async (pid: number, marker: string, signal: NodeJS.Signals, graceMs: number): Promise<boolean> => {
  if (!pidRuns(pid, marker)) return false;
  signalPid(pid, signal);
  const deadline = Date.now() + graceMs;
  while (pidRuns(pid, marker)) {
    if (Date.now() > deadline) {
      signalPid(pid, 'SIGKILL');
      while (pidRuns(pid, marker)) await sleep(50);
      return true;
    }
    await sleep(100);
  }
  return false;
};
