// CPU time of the PostgreSQL server processes that serve one database (its backends), read from
// /proc (the server runs on this machine): with the Node process's own CPU time, it tells which
// side of a rebuild does the work. Undefined where /proc cannot be read (a remote server).
import { readFile } from 'node:fs/promises';
import type { SqlExecutor } from '../../infra/index.js';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

const cpuMsOf = async (pid: number): Promise<number | undefined> => {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
};

/** CPU ms by backend pid of the database `sql` is connected to. */
export const backendCpu = async (sql: SqlExecutor): Promise<Map<number, number> | undefined> => {
  if (sql.kind !== 'postgres') return undefined;
  const { rows } = await sql.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = await cpuMsOf(pid);
    if (ms === undefined) return undefined;
    out.set(pid, ms);
  }
  return out;
};

/** The CPU ms the backends used between two readings (a backend that started meanwhile counts from 0). */
export const backendCpuBetween = (before: ReadonlyMap<number, number> | undefined, after: ReadonlyMap<number, number> | undefined): number | undefined => {
  if (before === undefined || after === undefined) return undefined;
  let ms = 0;
  for (const [pid, end] of after) ms += end - (before.get(pid) ?? 0);
  return ms;
};
