// Worked examples of proxy bidding (DESIGN.md section 7), in USD cents.
import { given, created, bid, at, HOUR } from '../../support/decider.js';

describe('decide PlaceBid: proxy bidding', () => {
  const opened = [created({ startingPrice: 1000 })];

  it('the first bid leads at the starting price, whatever its maximum', () => {
    given(opened).when(bid('alice', 2000)).thenEventLike('BidPlaced', {
      outcome: 'new-leader', leaderId: 'alice', currentPrice: 1000, bidCount: 1, maxAmount: 2000,
    });
  });

  it('a first bid below the starting price is too low', () => {
    given(opened).when(bid('alice', 999)).thenRejects('BID_TOO_LOW', { minimumAmount: 1000 });
  });

  it('a lower challenger stands but is outbid: price is its maximum plus one increment', () => {
    given(opened).after(bid('alice', 2000)).when(bid('bob', 1500)).thenEventLike('BidPlaced', {
      outcome: 'outbid', leaderId: 'alice', currentPrice: 1550, bidCount: 2,
    });
  });

  it('a higher challenger leads at the old maximum plus one increment', () => {
    given(opened).after(bid('alice', 2000), bid('bob', 1500)).when(bid('carol', 3000)).thenEventLike('BidPlaced', {
      outcome: 'new-leader', leaderId: 'carol', currentPrice: 2050, bidCount: 3,
    });
  });

  it('a challenger must bid at least the price plus one increment', () => {
    given(opened).after(bid('alice', 2000), bid('bob', 1500), bid('carol', 3000)).when(bid('alice', 2099)).thenRejects('BID_TOO_LOW', { minimumAmount: 2100 });
  });

  it('equal maximums: the earlier bid leads, and the price is that maximum', () => {
    given(opened).after(bid('alice', 2000), bid('carol', 3000)).when(bid('dave', 3000)).thenEventLike('BidPlaced', {
      outcome: 'outbid', leaderId: 'carol', currentPrice: 3000,
    });
  });

  it('a challenger beating the leader by less than an increment leads at its own maximum', () => {
    given(opened).after(bid('alice', 2000), bid('bob', 1500)).when(bid('carol', 2020)).thenEventLike('BidPlaced', {
      outcome: 'new-leader', leaderId: 'carol', currentPrice: 2020,
    });
  });

  it('three bidders: the price follows the second-highest maximum across tiers', () => {
    // carol leads with 30.00; second-highest is alice's 26.00; increment at 26.00 is 1.00.
    given(opened).after(bid('alice', 2000), bid('bob', 1500), bid('carol', 3000), bid('alice', 2600)).when(bid('bob', 2900)).thenEventLike('BidPlaced', {
      outcome: 'outbid', leaderId: 'carol', currentPrice: 3000, bidCount: 5,
    });
  });

  it('the leader may raise its own maximum; the price does not move', () => {
    given(opened).after(bid('alice', 2000), bid('bob', 1500)).when(bid('alice', 5000)).thenEventLike('BidPlaced', {
      outcome: 'raised-maximum', leaderId: 'alice', currentPrice: 1550, bidCount: 3,
    });
  });

  it('the leader must raise above its own maximum', () => {
    given(opened).after(bid('alice', 2000)).when(bid('alice', 2000)).thenRejects('BID_TOO_LOW', { minimumAmount: 2001 });
  });

  it('an outbid bidder may come back and take the lead', () => {
    given(opened).after(bid('alice', 2000), bid('bob', 3000)).when(bid('alice', 4000)).thenEventLike('BidPlaced', {
      outcome: 'new-leader', leaderId: 'alice', currentPrice: 3100,
    });
  });

  it('the seller cannot bid', () => {
    given(opened).when(bid('seller', 5000)).thenRejects('SELLER_CANNOT_BID');
  });

  it('an unknown auction is not found', () => {
    given([]).when(bid('alice', 5000)).thenRejects('AUCTION_NOT_FOUND');
  });

  describe('the open window: from startsAt, end exclusive, by the stamped server time', () => {
    const later = [created({ startsAt: at(600), endsAt: at(HOUR) })];
    it('refuses a bid before the start', () => given(later).when(bid('alice', 2000, 599)).thenRejects('AUCTION_NOT_OPEN'));
    it('accepts a bid at the start', () => given(later).when(bid('alice', 2000, 600)).thenEventLike('BidPlaced', { leaderId: 'alice' }));
    it('accepts a bid just before the end', () => given(later).when(bid('alice', 2000, HOUR - 0.001)).thenEventLike('BidPlaced', { leaderId: 'alice' }));
    it('refuses a bid at the end exactly', () => given(later).when(bid('alice', 2000, HOUR)).thenRejects('AUCTION_NOT_OPEN'));
  });
});

