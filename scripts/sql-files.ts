// The .sql files of the source folders, each beside the module that loads it (infra/sql/sql-file.ts):
// what `npm run build` copies into dist/ (copy-sql.ts), and what the test that no file lies unused reads.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The folders whose modules are compiled into dist/ (tsconfig.json, and contracts/ through them). */
export const SQL_SOURCE_FOLDERS = ['domain', 'contracts', 'commands', 'projections', 'read-api', 'realtime', 'infra', 'scripts'] as const;

/** The .sql files under `root`'s source folders, as sorted paths relative to `root`. */
export const sqlFilesUnder = (root: string): string[] =>
  SQL_SOURCE_FOLDERS.flatMap((folder) => {
    let entries: string[];
    try {
      entries = readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' });
    } catch {
      return []; // a folder dist/ does not have (yet)
    }
    return entries.filter((entry) => entry.endsWith('.sql')).map((entry) => join(folder, entry));
  }).sort();
