import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionLot, CreateSale, SaleCreated } from '../../../../domain/index.js';
import { decide, decideSale, evolve, foldSale, initialState, lotCommands, toMillis } from '../../../../domain/index.js';
import { given, created, at, amount, AUCTION, SELLER, T0, HOUR } from '../../../support/decider.js';

const createSale = (o: Partial<CreateSale> = {}): CreateSale => ({
  type: 'CreateSale',
  saleId: 's1',
  sellerId: SELLER,
  title: ' Watches, spring sale ',
  description: '',
  currency: 'USD',
  firstEndsAt: at(HOUR),
  staggerMs: 30_000,
  holdBack: true,
  softClose: { windowSeconds: 60, extensionSeconds: 60 },
  lots: [1, 2, 3].map((n) => ({ auctionId: `lot${n}`, title: `Lot ${n}`, description: '', startingPrice: amount(1000), reservePrice: null, buyNowPrice: null })),
  now: T0,
  ...o,
});

const saleCreated = (c: CreateSale = createSale()): SaleCreated => {
  const decided = decideSale(c, foldSale([]));
  if (E.isLeft(decided)) assert.fail(decided.left.message);
  return decided.right[0]!;
};

describe('timed sales: decide CreateSale', () => {
  it('creates the sale with its lots numbered in order and the title trimmed', () => {
    const event = saleCreated();
    assert.equal(event.type, 'SaleCreated');
    assert.equal(event.data.title, 'Watches, spring sale');
    assert.deepEqual(event.data.lots.map((l) => [l.lotNumber, l.auctionId]), [[1, 'lot1'], [2, 'lot2'], [3, 'lot3']]);
    assert.equal(event.data.createdAt, T0);
  });

  it('refuses a sale that exists', () => {
    const result = decideSale(createSale(), foldSale([saleCreated()]));
    assert.ok(E.isLeft(result) && result.left.code === 'SALE_ALREADY_EXISTS');
  });

  const invalid: [string, Partial<CreateSale>, string][] = [
    ['no lot', { lots: [] }, 'lots'],
    ['1,001 lots', { lots: Array.from({ length: 1001 }, (_, i) => ({ auctionId: `l${i}`, title: 'x', description: '', startingPrice: amount(1), reservePrice: null, buyNowPrice: null })) }, 'lots'],
    ['a first end in the past', { firstEndsAt: at(-1) }, 'firstEndsAt'],
    ['a stagger over a day', { staggerMs: 86_400_001 }, 'staggerMs'],
    ['a reserve below the start', { lots: [{ auctionId: 'l1', title: 'x', description: '', startingPrice: amount(100), reservePrice: amount(50), buyNowPrice: null }] }, 'lots[0].reservePrice'],
    ['two lots with one id', { lots: [1, 2].map(() => ({ auctionId: 'same', title: 'x', description: '', startingPrice: amount(1), reservePrice: null, buyNowPrice: null })) }, 'lots[1].auctionId'],
    ['a blank soft-close window', { softClose: { windowSeconds: 0, extensionSeconds: 60 } }, 'softClose.windowSeconds'],
  ];
  for (const [name, change, path] of invalid) {
    it(`refuses ${name} (naming ${path})`, () => {
      const result = decideSale(createSale(change), foldSale([]));
      if (E.isRight(result)) assert.fail('accepted');
      assert.equal(result.left.code, 'INVALID_REQUEST');
      assert.ok(result.left.fields?.some((f) => f.path === path), JSON.stringify(result.left.fields));
    });
  }

  it('accepts 1,000 lots', () => {
    const lots = Array.from({ length: 1000 }, (_, i) => ({ auctionId: `l${i}`, title: 'x', description: '', startingPrice: amount(1), reservePrice: null, buyNowPrice: null }));
    assert.ok(E.isRight(decideSale(createSale({ lots, staggerMs: 1000 }), foldSale([]))));
  });
});

