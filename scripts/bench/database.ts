// A fresh PostgreSQL database for each system under test, on the server of DATABASE_URL, dropped
// afterwards, so that runs never measure (or disturb) each other's tables.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export interface FreshDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

const withClient = async <T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

export const freshDatabase = async (serverUrl: string): Promise<FreshDatabase> => {
  const name = `gs_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
};

/**
 * A database kept between runs (`--keep-log`): created when missing, never dropped here. `fresh`
 * tells whether it was created now (then the caller fills it).
 */
export const keptDatabase = async (serverUrl: string, name: string): Promise<FreshDatabase & { readonly fresh: boolean }> => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${JSON.stringify(name)}`);
  const fresh = await withClient(serverUrl, async (c) => {
    const { rows } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length > 0) return false;
    await c.query(`CREATE DATABASE ${name}`);
    return true;
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), fresh, drop: () => Promise.resolve() };
};

/** Drops a kept database (one whose log was left incomplete). */
export const dropDatabase = async (serverUrl: string, name: string): Promise<void> => {
  await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
};
