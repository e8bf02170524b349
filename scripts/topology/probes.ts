// What the topology asks its processes and the balancer: a node's readiness (GET /ready on its
// operations port), the balancer's view of its servers (HAProxy's statistics as CSV), and a wait
// by polling, which gives up early when the process it waits for has exited.
import { setTimeout as sleep } from 'node:timers/promises';

/** The status of GET `url` (undefined when nothing answers within `timeoutMs`), and the body. */
export const httpGet = async (url: string, timeoutMs = 2_000): Promise<{ status: number; body: string } | undefined> => {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
};

/** 'ready', or why not ('503 {...}', 'no answer'). */
export const readinessAt = async (opsUrl: string): Promise<string> => {
  const answer = await httpGet(`${opsUrl}/ready`);
  if (answer === undefined) return 'no answer';
  return answer.status === 200 ? 'ready' : `${answer.status} ${answer.body}`;
};

/** One server of the balancer: `backend/server` and HAProxy's status (UP, DOWN, "UP 1/2" when failing, MAINT, ...). */
export interface ServerStatus {
  readonly backend: string;
  readonly server: string;
  readonly status: string;
}

/** The servers of every backend, from `<statsUrl>/;csv`. */
export const gatewayServers = async (statsUrl: string): Promise<ServerStatus[]> => {
  const answer = await httpGet(`${statsUrl}/;csv`);
  if (answer === undefined || answer.status !== 200) throw new Error(`the balancer's statistics (${statsUrl}/;csv) did not answer`);
  const [header, ...rows] = answer.body.trim().split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const at = (name: string) => columns.indexOf(name);
  const [px, sv, st] = [at('pxname'), at('svname'), at('status')];
  return rows
    .map((row) => row.split(','))
    .filter((cells) => cells[sv] !== 'FRONTEND' && cells[sv] !== 'BACKEND')
    .map((cells) => ({ backend: cells[px] ?? '', server: cells[sv] ?? '', status: cells[st] ?? '' }));
};

/** In rotation: checked and passing ("UP", or "UP 1/2" while one check failed). */
export const isUp = (status: string): boolean => status === 'UP' || status.startsWith('UP ');

/** Out of rotation: its checks failed ("DOWN", "DOWN 1/2" on its way back) or it is in maintenance. */
export const isDown = (status: string): boolean => status.startsWith('DOWN') || status.startsWith('MAINT');

/**
 * Polls `check` every 50 ms until it gives a value; fails after `timeoutMs` with `what`, or at
 * once when `abandon` names a reason (a process that exited).
 */
export const waitFor = async <T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs: number,
  abandon: () => string | undefined = () => undefined,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    const reason = abandon();
    if (reason !== undefined) throw new Error(`gave up waiting for ${what}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
};
