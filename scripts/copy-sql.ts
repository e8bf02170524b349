// The second half of `npm run build` (after tsc): copies every .sql file of the source folders to
// the same place under dist/, beside its compiled module, which reads it when it loads; a .sql file
// left in dist/ whose source is gone is removed. Run from dist/scripts/.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlFilesUnder } from './sql-files.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(dist, '..');

const sources = sqlFilesUnder(root);
for (const file of sources) {
  mkdirSync(dirname(join(dist, file)), { recursive: true });
  copyFileSync(join(root, file), join(dist, file));
}
const kept = new Set(sources);
for (const stale of sqlFilesUnder(dist).filter((file) => !kept.has(file))) rmSync(join(dist, stale));
