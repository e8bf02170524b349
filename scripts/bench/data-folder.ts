// Where the embedded server under test keeps its data: nowhere (DATA_DIR=memory), or, in the
// embedded-disk mode, a fresh temporary folder (PGlite's files, as with the default DATA_DIR of
// `npm start`), removed afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mode } from './options.js';

export interface DataFolder {
  /** The DATA_DIR for the server. */
  readonly dataDir: string;
  remove(): Promise<void>;
}

export const dataFolderFor = async (mode: Mode): Promise<DataFolder> => {
  if (mode !== 'embedded-disk') return { dataDir: 'memory', remove: async () => undefined };
  const dataDir = await mkdtemp(join(tmpdir(), 'gavelstream-bench-'));
  return { dataDir, remove: () => rm(dataDir, { recursive: true, force: true }) };
};
