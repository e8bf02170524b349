// The SQL kept in .sql files (infra/sql/sql-file.ts): every migration has SQL, every .sql file of
// the source folders is read by some module (none lies unused, and `npm run build` put each in
// dist/ where its module looks), and a missing file fails naming its path.
import assert from 'node:assert/strict';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandMigrations } from '../../commands/index.js';
import { loadedSqlFiles, sqlFile } from '../../infra/index.js';
import { readModelMigrations } from '../../projections/index.js';
// Loaded for its queries' SQL files (read-api/analytics/sql/), read when their module loads.
import '../../read-api/index.js';
import { sqlFilesUnder } from '../../scripts/sql-files.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const root = join(dist, '..');

/** The SQL without its comments and blank space. */
const statementsOf = (sql: string): string => sql.replace(/--.*$/gm, '').trim();

describe('SQL files', () => {
  const migrations = [...commandMigrations, ...readModelMigrations];

  it('every migration has SQL, not only comments, under a distinct id', () => {
    for (const m of migrations) assert.notEqual(statementsOf(m.sql), '', `migration ${m.id} has no SQL`);
    assert.equal(new Set(migrations.map((m) => m.id)).size, migrations.length);
  });

  it('every .sql file of the source folders is read by a module (from its place in dist/)', () => {
    const sources = sqlFilesUnder(root);
    assert.ok(sources.length >= migrations.length);
    const loaded = loadedSqlFiles().map((file) => relative(dist, file)).sort();
    assert.deepEqual(loaded, sources);
  });

  it('a missing file fails when its module loads, naming the file', () => {
    assert.throws(() => sqlFile(import.meta.url, 'sql/no-such-statement.sql'), /no-such-statement\.sql/);
  });
});
