// The README's walk of one bid ("Following one bid, from the HTTP handler to the WebSocket
// frame") kept true: at most twelve stops, every file it names exists, and every stop of the
// embedded mode really runs for a bid (measured with V8's precise coverage, scripts/walk/).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceOneBid } from '../../scripts/walk/index.js';
import { embedded, startTestSystem } from '../support/system.js';
import type { TestSystem } from '../support/system.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The README section of the walk, up to the next section. */
const walkSection = (): string => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Following one bid');
  assert.ok(start >= 0, 'the README has the section "Following one bid"');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
};

/** The numbered stops: the file each names first, and whether it is on the distributed way only. */
const stops = (section: string): { file: string; distributedOnly: boolean }[] =>
  [...section.matchAll(/^\d+\. (Distributed only: )?`([^`]+)`/gm)].map((m) => ({ file: m[2]!, distributedOnly: m[1] !== undefined }));

describe('the walk of one bid (README)', () => {
  it('has at most twelve stops, each a file that exists', () => {
    const list = stops(walkSection());
    assert.ok(list.length >= 8, `found only ${list.length} stops: has the list's format changed?`);
    assert.ok(list.length <= 12, `${list.length} stops`);
    for (const { file } of list) assert.ok(existsSync(join(root, file)), `${file} does not exist`);
  });

  it('names only files that exist', () => {
    const named = [...walkSection().matchAll(/`((?:[a-z-]+\/)+[a-z-]+\.ts)`/g)].map((m) => m[1]!);
    assert.ok(named.length > 0);
    for (const file of named) assert.ok(existsSync(join(root, file)), `${file} does not exist`);
  });

  describe('embedded, measured', () => {
    let sys: TestSystem;
    before(async () => {
      sys = await startTestSystem(embedded);
    });
    after(async () => sys?.stop());

    it('runs through every embedded stop from the request to the frame', async () => {
      const ran = new Set(await traceOneBid({ url: sys.url, realtimeUrl: sys.realtimeUrl!, jwtSecret: sys.config.jwtSecret }));
      for (const required of ['commands/http/command-routes.ts', 'realtime/server.ts']) assert.ok(ran.has(required), `${required} did not run: is the trace working?`);
      const missed = stops(walkSection()).filter((s) => !s.distributedOnly && !ran.has(s.file)).map((s) => s.file);
      assert.deepEqual(missed, [], 'stops of the README that the bid did not run through');
    });
  });
});
