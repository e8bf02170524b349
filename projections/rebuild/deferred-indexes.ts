// The fresh tables' secondary indexes (those that back no constraint) are dropped before the build
// and made again after it: building an index once over the loaded rows is far cheaper than keeping
// it up to date row by row. Their definitions are read from the catalog, so a schema change needs
// no change here; constraints (primary keys, uniques: the build's upserts rely on them) stay, but
// for the primary keys of tables that the build only appends to (bid_history): those are made
// after it too, so a duplicate still fails the rebuild, before anything is swapped.
import type { SqlExecutor } from '../../infra/index.js';
import { assertSqlIdentifier } from '../../infra/index.js';

/** Drops the secondary indexes of `tables`; returns the statements that make them again. */
export const dropSecondaryIndexes = async (tx: SqlExecutor, tables: readonly string[]): Promise<readonly string[]> => {
  const { rows } = await tx.query<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = ANY (SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY c.relname`,
    [tables],
  );
  for (const { name } of rows) await tx.exec(`DROP INDEX ${name}`);
  return rows.map((r) => r.definition);
};

/** Drops the primary keys of `tables` (append-only while built); returns the statements that add them again. */
export const dropPrimaryKeys = async (tx: SqlExecutor, tables: readonly string[]): Promise<readonly string[]> => {
  const { rows } = await tx.query<{ name: string; table: string; definition: string }>(
    `SELECT k.conname AS name, k.conrelid::regclass::text AS table, pg_get_constraintdef(k.oid) AS definition
     FROM pg_constraint k
     WHERE k.contype = 'p' AND k.conrelid = ANY (SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
     ORDER BY k.conname`,
    [tables],
  );
  for (const { name, table } of rows) await tx.exec(`ALTER TABLE ${assertSqlIdentifier(table, 'table')} DROP CONSTRAINT ${assertSqlIdentifier(name, 'constraint')}`);
  return rows.map((r) => `ALTER TABLE ${r.table} ADD CONSTRAINT ${r.name} ${r.definition}`);
};

/** Makes the indexes again (run after the build, before the swap). */
export const createIndexes = async (sql: SqlExecutor, definitions: readonly string[]): Promise<void> => {
  for (const definition of definitions) await sql.exec(definition);
};
