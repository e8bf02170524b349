// Buy-now, cancel and close: each ends the auction, each is idempotent.
import { given, created, afterBids, bid, buyNow, cancel, close, at, HOUR } from '../../support/decider.js';
import type { AuctionEvent } from '../../../domain/index.js';

describe('decide BuyNow', () => {
  const offered = [created({ startingPrice: 1000, buyNowPrice: 9000 })];

  it('buys at the buy-now price before the first bid', () => {
    given(offered).when(buyNow('alice')).then([
      { type: 'AuctionBoughtNow', data: { auctionId: 'a1', buyerId: 'alice', price: 9000 as never, boughtAt: at(60) } },
    ] as AuctionEvent[]);
  });

  it('is no longer offered after the first bid when there is no reserve', () => {
    given(afterBids(offered, bid('bob', 2000))).when(buyNow('alice')).thenRejects('BUY_NOW_UNAVAILABLE');
  });

  it('with a reserve, stays offered after bids until the reserve is met', () => {
    const reserved = [created({ startingPrice: 1000, reservePrice: 5000, buyNowPrice: 9000 })];
    given(afterBids(reserved, bid('bob', 2000))).when(buyNow('alice')).thenEventLike('AuctionBoughtNow', { buyerId: 'alice', price: 9000 });
    given(afterBids(reserved, bid('bob', 6000))).when(buyNow('alice')).thenRejects('BUY_NOW_UNAVAILABLE');
  });

  it('a bid event says whether buy-now is still offered', () => {
    given(offered).when(bid('bob', 2000)).thenEventLike('BidPlaced', { buyNowAvailable: false });
  });

  it('is unavailable on an auction without a buy-now price', () => {
    given([created()]).when(buyNow('alice')).thenRejects('BUY_NOW_UNAVAILABLE');
  });

  it('the seller cannot buy its own auction', () => {
    given(offered).when(buyNow('seller')).thenRejects('SELLER_CANNOT_BID');
  });

  it('is idempotent for the buyer, and ends the auction for everyone else', () => {
    const bought = afterBids(offered, buyNow('alice'));
    given(bought).when(buyNow('alice', 90)).then([]);
    given(bought).when(buyNow('bob', 90)).thenRejects('AUCTION_NOT_OPEN');
    given(bought).when(bid('bob', 20000, 90)).thenRejects('AUCTION_NOT_OPEN');
    given(bought).when(close()).then([]);
  });

  it('is refused outside the open window', () => {
    given(offered).when(buyNow('alice', HOUR)).thenRejects('AUCTION_NOT_OPEN');
  });
});

describe('decide CancelAuction', () => {
  const opened = [created()];

  it('the seller may cancel before any bid', () => {
    given(opened).when(cancel('seller')).thenEventLike('AuctionCancelled', { cancelledBy: 'seller', byAdmin: false });
  });

  it('the seller may not cancel once there are bids', () => {
    given(afterBids(opened, bid('alice', 2000))).when(cancel('seller')).thenRejects('CANCEL_NOT_ALLOWED');
  });

  it('an admin may cancel after bids', () => {
    given(afterBids(opened, bid('alice', 2000))).when(cancel('root', true)).thenEventLike('AuctionCancelled', { cancelledBy: 'root', byAdmin: true });
  });

  it('anyone else is refused', () => {
    given(opened).when(cancel('mallory')).thenRejects('NOT_AUCTION_SELLER');
  });

  it('is idempotent, and nothing is accepted afterwards', () => {
    const cancelled = afterBids(opened, cancel('seller'));
    given(cancelled).when(cancel('seller', false, 90)).then([]);
    given(cancelled).when(bid('alice', 2000, 90)).thenRejects('AUCTION_NOT_OPEN');
    given(cancelled).when(close()).then([]);
  });

  it('a seller who does not own a cancelled auction is refused, not answered as a no-op', () => {
    const cancelled = afterBids(opened, cancel('seller'));
    given(cancelled).when(cancel('mallory', false, 90)).thenRejects('NOT_AUCTION_SELLER');
    given(cancelled).when(cancel('root', true, 90)).then([]);
  });

  it('cannot cancel an auction that has ended', () => {
    given(opened).when(cancel('seller', false, HOUR)).thenRejects('CANCEL_NOT_ALLOWED');
    given(afterBids(opened, close())).when(cancel('root', true, HOUR + 1)).thenRejects('CANCEL_NOT_ALLOWED');
  });
});

describe('decide CloseAuction', () => {
  it('is refused before the end', () => {
    given([created()]).when(close(HOUR - 1)).thenRejects('AUCTION_NOT_ENDED');
  });

  it('sells to the leader at the current price', () => {
    const history = afterBids([created()], bid('alice', 2000), bid('bob', 1500));
    given(history).when(close()).thenEventLike('AuctionClosed', { result: 'sold', winnerId: 'alice', finalPrice: 1550, bidCount: 2, reserveMet: true });
  });

  it('closes unsold without bids', () => {
    given([created()]).when(close()).thenEventLike('AuctionClosed', { result: 'unsold', winnerId: null, finalPrice: null, bidCount: 0 });
  });

  it('closes unsold below the reserve', () => {
    const history = afterBids([created({ reservePrice: 5000 })], bid('alice', 2000));
    given(history).when(close()).thenEventLike('AuctionClosed', { result: 'unsold', winnerId: null, reserveMet: false });
  });

  it('respects a soft-close extension', () => {
    const history = afterBids([created({ softClose: { windowSeconds: 120, extensionSeconds: 120 } })], bid('alice', 2000, HOUR - 10));
    given(history).when(close(HOUR)).thenRejects('AUCTION_NOT_ENDED');
    given(history).when(close(HOUR + 110)).thenEventLike('AuctionClosed', { result: 'sold' });
  });

  it('is idempotent, and nothing is accepted after it', () => {
    const closed = afterBids([created({ buyNowPrice: 9000 })], close());
    given(closed).when(close(HOUR + 5)).then([]);
    given(closed).when(bid('alice', 2000, HOUR + 5)).thenRejects('AUCTION_NOT_OPEN');
  });
});
