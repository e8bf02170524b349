// ioredis connections to one Redis server: one factory so every role connects the same way, and
// fails at start with a message naming the URL (password hidden) rather than retrying forever in
// the background. A Redis Cluster is opened by redis-cluster.ts; `RedisClient` is either.
import { Redis } from 'ioredis';
import type { Cluster } from 'ioredis';
import type { Logger } from './logger.js';

export type { Redis, Cluster } from 'ioredis';

/**
 * The shared command connection every Redis user takes: one server (REDIS_URL) or a Redis Cluster
 * (REDIS_CLUSTER_NODES). Both run the same commands, scripts (defineCommand), pipelines and
 * transactions; on a Cluster, the keys of one script, transaction or pipeline must share a slot
 * (redis-slots.ts).
 */
export type RedisClient = Redis | Cluster;

/** Whether the client is a Redis Cluster's. */
export const isCluster = (client: RedisClient): client is Cluster => client.isCluster;

export interface OpenRedisOptions {
  /** Receives connection errors and reconnects (at warn level), instead of ioredis's console message. */
  readonly logger?: Logger;
  /** How long the first connection may take before `openRedis` gives up (ms). Default 10 000. */
  readonly startTimeoutMs?: number;
  /**
   * How many reconnections a command waits through before it fails (ioredis option).
   * Default 2, so callers (rate limiter, caches) fail fast and fall back while Redis is down.
   * Pass null for subscriber or blocking connections, which should wait indefinitely.
   */
  readonly maxRetriesPerRequest?: number | null;
  /** Prepended to every key of every command (ioredis option); the lease's clients on a cluster use it. */
  readonly keyPrefix?: string;
}

/** The URL as it may be shown in logs and errors: the password replaced by `***`. */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
};

/** Reconnect backoff: 50 ms, 100 ms, ... growing to at most 2 s, forever (after the start). */
export const reconnectDelayMs = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt - 1, 6), 2000);

/**
 * Opens a Redis connection named `name` (shown by CLIENT LIST) and waits until it is ready.
 * A bad URL, a refused connection, a wrong password or database number rejects with an Error
 * naming the (redacted) URL and the cause; nothing is left running in that case. After the
 * start, lost connections are retried with a capped backoff. Commands are auto-pipelined.
 */
export const openRedis = async (url: string, name: string, options: OpenRedisOptions = {}): Promise<Redis> => {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Redis (${name}): not a valid URL: ${shown}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`Redis (${name}): expected a redis: or rediss: URL, got ${shown}`);
  }
  const client = new Redis(url, { lazyConnect: true, enableAutoPipelining: true, retryStrategy: reconnectDelayMs, ...connectionOptions(name, options) });
  await startClient(client, { what: 'Redis', name, shown, options }, async () => {
    // ioredis reports a failed SELECT only as an 'error' event and carries on in database 0:
    // select again, so a database number the server lacks fails here.
    const db = Number(parsed.pathname.slice(1) || '0');
    if (!Number.isSafeInteger(db) || db < 0) throw new Error(`invalid database number in the URL path`);
    if (db !== 0) await client.select(db);
  });
  client.on('reconnecting', (delay: number) => options.logger?.warn({ redis: name, delayMs: delay }, 'redis reconnecting'));
  return client;
};

/** The options every connection takes, one server's or a cluster node's. */
export const connectionOptions = (name: string, options: OpenRedisOptions) => ({
  connectionName: name,
  connectTimeout: 5000,
  maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
  ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
});

/**
 * Connects a lazy client, runs `check` on it and PINGs, within the start timeout; on failure it
 * disconnects and rejects with an Error saying `<what> (<name>): cannot connect to <shown>: <cause>`
 * (ioredis's own 'Connection is closed.' says less than the socket error before it, which is
 * added). After the start, connection errors are logged at warn level.
 */
export const startClient = async <C extends RedisClient>(
  client: C,
  id: { readonly what: string; readonly name: string; readonly shown: string; readonly options: OpenRedisOptions },
  check: () => Promise<void> = async () => undefined,
): Promise<C> => {
  const { what, name, shown, options } = id;
  let lastError: Error | undefined;
  let started = false;
  client.on('error', (err: Error) => {
    lastError = err;
    if (started) options.logger?.warn({ redis: name, err: err.message }, `${what} error`);
  });
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready after ${startTimeoutMs} ms`)), startTimeoutMs);
      }),
    ]);
    await check();
    await client.ping();
  } catch (err) {
    client.disconnect();
    const message = (err as Error).message;
    const cause = lastError !== undefined && /connection is closed|refresh slots/i.test(message) ? `${message} (${lastError.message})` : message;
    throw new Error(`${what} (${name}): cannot connect to ${shown}: ${cause}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  started = true;
  options.logger?.debug({ redis: name, at: shown }, `${what} connected`);
  return client;
};

/**
 * Closes a connection and resolves once it has ended: QUIT (pending replies are delivered first)
 * when connected, else disconnects at once. Never rejects.
 */
export const closeRedis = async (client: RedisClient): Promise<void> => {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  if (client.status === 'ready') {
    try {
      await client.quit();
    } catch {
      client.disconnect();
    }
  } else {
    client.disconnect();
  }
  // 'end' follows QUIT's reply once the socket closes; do not wait on a server that never closes it.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
  clearTimeout(timer);
  if ((client.status as string) !== 'end') client.disconnect();
};
