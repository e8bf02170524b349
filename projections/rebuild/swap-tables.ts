// Renaming a rebuilt table into the place of the live one, with everything named after it: its
// constraints (primary key, checks, and on PostgreSQL 18 the NOT NULL constraints; renaming a
// constraint renames the index behind it) and its other indexes. Names are read from the catalog,
// so a schema change needs no change here. Run inside the swap's transaction.
import type { SqlExecutor } from '../../infra/index.js';
import { assertSqlIdentifier } from '../../infra/index.js';

const renamed = (name: string, from: string, to: string): string | undefined =>
  name.startsWith(from) ? `${to}${name.slice(from.length)}` : undefined;

/** Renames table `from` to `to`, and each constraint and index whose name starts with `from`. */
export const renameTableWithDependents = async (tx: SqlExecutor, from: string, to: string): Promise<void> => {
  assertSqlIdentifier(from, 'table');
  assertSqlIdentifier(to, 'table');
  const constraints = await tx.query<{ name: string }>('SELECT conname AS name FROM pg_constraint WHERE conrelid = to_regclass($1) ORDER BY conname', [from]);
  for (const { name } of constraints.rows) {
    const target = renamed(name, from, to);
    if (target !== undefined) await tx.query(`ALTER TABLE ${from} RENAME CONSTRAINT ${assertSqlIdentifier(name, 'constraint')} TO ${assertSqlIdentifier(target, 'constraint')}`);
  }
  const indexes = await tx.query<{ name: string }>(
    'SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = to_regclass($1) ORDER BY c.relname',
    [from],
  );
  for (const { name } of indexes.rows) {
    const target = renamed(name, from, to);
    if (target !== undefined) await tx.query(`ALTER INDEX ${assertSqlIdentifier(name, 'index')} RENAME TO ${assertSqlIdentifier(target, 'index')}`);
  }
  await tx.query(`ALTER TABLE ${from} RENAME TO ${to}`);
};
