// The page's live-update rules: which frames apply, which are duplicates, which reveal a gap (and so
// a resubscription with sinceVersion), and the reconnect backoff.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LiveModule } from '../../support/page-modules.js';
import { importPageModule } from '../../support/page-modules.js';

describe('page: live frames and reconnects', () => {
  let live: LiveModule;
  before(async () => {
    live = await importPageModule<LiveModule>('live.js');
  });

  it('applies the next version, drops seen ones, resyncs on a gap, waits for the snapshot first', () => {
    assert.equal(live.classifyFrame(4, 5), 'apply');
    assert.equal(live.classifyFrame(4, 4), 'duplicate');
    assert.equal(live.classifyFrame(4, 2), 'duplicate');
    assert.equal(live.classifyFrame(4, 6), 'gap');
    assert.equal(live.classifyFrame(undefined, 1), 'early');
  });

  it('applying frames by these rules, with resends after gaps, yields every version once, in order', () => {
    // The server's versions 2..n reach the client through a noisy channel (reordered, dropped and
    // duplicated frames; every other run of five deliveries is clean). A gap makes the client
    // resubscribe with sinceVersion = the last version it applied, and the server sends everything
    // after it again.
    fc.assert(fc.property(fc.integer({ min: 2, max: 40 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 50 }), (n, noise) => {
      const all = Array.from({ length: n - 1 }, (_, i) => i + 2);
      const after = (v: number) => all.filter((x) => x > v);
      let known = 1;
      const applied: number[] = [];
      let wire = [...all];
      for (let step = 0; known < n && step < 100_000; step++) {
        if (wire.length === 0) wire = after(known); // the next frame (or a reconnect) reveals what was lost
        const action = Math.floor(step / 5) % 2 === 1 ? 0 : noise[step % noise.length]!;
        if (action === 1 && wire.length > 1) [wire[0], wire[1]] = [wire[1]!, wire[0]!];
        const frame = wire.shift()!;
        if (action === 2) continue;
        if (action === 3) wire.push(frame);
        const verdict = live.classifyFrame(known, frame);
        if (verdict === 'apply') {
          applied.push(frame);
          known = frame;
        } else if (verdict === 'gap') {
          wire = after(known);
        }
      }
      assert.deepEqual(applied, all);
    }));
  });

  it('backs off exponentially with jitter, within its cap', () => {
    assert.equal(live.backoffDelay(0, 0), 250);
    assert.equal(live.backoffDelay(0, 0.999999), 500);
    assert.equal(live.backoffDelay(3, 0), 2000);
    assert.equal(live.backoffDelay(3, 0.999999), 4000);
    assert.equal(live.backoffDelay(50, 0.999999), 15_000);
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
      const d = live.backoffDelay(attempt, r);
      const ceiling = Math.min(15_000, 500 * 2 ** Math.min(attempt, 20));
      return d >= ceiling / 2 - 1 && d <= ceiling && Number.isInteger(d);
    }));
  });
});
