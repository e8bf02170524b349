// SQL kept in .sql files beside the module that runs it (in its `sql/` folder), one statement or
// migration per file, the SQL being its own documentation. A file is read once, synchronously, when
// its module loads; a missing or empty one fails that load, naming the file. `npm run build`
// copies the files into dist/ beside the compiled modules (scripts/copy-sql.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Migration } from './migrate.js';

const loaded = new Set<string>();

/** The text of the SQL file at `path`, relative to the module at `moduleUrl` (its import.meta.url). */
export const sqlFile = (moduleUrl: string, path: string): string => {
  const file = fileURLToPath(new URL(path, moduleUrl));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the SQL file ${file} (does \`npm run build\` copy it?): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (text.trim() === '') throw new Error(`the SQL file ${file} is empty`);
  loaded.add(file);
  return text;
};

/** The migration `id` whose SQL is the file `sql/<the id's last part>.sql` beside the module at `moduleUrl`. */
export const migrationFromFile = (moduleUrl: string, id: string): Migration => ({ id, sql: sqlFile(moduleUrl, `sql/${id.slice(id.lastIndexOf('/') + 1)}.sql`) });

/** Every SQL file read so far (absolute paths): the test that no file lies unused. */
export const loadedSqlFiles = (): readonly string[] => [...loaded];
