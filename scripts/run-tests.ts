// `npm test`: every compiled suite under dist/test, through mocha's API, closing with one plain
// line `N passed, N failed, N skipped` that CI reads. Optional filter: `npm test -- <substring>`.
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const testRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'test');

const specFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return specFiles(path);
    return name.endsWith('.spec.js') ? [path] : [];
  });

const filter = process.argv[2];
const mocha = new Mocha({ timeout: 60_000, reporter: 'spec' });
for (const file of specFiles(testRoot).sort()) {
  if (filter === undefined || file.includes(filter)) mocha.addFile(file);
}

await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const { passes = 0, pending = 0 } = runner.stats ?? {};
  console.log(`\n${passes} passed, ${failures} failed, ${pending} skipped`);
  process.exitCode = failures > 0 ? 1 : 0;
  // Some clients (pools, sockets) may linger after a suite; the verdict is in, so end here.
  setTimeout(() => process.exit(), 200).unref();
});
