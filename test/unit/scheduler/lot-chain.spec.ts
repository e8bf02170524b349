import assert from 'node:assert/strict';
import type { AuctionLot, AuctionState } from '../../../domain/index.js';
import { fold } from '../../../domain/index.js';
import { closeFollowingLots, nextHeldLot, withLotFacts } from '../../../commands/index.js';
import { T0, created } from '../../support/decider.js';

const lotState = (lot: AuctionLot | null): AuctionState => fold([created({ lot })]);
const lot = (n: number, holdBack = true): AuctionLot => ({ saleId: 's', lotNumber: n, previousLotId: n > 1 ? `lot${n - 1}` : null, nextLotId: n < 4 ? `lot${n + 1}` : null, holdBack });

describe('scheduler: the lots held back behind a lot that closed', () => {
  it('tries the next lots in order until one does not close now', async () => {
    const tried: string[] = [];
    const closed = await closeFollowingLots(lotState(lot(1)), async (id) => {
      tried.push(id);
      const n = Number(id.slice(3));
      return n === 3 ? undefined : { closedNow: true, state: lotState(lot(n)) };
    });
    assert.deepEqual(tried, ['lot2', 'lot3']);
    assert.deepEqual(closed, ['lot2']);
  });

  it('stops at a lot already closed by someone else (its closer goes on)', async () => {
    const tried: string[] = [];
    await closeFollowingLots(lotState(lot(1)), async (id) => (tried.push(id), { closedNow: false, state: lotState(lot(2)) }));
    assert.deepEqual(tried, ['lot2']);
  });

  it('tries nothing after an auction of no sale, or a sale without hold-back', () => {
    assert.equal(nextHeldLot(lotState(null)), null);
    assert.equal(nextHeldLot(lotState(lot(1, false))), null);
    assert.equal(nextHeldLot(lotState(lot(4))), null);
  });
});

describe('command handler: the previous lot\'s end, stamped on a hold-back lot\'s close', () => {
  const repository = (states: Record<string, AuctionState>) => ({
    loads: [] as string[],
    load(id: string) {
      this.loads.push(id);
      return Promise.resolve({ state: states[id] ?? { kind: 'none' as const }, version: 1, commands: new Map() });
    },
  });
  const close = { command: { type: 'CloseAuction' as const, auctionId: 'lot2' } };

  it('stamps previousLotEnded from the previous lot\'s state', async () => {
    const live = repository({ lot1: lotState(lot(1)) });
    assert.deepEqual(await withLotFacts([close], lotState(lot(2)), live), [{ command: { ...close.command, previousLotEnded: false } }]);
    assert.deepEqual(live.loads, ['lot1']);
    const ended = repository({ lot1: fold([created({ lot: lot(1) }), { type: 'AuctionCancelled', data: { auctionId: 'a1', cancelledBy: 'seller', byAdmin: false, reason: null, cancelledAt: T0 } }]) });
    assert.deepEqual(await withLotFacts([close], lotState(lot(2)), ended), [{ command: { ...close.command, previousLotEnded: true } }]);
  });

  it('reads nothing for a lot of no hold-back, lot 1, or other commands', async () => {
    const repo = repository({});
    const batch = [close];
    assert.equal(await withLotFacts(batch, lotState(lot(2, false)), repo), batch);
    assert.equal(await withLotFacts(batch, lotState(lot(1)), repo), batch);
    const bid = [{ command: { type: 'PlaceBid' as const, auctionId: 'lot2', bidId: 'b', bidderId: 'x', maxAmount: 1 as never } }];
    assert.equal(await withLotFacts(bid, lotState(lot(2)), repo), bid);
    assert.deepEqual(repo.loads, []);
  });
});
