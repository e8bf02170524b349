// Bid retraction under eBay's rules (domain/decide-retract.ts), in USD cents. An auction of 24 h
// (from T0) has its last 12 hours from 12 h on.
import { given, created, bidWithId, retract, buyNow, close, cancel, at, HOUR } from '../../support/decider.js';

const DAY = 24 * HOUR;
const long = (o: Parameters<typeof created>[0] = {}) => [created({ startingPrice: 1000, endsAt: at(DAY), ...o })];

describe('decide RetractBid: more than 12 hours before the end', () => {
  it('takes back all of the bidder\'s bids; the price and leader come from the maximums that remain', () => {
    given(long())
      .after(bidWithId('a1', 'alice', 2000, 60), bidWithId('b1', 'bob', 3000, 120), bidWithId('c1', 'carol', 2200, 180), bidWithId('b2', 'bob', 4000, 240))
      .when(retract('bob', 300))
      .thenEventLike('BidRetracted', {
        bidderId: 'bob', retractedBidIds: ['b1', 'b2'], retractedMax: 4000, bidderMaxAfter: null,
        leaderId: 'carol', leaderMax: 2200, runnerUpMax: 2000, currentPrice: 2050, bidCount: 2, reserveMet: true,
      });
  });

  it('a named bid must be one of the bidder\'s standing bids, and all of them go', () => {
    const history = given(long()).after(bidWithId('a1', 'alice', 2000), bidWithId('b1', 'bob', 3000), bidWithId('b2', 'bob', 4000));
    history.when(retract('bob', 300, 'b1')).thenEventLike('BidRetracted', { retractedBidIds: ['b1', 'b2'], leaderId: 'alice', currentPrice: 1000 });
    history.when(retract('bob', 300, 'a1')).thenRejects('BID_NOT_FOUND');
  });

  it('the leader alone retracting leaves no leader, the starting price and no bids', () => {
    given(long()).after(bidWithId('a1', 'alice', 2000)).when(retract('alice')).thenEventLike('BidRetracted', {
      leaderId: null, leaderMax: null, runnerUpMax: null, currentPrice: 1000, bidCount: 0,
    });
  });

  it('a runner-up retracting lowers the price to the next maximum', () => {
    given(long()).after(bidWithId('a1', 'alice', 5000), bidWithId('b1', 'bob', 3000), bidWithId('c1', 'carol', 4000))
      .when(retract('carol')).thenEventLike('BidRetracted', { leaderId: 'alice', runnerUpMax: 3000, currentPrice: 3100, bidCount: 2 });
  });

  it('equal maximums after a retraction: the earlier of them leads', () => {
    // carol's and dave's 3000 (carol's first), then bob took the lead with 4000
    given(long()).after(bidWithId('c1', 'carol', 3000, 60), bidWithId('d1', 'dave', 3000, 120), bidWithId('b1', 'bob', 4000, 180))
      .when(retract('bob')).thenEventLike('BidRetracted', { leaderId: 'carol', currentPrice: 3000 });
  });
});

describe('decide RetractBid: the reserve and buy-now', () => {
  it('the reserve goes back to not met, and the price to the proxy price below it', () => {
    given(long({ reservePrice: 5000 })).after(bidWithId('a1', 'alice', 2000), bidWithId('b1', 'bob', 6000))
      .when(retract('bob')).thenEventLike('BidRetracted', { leaderId: 'alice', currentPrice: 1000, reserveMet: false });
  });

  it('buy-now is offered again when no bid is left (no reserve)', () => {
    given(long({ buyNowPrice: 9000 })).after(bidWithId('a1', 'alice', 2000))
      .when(retract('alice')).thenEventLike('BidRetracted', { buyNowAvailable: true, buyNowPrice: 9000 });
  });

  it('buy-now stays withdrawn while a bid is left (no reserve)', () => {
    given(long({ buyNowPrice: 9000 })).after(bidWithId('a1', 'alice', 2000), bidWithId('b1', 'bob', 3000))
      .when(retract('bob')).thenEventLike('BidRetracted', { buyNowAvailable: false, buyNowPrice: null });
  });

  it('with a reserve, buy-now is offered again once the reserve is no longer met', () => {
    const history = given(long({ reservePrice: 5000, buyNowPrice: 9000 })).after(bidWithId('a1', 'alice', 2000), bidWithId('b1', 'bob', 6000));
    history.when(retract('bob')).thenEventLike('BidRetracted', { reserveMet: false, buyNowAvailable: true, buyNowPrice: 9000 });
  });

  it('after the retraction, buy-now can be bought again', () => {
    given(long({ buyNowPrice: 9000 })).after(bidWithId('a1', 'alice', 2000), retract('alice', 120))
      .when(buyNow('bob', 180)).thenEventLike('AuctionBoughtNow', { buyerId: 'bob', price: 9000 });
  });
});

