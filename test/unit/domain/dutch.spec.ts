// Dutch auctions, given events / when command / then events or rejection: the listing's rules, the
// end its clock decides, accepting the clock's price, and what a Dutch auction refuses.
import assert from 'node:assert/strict';
import type { AuctionCommand, DutchClock } from '../../../domain/index.js';
import { DUTCH_ENDS_AT_REFUSED } from '../../../domain/index.js';
import { AUCTION, SELLER, T0, amount, approve, at, bid, buyNow, cancel, close, createAuction, created, given, retract } from '../../support/decider.js';
import type { CreateAuctionCommand } from '../../support/decider.js';

/** From 10.00 down by 1.00 a minute to 3.50: 7 drops (the last one stops at the floor), then one minute at the floor. */
const CLOCK: DutchClock = { decrementAmount: amount(100), decrementEverySeconds: 60, floorPrice: amount(350) } as DutchClock;
const END_SECONDS = (7 + 1) * 60;

const dutch = (o: { startsAt?: ReturnType<typeof at>; approvedBiddersOnly?: boolean } = {}) =>
  created({ format: 'dutch', clock: CLOCK, startsAt: o.startsAt ?? T0, endsAt: at((o.startsAt === undefined ? 0 : 600) + END_SECONDS), approvedBiddersOnly: o.approvedBiddersOnly ?? false });

const createDutch = (o: Partial<CreateAuctionCommand> = {}): AuctionCommand => createAuction({ format: 'dutch', clock: CLOCK, endsAt: null, ...o });

const fieldsOf = (command: AuctionCommand) => given([]).when(command).thenRejects('INVALID_REQUEST').fields?.map((f) => f.path) ?? [];

describe('decide CreateAuction, dutch', () => {
  it('creates a dutch auction whose end is its clock\'s: the steps to the floor plus one step at it', () => {
    given([]).when(createDutch()).then([dutch()]);
  });

  it('ends a clock that stops short of the floor on its last drop one step after that drop', () => {
    // 1000 down by 300 to 200: 700, 400, then 200 (not 100) after 3 steps; ends after 4 steps of 10 s
    given([])
      .when(createDutch({ clock: { decrementAmount: amount(300), decrementEverySeconds: 10, floorPrice: amount(200) } as DutchClock }))
      .thenEventLike('AuctionCreated', { endsAt: at(40), startsAt: T0 });
  });

  it('counts the end from a later start', () => {
    given([]).when(createDutch({ startsAt: at(600) })).thenEventLike('AuctionCreated', { startsAt: at(600), endsAt: at(600 + END_SECONDS) });
  });

  const invalid: [string, Partial<CreateAuctionCommand>, string][] = [
    ['an endsAt (the clock decides the end)', { endsAt: at(3600) }, 'endsAt'],
    ['a reserve', { reservePrice: amount(500) }, 'reservePrice'],
    ['a buy-now price', { buyNowPrice: amount(5000) }, 'buyNowPrice'],
    ['a soft close', { softClose: { windowSeconds: 60, extensionSeconds: 60 } as CreateAuctionCommand['softClose'] }, 'softClose'],
    ['no clock', { clock: null }, 'clock'],
    ['a zero-second step', { clock: { ...CLOCK, decrementEverySeconds: 0 } as DutchClock }, 'clock.decrementEverySeconds'],
    ['a step over a day', { clock: { ...CLOCK, decrementEverySeconds: 86_401 } as DutchClock }, 'clock.decrementEverySeconds'],
    ['a floor at the starting price', { clock: { ...CLOCK, floorPrice: amount(1000) } as DutchClock }, 'clock.floorPrice'],
    ['a floor above the starting price', { clock: { ...CLOCK, floorPrice: amount(1001) } as DutchClock }, 'clock.floorPrice'],
    ['a clock that runs longer than 90 days', { clock: { decrementAmount: amount(1), decrementEverySeconds: 86_400, floorPrice: amount(910) } as DutchClock }, 'clock'],
  ];
  for (const [name, change, field] of invalid) {
    it(`refuses ${name}, naming ${field}`, () => {
      assert.ok(fieldsOf(createDutch(change)).includes(field), `fields ${JSON.stringify(fieldsOf(createDutch(change)))} do not name ${field}`);
    });
  }

  it('takes a clock of exactly 90 days', () => {
    // 89 drops of a day and one day at the floor
    given([])
      .when(createDutch({ clock: { decrementAmount: amount(1), decrementEverySeconds: 86_400, floorPrice: amount(911) } as DutchClock }))
      .thenEventLike('AuctionCreated', { endsAt: at(90 * 86_400) });
  });

  it('says why endsAt is refused', () => {
    const rejection = given([]).when(createDutch({ endsAt: at(3600) })).thenRejects('INVALID_REQUEST');
    assert.deepEqual(rejection.fields, [{ path: 'endsAt', message: DUTCH_ENDS_AT_REFUSED }]);
  });

  it('still requires endsAt of every other format, naming it', () => {
    const rejection = given([]).when(createDutch({ format: 'english', clock: null })).thenRejects('INVALID_REQUEST');
    assert.deepEqual(rejection.fields, [{ path: 'endsAt', message: 'is required' }]);
  });
});

