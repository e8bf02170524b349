// The read models' columns are written twice on purpose, once as the schema (sql/001-tables.sql,
// the SQL being its documentation) and once as the rows' mapping (table-columns.ts); this test
// holds the two together: every table the migrations make has exactly the mapped columns, with
// the mapped types and nullability.
import assert from 'node:assert/strict';
import { readModelColumns } from '../../../projections/index.js';
import type { Scratch, ScratchServer } from '../../support/scratch-database.js';
import { pgliteServer } from '../../support/scratch-database.js';

const sqlTypeOf: Record<string, string> = { text: 'text', bigint: 'bigint', integer: 'integer', boolean: 'boolean', 'timestamp with time zone': 'timestamptz' };

describe('read-model tables and their column mapping (PGlite)', () => {
  let server: ScratchServer;
  let scratch: Scratch;
  before(async () => {
    server = await pgliteServer();
    scratch = await server.open();
  });
  after(async () => {
    await scratch?.close();
    await server?.close();
  });

  for (const [table, columns] of Object.entries(readModelColumns)) {
    it(`${table} has exactly the mapped columns`, async () => {
      const { rows } = await scratch.sql.query<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = $2 ORDER BY column_name`,
        [scratch.schema, table],
      );
      const stored = rows.map((r) => `${r.column_name} ${sqlTypeOf[r.data_type] ?? r.data_type}${r.is_nullable === 'YES' ? ' null' : ''}`);
      const mapped = columns.map((c) => `${c.name} ${c.type}${c.nullable === true ? ' null' : ''}`).sort();
      assert.deepEqual(stored, mapped);
    });
  }
});
