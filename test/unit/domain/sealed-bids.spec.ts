// Sealed-bid auctions: given events / when command / then events or rejection, for every rule.
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionEvent, NoticeState } from '../../../domain/index.js';
import { decide, decodeStoredEvent, evolveNotices, fold, noticesOf } from '../../../domain/index.js';
import { AUCTION, HOUR, SELLER, afterBids, amount, at, bidWithId, buyNow, close, createAuction, created, given, retract } from '../../support/decider.js';
import type { CreateAuctionCommand } from '../../support/decider.js';

const firstPrice = (o: { startingPrice?: number; reservePrice?: number | null } = {}) => [created({ format: 'sealed-first-price', ...o })];
const secondPrice = (o: { startingPrice?: number; reservePrice?: number | null } = {}) => [created({ format: 'sealed-second-price', ...o })];

const createCommand = (o: Partial<CreateAuctionCommand>): AuctionCommand => createAuction({ format: 'sealed-first-price', ...o });

describe('sealed bids: creating a sealed auction', () => {
  it('creates a sealed-first-price and a sealed-second-price auction', () => {
    given([]).when(createCommand({})).thenEventLike('AuctionCreated', { format: 'sealed-first-price', buyNowPrice: null, softClose: null });
    given([]).when(createCommand({ format: 'sealed-second-price' })).thenEventLike('AuctionCreated', { format: 'sealed-second-price' });
  });

  it('refuses a buy-now price, naming the field', () => {
    const r = given([]).when(createCommand({ buyNowPrice: amount(5000) })).thenRejects('INVALID_REQUEST');
    assert.ok(r.fields?.some((f) => f.path === 'buyNowPrice'), JSON.stringify(r.fields));
  });

  it('refuses a soft close, naming the field', () => {
    const r = given([]).when(createCommand({ format: 'sealed-second-price', softClose: { windowSeconds: 60, extensionSeconds: 60 } as never })).thenRejects('INVALID_REQUEST');
    assert.ok(r.fields?.some((f) => f.path === 'softClose'), JSON.stringify(r.fields));
  });

  it('still lets an English auction have both', () => {
    given([]).when(createCommand({ format: 'english', buyNowPrice: amount(5000), softClose: { windowSeconds: 60, extensionSeconds: 60 } as never }))
      .thenEventLike('AuctionCreated', { format: 'english' });
  });
});

describe('sealed bids: placing and raising', () => {
  it('places a sealed bid: SealedBidPlaced with the amount and the count, nothing of the contest', () => {
    given(firstPrice()).when(bidWithId('s1', 'alice', 2500)).then([
      { type: 'SealedBidPlaced', data: { auctionId: AUCTION, bidId: 's1', bidderId: 'alice', amount: amount(2500), placedAt: at(60), bidCount: 1 } },
    ]);
  });

  it('accepts a bid below another bidder\'s (sealed: no bidder sees or has to beat another)', () => {
    given(afterBids(firstPrice(), bidWithId('s1', 'alice', 5000))).when(bidWithId('s2', 'bob', 1200)).thenEventLike('SealedBidPlaced', { bidderId: 'bob', amount: 1200, bidCount: 2 });
  });

  it('accepts a bid of exactly the starting price, refuses one below it', () => {
    given(firstPrice()).when(bidWithId('s1', 'alice', 1000)).thenEventLike('SealedBidPlaced', { amount: 1000 });
    given(firstPrice()).when(bidWithId('s1', 'alice', 999)).thenRejects('BID_TOO_LOW', { minimumAmount: 1000 });
  });

  it('a raise is another SealedBidPlaced with a higher amount', () => {
    given(afterBids(firstPrice(), bidWithId('s1', 'alice', 2000))).when(bidWithId('s2', 'alice', 2600, 90))
      .thenEventLike('SealedBidPlaced', { bidId: 's2', bidderId: 'alice', amount: 2600, bidCount: 2 });
  });

  it('refuses a lower or equal raise, naming the bidder\'s own amount', () => {
    const history = afterBids(firstPrice(), bidWithId('s1', 'alice', 2000));
    const lower = given(history).when(bidWithId('s2', 'alice', 1500)).thenRejects('BID_TOO_LOW', { minimumAmount: 2001 });
    assert.match(lower.message, /2000/);
    given(history).when(bidWithId('s2', 'alice', 2000)).thenRejects('BID_TOO_LOW', { minimumAmount: 2001 });
  });

  it('refuses the seller, before the start and after the end', () => {
    given(firstPrice()).when(bidWithId('s1', SELLER, 2000)).thenRejects('SELLER_CANNOT_BID');
    given([created({ format: 'sealed-first-price', startsAt: at(600), endsAt: at(HOUR) })]).when(bidWithId('s1', 'alice', 2000, 60)).thenRejects('AUCTION_NOT_OPEN');
    given(firstPrice()).when(bidWithId('s1', 'alice', 2000, HOUR)).thenRejects('AUCTION_NOT_OPEN');
  });

  it('does not extend the end (no soft close) and offers no buy-now', () => {
    const history = afterBids(firstPrice(), bidWithId('s1', 'alice', 2000, HOUR - 1));
    const state = fold(history);
    assert.ok(state.kind === 'auction');
    assert.equal(state.endsAt, at(HOUR));
    given(firstPrice()).when(buyNow('alice')).thenRejects('BUY_NOW_UNAVAILABLE');
  });

  it('refuses a retraction of a sealed bid', () => {
    given(afterBids(firstPrice(), bidWithId('s1', 'alice', 2000))).when(retract('alice', 120)).thenRejects('RETRACTION_NOT_ALLOWED');
  });

  it('keeps the state\'s leader and price untouched (no proxy bidding)', () => {
    const state = fold(afterBids(firstPrice(), bidWithId('s1', 'alice', 2000), bidWithId('s2', 'bob', 3000)));
    assert.ok(state.kind === 'auction');
    assert.equal(state.leader, null);
    assert.equal(state.currentPrice, 1000);
    assert.equal(state.bidCount, 2);
  });
});

