// The projector role in a child process (projector-process.ts), for the tests that kill it
// (SIGKILL) and restart it mid-stream, and the rebuild script they compare it with.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const projectorScript = fileURLToPath(new URL('./projector-process.js', import.meta.url));

/** `npm run rebuild`'s script (dist/scripts/rebuild.js), to run in a child process. */
export const rebuildScript = fileURLToPath(new URL('../../scripts/rebuild.js', import.meta.url));

/** The projector role in a child process with `env`, once it says it runs; kept in `children` until it exits. */
export const spawnProjector = async (env: NodeJS.ProcessEnv, children: Set<ChildProcess>): Promise<ChildProcess> => {
  const child = spawn(process.execPath, [projectorScript], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  assert.equal(chunk.toString().trim(), 'running');
  return child;
};
