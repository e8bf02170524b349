import type { CreateAuctionCommand } from '../../support/decider.js';
import { given, created, at, amount, createAuction as create, T0, HOUR } from '../../support/decider.js';

describe('decide CreateAuction', () => {
  it('creates an auction that opens now when startsAt is absent, with the title trimmed', () => {
    given([]).when(create()).then([created()]);
  });

  it('keeps a future start, reserve, buy-now and soft-close settings', () => {
    given([])
      .when(create({ startsAt: at(600), reservePrice: amount(5000), buyNowPrice: amount(9000), softClose: { windowSeconds: 120, extensionSeconds: 120 } }))
      .thenEventLike('AuctionCreated', { startsAt: at(600), reservePrice: 5000, buyNowPrice: 9000, softClose: { windowSeconds: 120, extensionSeconds: 120 } });
  });

  it('refuses an auction id that exists', () => {
    given([created()]).when(create()).thenRejects('AUCTION_ALREADY_EXISTS');
  });

  const invalid: [string, Partial<CreateAuctionCommand>, string][] = [
    ['an end before the start', { startsAt: at(600), endsAt: at(300) }, 'endsAt'],
    ['an end in the past', { startsAt: at(-7200), endsAt: at(-60), now: T0 }, 'startsAt'],
    ['a start in the past', { startsAt: at(-3600) }, 'startsAt'],
    ['an auction longer than 90 days', { endsAt: at(91 * 24 * HOUR) }, 'endsAt'],
    ['a reserve below the starting price', { reservePrice: amount(999) }, 'reservePrice'],
    ['a buy-now at the starting price', { buyNowPrice: amount(1000) }, 'buyNowPrice'],
    ['a buy-now below the reserve', { reservePrice: amount(5000), buyNowPrice: amount(4000) }, 'buyNowPrice'],
    ['a zero soft-close window', { softClose: { windowSeconds: 0, extensionSeconds: 60 } }, 'softClose.windowSeconds'],
    ['a soft-close extension over a day', { softClose: { windowSeconds: 60, extensionSeconds: 86_401 } }, 'softClose.extensionSeconds'],
    ['a blank title', { title: '   ' }, 'title'],
  ];
  for (const [name, change, field] of invalid) {
    it(`refuses ${name}, naming ${field}`, () => {
      const rejection = given([]).when(create(change)).thenRejects('INVALID_REQUEST');
      if (!rejection.fields?.some((f) => f.path === field)) throw new Error(`fields ${JSON.stringify(rejection.fields)} do not name ${field}`);
    });
  }
});