describe('sealed bids: the close', () => {
  const closed = (history: readonly AuctionEvent[]) => given(history).when(close());

  it('first price: the highest bid wins and pays its bid; the ranking is revealed highest first', () => {
    const history = afterBids(firstPrice(), bidWithId('s1', 'alice', 2000, 60), bidWithId('s2', 'bob', 3000, 70), bidWithId('s3', 'carol', 2500, 80));
    closed(history).then([{
      type: 'AuctionClosed',
      data: {
        auctionId: AUCTION, closedAt: at(HOUR), result: 'sold', winnerId: 'bob', finalPrice: amount(3000), bidCount: 3, reserveMet: true,
        ranking: [
          { bidderId: 'bob', bidId: 's2', amount: amount(3000), placedAt: at(70) },
          { bidderId: 'carol', bidId: 's3', amount: amount(2500), placedAt: at(80) },
          { bidderId: 'alice', bidId: 's1', amount: amount(2000), placedAt: at(60) },
        ],
      },
    }]);
  });

  it('second price: the highest bid wins and pays the second-highest bid', () => {
    const history = afterBids(secondPrice(), bidWithId('s1', 'alice', 2000), bidWithId('s2', 'bob', 3000), bidWithId('s3', 'carol', 2500));
    closed(history).thenEventLike('AuctionClosed', { result: 'sold', winnerId: 'bob', finalPrice: 2500 });
  });

  it('second price with one bidder: pays the starting price', () => {
    closed(afterBids(secondPrice({ startingPrice: 1200 }), bidWithId('s1', 'alice', 4000))).thenEventLike('AuctionClosed', { winnerId: 'alice', finalPrice: 1200 });
  });

  it('second price: the winner\'s own earlier bid is not the second price (one bid per bidder)', () => {
    const history = afterBids(secondPrice(), bidWithId('s1', 'alice', 2000), bidWithId('s2', 'alice', 5000, 90), bidWithId('s3', 'bob', 1500, 100));
    closed(history).thenEventLike('AuctionClosed', { winnerId: 'alice', finalPrice: 1500 });
  });

  it('a raise counts as the bidder\'s bid, revealed with the raise\'s id and time', () => {
    const history = afterBids(firstPrice(), bidWithId('s1', 'alice', 2000, 60), bidWithId('s2', 'bob', 2500, 70), bidWithId('s3', 'alice', 2600, 80));
    const event = closed(history).thenEventLike('AuctionClosed', { winnerId: 'alice', finalPrice: 2600, bidCount: 3 });
    assert.ok(event.type === 'AuctionClosed');
    assert.deepEqual(event.data.ranking?.map((b) => [b.bidderId, b.bidId, b.amount, b.placedAt]), [['alice', 's3', 2600, at(80)], ['bob', 's2', 2500, at(70)]]);
  });

  it('on a tie the earliest bid wins, and ranks first', () => {
    const history = afterBids(firstPrice(), bidWithId('s1', 'alice', 2000, 60), bidWithId('s2', 'bob', 3000, 70), bidWithId('s3', 'carol', 3000, 80));
    const event = closed(history).thenEventLike('AuctionClosed', { winnerId: 'bob', finalPrice: 3000 });
    assert.ok(event.type === 'AuctionClosed');
    assert.deepEqual(event.data.ranking?.map((b) => b.bidderId), ['bob', 'carol', 'alice']);
  });

  it('on a tie reached by a raise, the bid reached first wins', () => {
    // alice reaches 3000 at 90 by a raise; bob bid 3000 at 80: bob was first.
    const history = afterBids(secondPrice(), bidWithId('s1', 'alice', 2000, 60), bidWithId('s2', 'bob', 3000, 80), bidWithId('s3', 'alice', 3000, 90));
    closed(history).thenEventLike('AuctionClosed', { winnerId: 'bob', finalPrice: 3000 });
  });

  it('with a reserve: a highest bid below it closes unsold, with the ranking revealed', () => {
    const history = afterBids(firstPrice({ reservePrice: 5000 }), bidWithId('s1', 'alice', 4000));
    const event = closed(history).thenEventLike('AuctionClosed', { result: 'unsold', winnerId: null, finalPrice: null, reserveMet: false });
    assert.ok(event.type === 'AuctionClosed');
    assert.equal(event.data.ranking?.length, 1);
  });

  it('with a reserve: a second price below it is raised to it', () => {
    const history = afterBids(secondPrice({ reservePrice: 5000 }), bidWithId('s1', 'alice', 6000), bidWithId('s2', 'bob', 3000));
    closed(history).thenEventLike('AuctionClosed', { result: 'sold', winnerId: 'alice', finalPrice: 5000, reserveMet: true });
    closed(afterBids(secondPrice({ reservePrice: 5000 }), bidWithId('s1', 'alice', 6000))).thenEventLike('AuctionClosed', { finalPrice: 5000 });
  });

  it('with a reserve: a second price at or above it stays', () => {
    const history = afterBids(secondPrice({ reservePrice: 5000 }), bidWithId('s1', 'alice', 8000), bidWithId('s2', 'bob', 5500));
    closed(history).thenEventLike('AuctionClosed', { finalPrice: 5500 });
  });

  it('without bids: closes unsold with an empty ranking', () => {
    closed(firstPrice()).thenEventLike('AuctionClosed', { result: 'unsold', winnerId: null, finalPrice: null, ranking: [] });
  });

  it('an English close records no ranking', () => {
    given([created()]).when(close()).thenEventLike('AuctionClosed', { ranking: null });
  });

  it('is refused before the end and idempotent after the close', () => {
    const history = afterBids(firstPrice(), bidWithId('s1', 'alice', 2000));
    given(history).when(close(HOUR - 1)).thenRejects('AUCTION_NOT_ENDED');
    const result = decide(close(), fold(history));
    assert.ok(E.isRight(result));
    given([...history, ...result.right]).when(close(HOUR + 5)).then([]);
    given([...history, ...result.right]).when(bidWithId('s9', 'bob', 9000, HOUR + 5)).thenRejects('AUCTION_NOT_OPEN');
  });

  it('the sale is the state\'s phase after the close', () => {
    const history = afterBids(secondPrice(), bidWithId('s1', 'alice', 2000), bidWithId('s2', 'bob', 3000));
    const result = decide(close(), fold(history));
    assert.ok(E.isRight(result));
    const state = fold([...history, ...result.right]);
    assert.ok(state.kind === 'auction');
    assert.deepEqual(state.phase, { kind: 'sold', winnerId: 'bob', price: 2000, via: 'bidding' });
  });
});

