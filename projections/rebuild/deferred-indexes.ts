// The fresh tables' secondary indexes (those that back no constraint) are dropped before the build
// and made again after it: building an index once over the loaded rows is far cheaper than keeping
// it up to date row by row. Their definitions are read from the catalog, so a schema change needs
// no change here; constraints (primary keys, uniques: the build's upserts rely on them) stay.
import type { SqlExecutor } from '../../infra/index.js';

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

/** Makes the indexes again (run after the build, before the swap). */
export const createIndexes = async (sql: SqlExecutor, definitions: readonly string[]): Promise<void> => {
  for (const definition of definitions) await sql.exec(definition);
};
