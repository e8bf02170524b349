// The page's Dutch clock (realtime/page/public/dutch-clock.js) is the domain's (domain/dutch-clock.ts):
// the same price at any moment, and the next drop where the domain's price changes.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DutchClock, MinorUnits } from '../../../domain/index.js';
import { clockPrice, nextDropAtMs } from '../../../domain/index.js';
import { importPageModule } from '../../support/page-modules.js';

interface Clocked { startingPrice: number; startsAt: string; clock: { decrementAmount: number; decrementEverySeconds: number; floorPrice: number } }
interface DutchClockModule {
  dutchPrice(a: Clocked, nowMs: number): number;
  nextDrop(a: Clocked, nowMs: number): { atMs: number; price: number } | null;
}

const START_MS = Date.parse('2026-03-01T10:00:00.000Z');

describe('page: the Dutch clock', () => {
  it('shows the domain\'s price at any moment, and drops where the domain says', async () => {
    const page = await importPageModule<DutchClockModule>('dutch-clock.js');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 1, max: 86_400 }),
        fc.integer({ min: -86_400_000, max: 100 * 86_400_000 }),
        (floorPrice, above, decrementAmount, decrementEverySeconds, offsetMs) => {
          const a = { startingPrice: floorPrice + above, startsAt: new Date(START_MS).toISOString(), clock: { decrementAmount, decrementEverySeconds, floorPrice } };
          const domain = { ...a, startingPrice: a.startingPrice as MinorUnits, clock: a.clock as DutchClock };
          const nowMs = START_MS + offsetMs;
          assert.equal(page.dutchPrice(a, nowMs), clockPrice(domain, nowMs));
          const next = page.nextDrop(a, nowMs);
          assert.equal(next?.atMs ?? null, nextDropAtMs(domain, nowMs));
          if (next !== null) assert.equal(next.price, clockPrice(domain, next.atMs));
        },
      ),
      { numRuns: 500 },
    );
  });
});
