// Starts the real system in-process for end-to-end tests: embedded (PGlite in memory, no Redis),
// or against PostgreSQL and Redis. Each system gets a fresh PostgreSQL database and its own Redis
// namespaces, so suites never see each other's data.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../../infra/index.js';
import { createLogger, loadConfig, mintToken } from '../../infra/index.js';
import type { Role } from '../../infra/index.js';
import { startSystem } from '../../scripts/compose/system.js';
import type { RunningSystem, SystemOptions } from '../../scripts/compose/system.js';
import { serviceUrl } from './services.js';

export interface Backend {
  readonly name: string;
  readonly databaseUrl?: string | undefined;
  readonly redisUrl?: string | undefined;
  /** A Redis Cluster's seeds (REDIS_CLUSTER_NODES), instead of `redisUrl`. */
  readonly redisClusterNodes?: string | undefined;
}

export const embedded: Backend = { name: 'embedded (PGlite, in-memory adapters)' };

/** A fresh database on the server of `url`, dropped by the returned function. */
export const freshDatabase = async (url: string): Promise<{ url: string; drop: () => Promise<void> }> => {
  const name = `gs_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return {
    url: fresh.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
};

export interface TestSystem extends RunningSystem {
  readonly config: Config;
  readonly url: string;
  token(userId: string, ...roles: Role[]): Promise<string>;
  /** fetch against the system with JSON in and out; an undefined `token` sends no authorization header. */
  call(method: string, path: string, options?: { token?: string | undefined; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const startTestSystem = async (backend: Backend, options: SystemOptions & { env?: Record<string, string> } = {}): Promise<TestSystem> => {
  const database = backend.databaseUrl === undefined ? undefined : await freshDatabase(backend.databaseUrl);
  const config = loadConfig({
    PORT: '0',
    REALTIME_PORT: '0',
    DATA_DIR: 'memory',
    LOG_LEVEL: 'silent',
    AUTH_JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...(database !== undefined ? { DATABASE_URL: database.url } : {}),
    ...(backend.redisUrl !== undefined ? { REDIS_URL: backend.redisUrl } : {}),
    ...(backend.redisClusterNodes !== undefined ? { REDIS_CLUSTER_NODES: backend.redisClusterNodes } : {}),
    ...options.env,
  });
  const system = await startSystem(config, createLogger(config.logLevel), {
    schedulerNamespace: `gs:test:${randomUUID()}`,
    liveCacheNamespace: `gs:test:${randomUUID()}:live-cache`,
    notifierNamespace: `gs:test:${randomUUID()}:notifier`,
    signInLockoutNamespace: `gs:test:${randomUUID()}:signin`,
    ...options,
  });
  if (system.url === undefined) throw new Error('the test system serves no HTTP');
  const url = system.url;
  return {
    ...system,
    config,
    url,
    stop: async () => {
      await system.stop();
      await database?.drop();
    },
    token: (userId, ...roles) => mintToken({ secret: config.jwtSecret, sub: userId, roles, expiresIn: '1h' }),
    call: async (method, path, o = {}) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(o.token !== undefined ? { authorization: `Bearer ${o.token}` } : {}),
          ...o.headers,
        },
        ...(o.body !== undefined ? { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
    },
  };
};

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export const eventually = async <T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * Runs `suite` twice: embedded (`<title>: embedded`), and on PostgreSQL and Redis
 * (`<title>: PostgreSQL and Redis`) when DATABASE_URL and REDIS_URL are set, else skipped in one line.
 */
export const embeddedAndServices = (title: string, suite: (backend: () => Backend, onServices: boolean) => void): void => {
  describe(`${title}: embedded`, () => suite(() => embedded, false));
  describe(`${title}: PostgreSQL and Redis`, function () {
    let backend: Backend;
    before(function () {
      const what = `${title} on PostgreSQL and Redis`;
      backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', what), redisUrl: serviceUrl(this, 'REDIS_URL', what) };
    });
    suite(() => backend, true);
  });
};