describe('sealed bids: AuctionClosed schema version 2', () => {
  it('reads a version 1 AuctionClosed as having no ranking', () => {
    const v1 = { auctionId: AUCTION, closedAt: at(HOUR), result: 'sold', winnerId: 'bob', finalPrice: 2000, bidCount: 2, reserveMet: true };
    const decoded = decodeStoredEvent({ type: 'AuctionClosed', data: v1, metadata: { schemaVersion: 1 } });
    assert.deepEqual(decoded, E.right({ type: 'AuctionClosed', data: { ...v1, ranking: null } }));
  });

  it('reads a version 2 AuctionClosed with its ranking', () => {
    const v2 = {
      auctionId: AUCTION, closedAt: at(HOUR), result: 'sold', winnerId: 'bob', finalPrice: 2000, bidCount: 1, reserveMet: true,
      ranking: [{ bidderId: 'bob', bidId: 's1', amount: 2000, placedAt: at(60) }],
    };
    assert.deepEqual(decodeStoredEvent({ type: 'AuctionClosed', data: v2, metadata: { schemaVersion: 2 } }), E.right({ type: 'AuctionClosed', data: v2 }));
  });
});

describe('sealed bids: notices', () => {
  it('a sealed bid tells nobody; the close tells the winner won and every other bidder lost', () => {
    const history = afterBids(firstPrice(), bidWithId('s1', 'alice', 2000), bidWithId('s2', 'bob', 3000), bidWithId('s3', 'alice', 3500, 90));
    let state: NoticeState | undefined;
    history.forEach((event, i) => {
      if (event.type === 'SealedBidPlaced') assert.deepEqual(noticesOf(state, event), []);
      state = evolveNotices(state, event, i + 1);
    });
    const result = decide(close(), fold(history));
    assert.ok(E.isRight(result));
    assert.deepEqual(noticesOf(state, result.right[0]!), [{ userId: 'alice', kind: 'won' }, { userId: 'bob', kind: 'lost' }]);
  });
});