describe('timed sales: each lot is an auction of its own', () => {
  it('lot N ends at firstEndsAt + (N - 1) * stagger, and knows its neighbours and the hold-back', () => {
    const commands = lotCommands(saleCreated().data);
    assert.deepEqual(commands.map((c) => c.endsAt), [at(HOUR), at(HOUR + 30), at(HOUR + 60)]);
    assert.deepEqual(commands.map((c) => c.lot), [
      { saleId: 's1', lotNumber: 1, previousLotId: null, nextLotId: 'lot2', holdBack: true },
      { saleId: 's1', lotNumber: 2, previousLotId: 'lot1', nextLotId: 'lot3', holdBack: true },
      { saleId: 's1', lotNumber: 3, previousLotId: 'lot2', nextLotId: null, holdBack: true },
    ]);
    assert.ok(commands.every((c) => c.softClose?.windowSeconds === 60 && c.format === 'english'));
  });

  it('the lot\'s AuctionCreated carries the lot, and so does its state', () => {
    const [command] = lotCommands(saleCreated().data);
    const decided = decide({ ...command!, now: T0 }, initialState);
    if (E.isLeft(decided)) assert.fail(decided.left.message);
    const event = decided.right[0]!;
    assert.equal(event.type, 'AuctionCreated');
    assert.deepEqual(event.type === 'AuctionCreated' ? event.data.lot : undefined, command!.lot);
    const state = evolve(initialState, event);
    assert.deepEqual(state.kind === 'auction' ? state.lot : undefined, command!.lot);
  });

  it('a lot is created with the sale\'s times even when the clock passed its end while the sale was being created: it opens at the sale\'s creation and ends at once', () => {
    const [command] = lotCommands(saleCreated().data);
    const late = at(HOUR + 5);
    const decided = decide({ ...command!, now: late }, initialState);
    if (E.isLeft(decided)) assert.fail(decided.left.message);
    const event = decided.right[0]!;
    assert.deepEqual(event.type === 'AuctionCreated' ? [event.data.startsAt, event.data.endsAt] : undefined, [T0, at(HOUR)]);
    const closed = decide({ type: 'CloseAuction', auctionId: command!.auctionId, previousLotEnded: true, now: late }, evolve(initialState, event));
    assert.ok(E.isRight(closed) && closed.right[0]?.type === 'AuctionClosed');
  });

  it('an auction that is not a lot still must end in the future', () => {
    const [command] = lotCommands(saleCreated().data);
    const decided = decide({ ...command!, lot: null, startsAt: null, now: at(HOUR + 5) }, initialState);
    assert.ok(E.isLeft(decided) && decided.left.fields?.some((f) => f.path === 'endsAt'));
  });
});

describe('timed sales: hold-back', () => {
  const held: AuctionLot = { saleId: 's1', lotNumber: 2, previousLotId: 'lot1', nextLotId: null, holdBack: true };
  const lot = created({ lot: held });

  it('refuses to close a lot whose previous lot has not ended, naming the previous lot', () => {
    const rejection = given([lot]).when({ type: 'CloseAuction', auctionId: AUCTION, now: at(HOUR), previousLotEnded: false }).thenRejects('AUCTION_NOT_ENDED');
    assert.match(rejection.message, /lot1/);
  });

  it('refuses when the fact is absent (not known to have ended)', () => {
    given([lot]).when({ type: 'CloseAuction', auctionId: AUCTION, now: at(HOUR) }).thenRejects('AUCTION_NOT_ENDED');
  });

  it('closes it at its end once the previous lot has ended', () => {
    given([lot]).when({ type: 'CloseAuction', auctionId: AUCTION, now: at(HOUR), previousLotEnded: true }).thenEventLike('AuctionClosed', { result: 'unsold' });
  });

  it('still never closes it before its own end', () => {
    given([lot]).when({ type: 'CloseAuction', auctionId: AUCTION, now: at(HOUR - 1), previousLotEnded: true }).thenRejects('AUCTION_NOT_ENDED');
  });

  it('without hold-back, a lot closes at its own end whatever the previous lot', () => {
    given([created({ lot: { ...held, holdBack: false } })]).when({ type: 'CloseAuction', auctionId: AUCTION, now: at(HOUR), previousLotEnded: false })
      .thenEventLike('AuctionClosed', { result: 'unsold' });
  });

  it('a late bid on a lot moves only that lot\'s end (the soft close of its own stream)', () => {
    const soft = created({ lot: held, softClose: { windowSeconds: 60, extensionSeconds: 120 } });
    const placed = given([soft]).when({ type: 'PlaceBid', auctionId: AUCTION, bidId: 'b', bidderId: 'bob', maxAmount: amount(2000), now: at(HOUR - 10) })
      .thenEventLike('BidPlaced', { extended: true });
    assert.equal(placed.type === 'BidPlaced' ? toMillis(placed.data.endsAt) : 0, toMillis(at(HOUR - 10)) + 120_000);
  });
});
