// Schema migrations: each has a stable id; applied ids are recorded in `schema_migrations`.
// Safe when several processes start at once: the runner holds a transaction-scoped advisory
// lock, so one applies the pending migrations and the others then find nothing left to do.
import type { SqlExecutor } from './executor.js';

export interface Migration {
  /** Stable and unique across the whole database, e.g. 'event-log/001-events'. Never reuse or edit an applied one. */
  readonly id: string;
  /** One or more statements, run in the same transaction as the bookkeeping. */
  readonly sql: string;
}

/** Any fixed 64-bit key would do; this one is "gavelstm" in ASCII. */
const MIGRATION_LOCK_KEY = '7449365436630791277';

/** Applies the migrations not yet recorded, in the given order, in one transaction. Returns the ids it applied. */
export const migrate = async (sql: SqlExecutor, migrations: readonly Migration[]): Promise<readonly string[]> => {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`migration id ${m.id} appears twice`);
    ids.add(m.id);
  }
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.id));
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.id)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      done.push(m.id);
    }
    return done;
  });
};
