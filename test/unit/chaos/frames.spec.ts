// The chaos suite's frame check: per subscriber and auction, versions rise by one after each
// baseline (snapshot or first update), across reconnections; none doubled; the last one is the log's.
import assert from 'node:assert/strict';
import { checkFrameSequence } from '../../../scripts/chaos/checks/frames.js';
import type { FrameEntry } from '../../../scripts/chaos/load/records.js';

const snapshot = (version: number): FrameEntry => ({ kind: 'snapshot', version });
const update = (version: number): FrameEntry => ({ kind: 'update', version });
const connected: FrameEntry = { kind: 'connected' };

describe('chaos: frame sequences', () => {
  it('accepts a snapshot then every version once, in order, resumed across a reconnection', () => {
    const check = checkFrameSequence([connected, snapshot(3), update(4), update(5), connected, update(6), update(7)], 7);
    assert.deepEqual(check, { received: 5, missed: 0, doubled: 0, resyncs: 0, reconnections: 1, last: 7, problems: [] });
  });

  it('counts a hole as missed versions', () => {
    const check = checkFrameSequence([snapshot(1), update(2), update(5), update(6)], 6);
    assert.equal(check.missed, 2);
    assert.deepEqual(check.problems, ['versions 3-4 missed (version 5 after 2)']);
  });

  it('counts a version received again, or one going back, as doubled', () => {
    const check = checkFrameSequence([snapshot(1), update(2), update(3), connected, update(3), update(2), update(4)], 4);
    assert.equal(check.doubled, 2);
    assert.equal(check.missed, 0);
    assert.equal(check.last, 4);
  });

  it('takes a later snapshot as a resync (not a miss), and one going back as doubled versions', () => {
    const forward = checkFrameSequence([snapshot(1), update(2), connected, snapshot(9), update(10)], 10);
    assert.deepEqual([forward.missed, forward.doubled, forward.resyncs], [0, 0, 1]);
    const back = checkFrameSequence([snapshot(5), update(6), snapshot(4), update(5), update(6)], 6);
    assert.equal(back.doubled, 2);
    assert.equal(back.problems[0], 'snapshot at version 4 after version 6');
  });

  it('takes the first update as the baseline when no snapshot came first', () => {
    assert.deepEqual(checkFrameSequence([update(7), update(8)], 8).problems, []);
  });

  it('counts the versions short of the log at the end as missed, and nothing received as all missed', () => {
    const behind = checkFrameSequence([snapshot(1), update(2)], 5);
    assert.equal(behind.missed, 3);
    assert.deepEqual(behind.problems, ['ended at version 2; the auction is at version 5']);
    assert.equal(checkFrameSequence([connected], 4).missed, 4);
    assert.deepEqual(checkFrameSequence([snapshot(6)], 5).problems, ['ended at version 6, beyond the log\'s version 5']);
  });
});
