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
