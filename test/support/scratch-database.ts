// Scratch databases for read-side integration tests: each test gets its own schema (events,
// attempts, read models and checkpoints, all migrated), on one PGlite instance per suite (PGlite
// takes seconds to start) or on a fresh PostgreSQL database per suite. Schemas keep tests apart.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EventLog } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { migrate, openPglite, openPostgres } from '../../infra/index.js';
import { commandMigrations, createPostgresEventLog } from '../../commands/index.js';
import type { PostgresEventLog } from '../../commands/index.js';
import { readModelMigrations } from '../../projections/index.js';
import { AuctionWriter } from './auction-traffic.js';
import { freshDatabase } from './system.js';

export interface Scratch {
  readonly sql: SqlExecutor;
  readonly log: PostgresEventLog;
  readonly schema: string;
  /** The log as read on another executor (a transaction's), for a rebuild's swap. */
  logOn(sql: SqlExecutor): Promise<Pick<EventLog, 'readAll'>>;
  close(): Promise<void>;
}

export interface ScratchServer {
  readonly name: string;
  readonly kind: 'pglite' | 'postgres';
  /** A fresh, migrated schema. */
  open(): Promise<Scratch>;
  close(): Promise<void>;
}

const newSchema = () => `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const allMigrations = [...commandMigrations, ...readModelMigrations];
const logOn = (sql: SqlExecutor) => createPostgresEventLog(sql);

export const pgliteServer = async (): Promise<ScratchServer> => {
  const db = await openPglite('memory');
  let current: string | undefined;
  return {
    name: 'PGlite',
    kind: 'pglite',
    open: async () => {
      const schema = newSchema();
      await db.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema};`);
      current = schema;
      await migrate(db, allMigrations);
      const log = await createPostgresEventLog(db, { pollIntervalMs: 50 });
      return {
        sql: db,
        log,
        schema,
        logOn,
        close: async () => {
          await log.close();
          if (current === schema) await db.exec(`SET search_path TO public; DROP SCHEMA ${schema} CASCADE;`);
        },
      };
    },
    close: () => db.close(),
  };
};

export const postgresServer = async (url: string): Promise<ScratchServer> => {
  const database = await freshDatabase(url);
  return {
    name: 'PostgreSQL',
    kind: 'postgres',
    open: async () => {
      const schema = newSchema();
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await admin.end();
      }
      const sql = await openPostgres(database.url, { schema, max: 6 });
      await migrate(sql, allMigrations);
      const log = await createPostgresEventLog(sql, { pollIntervalMs: 50 });
      return {
        sql,
        log,
        schema,
        logOn,
        close: async () => {
          await log.close();
          await sql.close();
        },
      };
    },
    close: () => database.drop(),
  };
};

/** A scratch schema and an auction writer appending to its log. */
export interface ScratchWithWriter {
  readonly db: Scratch;
  readonly writer: AuctionWriter;
}

/** Before each test of the suite: a fresh scratch schema on `server()` and a writer, handed to `use`; the schema is closed after the test. */
export const freshScratchEachTest = (server: () => ScratchServer, use: (fresh: ScratchWithWriter) => void): void => {
  let db: Scratch | undefined;
  beforeEach(async () => {
    db = await server().open();
    use({ db, writer: new AuctionWriter(db.log) });
  });
  afterEach(async () => db?.close());
};
