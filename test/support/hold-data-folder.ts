// A child process for the data-folder tests: opens the PGlite folder DATA_DIR as every tool does
// (openPglite), says "holding" on stdout, and keeps it open until it is signalled or killed. It
// installs no signal handler of its own, as the tools.
import { openPglite } from '../../infra/index.js';

const dataDir = process.env.DATA_DIR;
if (dataDir === undefined || dataDir === '') throw new Error('DATA_DIR is not set');
try {
  await openPglite(dataDir);
} catch (error) {
  process.stderr.write(`hold-data-folder: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
process.stdout.write('holding\n');
setInterval(() => undefined, 60_000);
