// The per-socket frame budget: a token bucket judged frame by frame, with the refusal sequence
// (tell once, then ignore, then close) a churning client meets.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameBudget } from '../../../realtime/frame-budget.js';
import type { FrameVerdict } from '../../../realtime/frame-budget.js';

describe('frame budget', () => {
  it('accepts a burst at once, then tells the client once, ignores, and closes after a burst of refusals', () => {
    const budget = new FrameBudget(10, 4, 0);
    const verdicts: FrameVerdict[] = Array.from({ length: 8 }, () => budget.take(0));
    assert.deepEqual(verdicts, ['accept', 'accept', 'accept', 'accept', 'refuse-and-tell', 'refuse', 'refuse', 'close']);
  });

  it('refills at the rate: a client that slows down is served again, and its refusals start over', () => {
    const budget = new FrameBudget(10, 2, 0);
    assert.deepEqual([budget.take(0), budget.take(0), budget.take(0)], ['accept', 'accept', 'refuse-and-tell']);
    assert.equal(budget.take(100), 'accept', 'one frame per 100 ms at 10/s');
    assert.equal(budget.take(100), 'refuse-and-tell', 'an accepted frame starts the refusals over');
    assert.deepEqual([budget.take(10_000), budget.take(10_000), budget.take(10_000)], ['accept', 'accept', 'refuse-and-tell'], 'never more than the burst');
  });

  it('refuses a nonsensical budget', () => {
    assert.throws(() => new FrameBudget(0, 10, 0));
    assert.throws(() => new FrameBudget(10, 0, 0));
  });

  it('property: in any time window, accepted frames never exceed the burst plus the rate times the window', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 1, max: 50 }),
      fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 300 }),
      (perSecond, burst, gaps) => {
        const budget = new FrameBudget(perSecond, burst, 0);
        let now = 0;
        const accepted: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const verdict = budget.take(now);
          if (verdict === 'accept') accepted.push(now);
          if (verdict === 'close') break;
        }
        for (let i = 0; i < accepted.length; i++) {
          for (let j = i; j < accepted.length; j++) {
            const window = accepted[j]! - accepted[i]!;
            assert.ok(j - i + 1 <= burst + (window * perSecond) / 1000 + 1e-9, `${j - i + 1} frames in ${window} ms`);
          }
        }
      },
    ));
  });
});
