// The sale page's choice of lots to follow over the socket: the next ones to close.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SaleViewModule } from '../../support/page-modules.js';
import { importPageModule } from '../../support/page-modules.js';

describe('page: a timed sale follows its next lots to close', () => {
  let m: SaleViewModule;
  before(async () => {
    m = await importPageModule<SaleViewModule>('views/sale-view.js');
  });

  it('follows the first lots still open (or scheduled), in lot order, at most the limit', () => {
    const lots = [{ lotNumber: 3, status: 'open' }, { lotNumber: 1, status: 'sold' }, { lotNumber: 2, status: 'open' }, { lotNumber: 4, status: 'scheduled' }, { lotNumber: 5, status: 'unsold' }];
    assert.deepEqual([...m.lotsToFollow(lots, 2)], [2, 3]);
    assert.deepEqual([...m.lotsToFollow(lots, 40)], [2, 3, 4]);
    assert.deepEqual([...m.lotsToFollow([{ lotNumber: 1, status: 'cancelled' }], 40)], []);
    assert.equal(m.saleHref('a b'), '#/sales/a%20b');
  });

  it('never follows an ended lot, nor more than the limit, and skips no open lot before one it follows', () => {
    const status = fc.constantFrom('open', 'scheduled', 'sold', 'unsold', 'cancelled');
    fc.assert(fc.property(fc.array(status, { maxLength: 60 }), fc.integer({ min: 0, max: 50 }), (statuses, limit) => {
      const lots = statuses.map((s, i) => ({ lotNumber: i + 1, status: s }));
      const followed = m.lotsToFollow(lots, limit);
      assert.ok(followed.size <= limit);
      const open = lots.filter((l) => l.status === 'open' || l.status === 'scheduled').map((l) => l.lotNumber);
      assert.deepEqual([...followed], open.slice(0, limit));
    }));
  });
});