describe('decide BuyNow on a dutch auction: accepting the clock\'s price', () => {
  const cases: [number, number][] = [
    [0, 1000], // at the start: the starting price
    [59, 1000], // a step has not passed yet
    [60, 900], // the first drop
    [150, 800],
    [360, 400],
    [420, 350], // the last drop stops at the floor (not 300)
    [479, 350], // held at the floor until the end
  ];
  for (const [seconds, price] of cases) {
    it(`buys at ${price} when accepted ${seconds} s after the start`, () => {
      given([dutch()]).when(buyNow('alice', seconds)).then([
        { type: 'AuctionBoughtNow', data: { auctionId: AUCTION, buyerId: 'alice', price: amount(price), boughtAt: at(seconds) } },
      ]);
    });
  }

  it('refuses an accept at or after the end: AUCTION_NOT_OPEN', () => {
    given([dutch()]).when(buyNow('alice', END_SECONDS)).thenRejects('AUCTION_NOT_OPEN');
    given([dutch()]).when(buyNow('alice', END_SECONDS + 3600)).thenRejects('AUCTION_NOT_OPEN');
  });

  it('refuses an accept before the start: AUCTION_NOT_OPEN', () => {
    given([dutch({ startsAt: at(600) })]).when(buyNow('alice', 599)).thenRejects('AUCTION_NOT_OPEN');
  });

  it('refuses the seller: SELLER_CANNOT_BID', () => {
    given([dutch()]).when(buyNow(SELLER, 120)).thenRejects('SELLER_CANNOT_BID');
  });

  it('the same buyer accepting again changes nothing; anyone else is refused: sold', () => {
    given([dutch()]).after(buyNow('alice', 130)).when(buyNow('alice', 200)).then([]);
    const refused = given([dutch()]).after(buyNow('alice', 130)).when(buyNow('bob', 131)).thenRejects('AUCTION_NOT_OPEN');
    assert.match(refused.message, /sold/);
  });

  it('only an approved bidder may accept on an approved-bidders-only auction', () => {
    given([dutch({ approvedBiddersOnly: true })]).when(buyNow('alice', 60)).thenRejects('BIDDER_NOT_APPROVED');
    given([dutch({ approvedBiddersOnly: true })]).after(approve('alice')).when(buyNow('alice', 60)).thenEventLike('AuctionBoughtNow', { price: 900 });
  });

  it('refuses an accept on a cancelled auction', () => {
    given([dutch()]).after(cancel(SELLER, false, 30)).when(buyNow('alice', 60)).thenRejects('AUCTION_NOT_OPEN');
  });
});

describe('decide PlaceBid and RetractBid on a dutch auction: WRONG_FORMAT', () => {
  it('refuses a bid, pointing at buy-now', () => {
    const refused = given([dutch()]).when(bid('alice', 5000, 60)).thenRejects('WRONG_FORMAT');
    assert.match(refused.message, /buy-now/);
  });

  it('refuses a retraction', () => {
    given([dutch()]).when(retract('alice', 60)).thenRejects('WRONG_FORMAT');
  });
});

describe('decide CloseAuction on a dutch auction', () => {
  it('closes unsold at the end, the clock having held the floor for a step with no taker', () => {
    given([dutch()]).when(close(END_SECONDS)).then([
      { type: 'AuctionClosed', data: { auctionId: AUCTION, closedAt: at(END_SECONDS), result: 'unsold', winnerId: null, finalPrice: null, bidCount: 0, reserveMet: true, ranking: null } },
    ]);
  });

  it('refuses to close before the end, and closing a sold one changes nothing', () => {
    given([dutch()]).when(close(END_SECONDS - 1)).thenRejects('AUCTION_NOT_ENDED');
    given([dutch()]).after(buyNow('alice', 100)).when(close(END_SECONDS)).then([]);
  });
});
