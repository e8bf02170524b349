// Small process helpers the chaos suite's services share: run a command to its end (optionally as
// another user), a user's ids (for the folders of servers that refuse root), wait for a child to
// exit, wait until a TCP port answers, and sleep.
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export interface RunOptions {
  /** Run as this user (`runuser -u USER -- ...`): PostgreSQL refuses to run as root. */
  readonly asUser?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** Runs a command to its end; rejects with its output when it fails. */
export const run = (command: string, args: readonly string[], options: RunOptions = {}): Promise<string> => {
  const [file, argv] = options.asUser !== undefined ? ['runuser', ['-u', options.asUser, '--', command, ...args]] : [command, [...args]];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`.trim()));
      else resolve(stdout);
    });
  });
};

/** Resolves once the child has exited (at once when it already has). */
export const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export const portAnswers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });

/**
 * Polls `check` every `everyMs` until it returns true; rejects naming `what` after `timeoutMs`, or
 * at once with the check's own error when it throws (a check that may fail for a while catches).
 */
export const waitUntil = async (check: () => Promise<boolean>, what: string, timeoutMs: number, everyMs = 100): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
};

/** Whether a process with this pid runs (a zombie, dead but not yet reaped by its parent, does not). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** A user's uid and gid (from /etc/passwd), for the folder of a server that runs as that user. */
export const userIds = (user: string, server: string): { uid: number; gid: number } => {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  const fields = line?.split(':');
  if (fields === undefined || fields.length < 4) throw new Error(`no user ${user} to run ${server} as`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
};
