// The chaos suite's own PostgreSQL server (never the machine's shared one): `initdb` into a folder
// of its own (.chaos/pg), started and stopped with `pg_ctl` on its own port, trust authentication
// on 127.0.0.1. PostgreSQL refuses to run as root, so initdb and pg_ctl run as the `postgres` user
// (runuser) and the folder belongs to it. `stop()` is pg_ctl's fast stop (clients disconnected,
// work committed so far kept); `kill()` is the immediate stop (no shutdown checkpoint: the next
// start recovers from the WAL, as after a crash).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ControllableService } from './service.js';
import { alive, run, userIds } from './process-tools.js';

export interface PostgresServerOptions {
  /** The folder for the data directory and the server's log (removed first, and by `remove()`). */
  readonly dir: string;
  readonly port: number;
  /** Where PostgreSQL's programs are (default /usr/lib/postgresql/15/bin, or PG_BIN). */
  readonly binDir?: string;
  /** The user that runs the server (default postgres). */
  readonly user?: string;
}

export interface PostgresServer extends ControllableService {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
}

/** Creates the cluster (initdb) and starts it. */
export const startPostgresServer = async (options: PostgresServerOptions): Promise<PostgresServer> => {
  const bin = options.binDir ?? process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
  const user = options.user ?? 'postgres';
  const { dir, port } = options;
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const pgCtl = join(bin, 'pg_ctl');
  const asUser = { asUser: user, timeoutMs: 60_000 };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ids = userIds(user, 'PostgreSQL');
  chownSync(dir, ids.uid, ids.gid);
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], asUser);

  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`, // the Unix socket in our folder, not the shared server's
    "-c listen_addresses=127.0.0.1",
    '-c fsync=off', // a killed process loses nothing the OS has; only a machine crash would
    '-c max_connections=200',
  ].join(' ');
  const postmasterPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isSafeInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const start = async (): Promise<void> => {
    await run(pgCtl, ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start'], asUser);
  };
  const stopWith = async (mode: 'fast' | 'immediate'): Promise<void> => {
    if (postmasterPid() === undefined) return;
    await run(pgCtl, ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'], asUser);
  };
  await start();
  let removed = false;
  return {
    name: 'postgresql',
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop: () => stopWith('fast'),
    kill: () => stopWith('immediate'),
    running: () => postmasterPid() !== undefined,
    remove: async () => {
      if (removed) return;
      removed = true;
      await stopWith('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    removeNow: () => {
      if (removed) return;
      removed = true;
      const pid = postmasterPid();
      if (pid !== undefined) {
        try {
          execFileSync('runuser', ['-u', user, '--', pgCtl, '-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore', timeout: 30_000 });
        } catch {
          if (alive(pid)) process.kill(pid, 'SIGKILL');
        }
      }
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
};