describe('decide RetractBid: inside the last 12 hours', () => {
  const late = (s: number) => 12 * HOUR + s; // seconds after the last 12 hours began

  it('retracts only the most recent bid, within 1 hour of placing it; earlier bids stand', () => {
    given(long()).after(bidWithId('a1', 'alice', 2000, 60), bidWithId('b1', 'bob', 3000, 120), bidWithId('a2', 'alice', 4000, late(60)))
      .when(retract('alice', late(60) + HOUR - 1)).thenEventLike('BidRetracted', {
        retractedBidIds: ['a2'], bidderMaxAfter: 2000, leaderId: 'bob', currentPrice: 2050, bidCount: 2,
      });
  });

  it('refuses once an hour has passed since the most recent bid (RETRACTION_NOT_ALLOWED names the rule)', () => {
    const r = given(long()).after(bidWithId('a1', 'alice', 2000, late(60))).when(retract('alice', late(60) + HOUR)).thenRejects('RETRACTION_NOT_ALLOWED');
    if (!r.message.includes('within 1 hour')) throw new Error(r.message);
  });

  it('refuses a named bid that is not the most recent', () => {
    const r = given(long()).after(bidWithId('a1', 'alice', 2000, late(60)), bidWithId('a2', 'alice', 3000, late(120)))
      .when(retract('alice', late(180), 'a1')).thenRejects('RETRACTION_NOT_ALLOWED');
    if (!r.message.includes('most recent')) throw new Error(r.message);
  });

  it('exactly 12 hours before the end is inside the last 12 hours', () => {
    given(long()).after(bidWithId('a1', 'alice', 2000, 60), bidWithId('a2', 'alice', 3000, late(0) - 60))
      .when(retract('alice', late(0))).thenEventLike('BidRetracted', { retractedBidIds: ['a2'] });
    given(long()).after(bidWithId('a1', 'alice', 2000, 60), bidWithId('a2', 'alice', 3000, late(0) - 60))
      .when(retract('alice', late(0) - 1)).thenEventLike('BidRetracted', { retractedBidIds: ['a1', 'a2'] });
  });

  it('is accepted inside a soft-close window and states no new end (only bids extend)', () => {
    given(long({ softClose: { windowSeconds: 600, extensionSeconds: 600 } })).after(bidWithId('a1', 'alice', 2000, DAY - 300), bidWithId('b1', 'bob', 3000, DAY - 200))
      .when(retract('bob', DAY - 100)).thenEventLike('BidRetracted', { retractedBidIds: ['b1'], leaderId: 'alice' });
  });
});

describe('decide RetractBid: refused', () => {
  it('a bidder with no bids: NO_BIDS_TO_RETRACT', () => given(long()).after(bidWithId('a1', 'alice', 2000)).when(retract('bob')).thenRejects('NO_BIDS_TO_RETRACT'));
  it('the seller: NO_BIDS_TO_RETRACT', () => given(long()).after(bidWithId('a1', 'alice', 2000)).when(retract('seller')).thenRejects('NO_BIDS_TO_RETRACT'));
  it('a second retraction of the same bids: NO_BIDS_TO_RETRACT', () =>
    given(long()).after(bidWithId('a1', 'alice', 2000), retract('alice', 120)).when(retract('alice', 180)).thenRejects('NO_BIDS_TO_RETRACT'));
  it('an unknown auction: AUCTION_NOT_FOUND', () => given([]).when(retract('alice')).thenRejects('AUCTION_NOT_FOUND'));
  it('after the end time: AUCTION_NOT_OPEN', () =>
    given(long()).after(bidWithId('a1', 'alice', 2000, DAY - 60)).when(retract('alice', DAY)).thenRejects('AUCTION_NOT_OPEN'));
  it('once closed: AUCTION_NOT_OPEN', () =>
    given(long()).after(bidWithId('a1', 'alice', 2000, DAY - 60), close(DAY)).when(retract('alice', DAY + 1)).thenRejects('AUCTION_NOT_OPEN'));
  it('once cancelled: AUCTION_NOT_OPEN', () =>
    given(long()).after(bidWithId('a1', 'alice', 2000), cancel('admin', true, 120)).when(retract('alice', 180)).thenRejects('AUCTION_NOT_OPEN'));
});