describe('decide PlaceBid: reserve', () => {
  const withReserve = [created({ startingPrice: 1000, reservePrice: 5000 })];

  it('below the reserve the price is the usual proxy price and the reserve is not met', () => {
    given(withReserve).after(bid('alice', 2000)).when(bid('bob', 1500)).thenEventLike('BidPlaced', {
      currentPrice: 1550, reserveMet: false,
    });
  });

  it('a single bidder whose maximum reaches the reserve jumps the price to the reserve', () => {
    given(withReserve).when(bid('alice', 6000)).thenEventLike('BidPlaced', { currentPrice: 5000, reserveMet: true });
  });

  it('a challenger reaching the reserve jumps the price to the reserve', () => {
    given(withReserve).after(bid('alice', 2000)).when(bid('bob', 6000)).thenEventLike('BidPlaced', {
      leaderId: 'bob', currentPrice: 5000, reserveMet: true,
    });
  });

  it('the usual proxy price wins over the reserve when higher', () => {
    given(withReserve).after(bid('alice', 7000)).when(bid('bob', 8000)).thenEventLike('BidPlaced', {
      leaderId: 'bob', currentPrice: 7100, reserveMet: true,
    });
  });

  it('the leader raising its maximum to the reserve moves the price to the reserve', () => {
    given(withReserve).after(bid('alice', 2000), bid('bob', 1500)).when(bid('alice', 5000)).thenEventLike('BidPlaced', {
      outcome: 'raised-maximum', currentPrice: 5000, reserveMet: true,
    });
  });
});

describe('decide PlaceBid: soft close', () => {
  const soft = [created({ endsAt: at(HOUR), softClose: { windowSeconds: 120, extensionSeconds: 180 } })];

  it('a price-changing bid inside the window moves the end to bid time plus the extension', () => {
    given(soft).when(bid('alice', 2000, HOUR - 60)).thenEventLike('BidPlaced', { endsAt: at(HOUR - 60 + 180), extended: true });
  });

  it('a bid before the window leaves the end alone', () => {
    given(soft).when(bid('alice', 2000, HOUR - 121)).thenEventLike('BidPlaced', { endsAt: at(HOUR), extended: false });
  });

  it('a bid that moves neither price nor leader does not extend', () => {
    given(soft).after(bid('alice', 2000, 60)).when(bid('alice', 9000, HOUR - 30)).thenEventLike('BidPlaced', { outcome: 'raised-maximum', endsAt: at(HOUR), extended: false });
  });

  it('an outbid challenger raising the price inside the window extends', () => {
    given(soft).after(bid('alice', 5000, 60)).when(bid('bob', 2000, HOUR - 10)).thenEventLike('BidPlaced', { outcome: 'outbid', endsAt: at(HOUR - 10 + 180), extended: true });
  });

  it('the end never moves earlier: an extension shorter than the time left changes nothing', () => {
    const short = [created({ endsAt: at(HOUR), softClose: { windowSeconds: 600, extensionSeconds: 60 } })];
    given(short).when(bid('alice', 2000, HOUR - 300)).thenEventLike('BidPlaced', { endsAt: at(HOUR), extended: false });
  });

  it('successive extensions keep the auction open past its original end', () => {
    // alice's bid inside the window moves the end to HOUR + 120
    given(soft).after(bid('alice', 2000, HOUR - 60)).when(bid('bob', 3000, HOUR + 60)).thenEventLike('BidPlaced', { leaderId: 'bob', endsAt: at(HOUR + 60 + 180), extended: true });
  });
});
