// Second-chance offers (domain/decide-second-chance.ts): given events / when command / then events
// or rejection, for every rule.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionEvent } from '../../../domain/index.js';
import { decide, decideWithAccounts, fold, offerStatus } from '../../../domain/index.js';
import { given, created, bid, buyNow, close, cancel, retract, at, amount, afterBids, AUCTION, SELLER, HOUR } from '../../support/decider.js';

const DAY = 24 * HOUR;
const END = HOUR;

const reportNonPayment = (sellerId = SELLER, atSeconds = END + 60): AuctionCommand => ({ type: 'ReportNonPayment', auctionId: AUCTION, sellerId, now: at(atSeconds) });
const offer = (bidderId: string, expiresInSeconds = DAY, atSeconds = END + 120, sellerId = SELLER): AuctionCommand => ({
  type: 'OfferSecondChance', auctionId: AUCTION, sellerId, bidderId, expiresInSeconds, now: at(atSeconds),
});
const accept = (bidderId: string, atSeconds = END + 180): AuctionCommand => ({ type: 'AcceptSecondChance', auctionId: AUCTION, bidderId, now: at(atSeconds) });
const decline = (bidderId: string, atSeconds = END + 180): AuctionCommand => ({ type: 'DeclineSecondChance', auctionId: AUCTION, bidderId, now: at(atSeconds) });

/** Alice 30.00, bob 25.00 (and 20.00 before), carol 15.00; reserve 50.00: closes unsold below its reserve. */
const belowReserve = (): AuctionEvent[] =>
  afterBids([created({ reservePrice: 5000 })], bid('carol', 1500, 60), bid('bob', 2000, 70), bid('bob', 2500, 80), bid('alice', 3000, 90), close(END));
/** The same bids, no reserve: alice wins by bidding at 26.00. */
const soldToAlice = (): AuctionEvent[] =>
  afterBids([created()], bid('carol', 1500, 60), bid('bob', 2000, 70), bid('bob', 2500, 80), bid('alice', 3000, 90), close(END));

describe('decide: second-chance offers', () => {
  describe('reporting that the winner did not pay', () => {
    it('the seller reports the winner by bidding: WinnerNonPaymentReported with the winner and the price', () => {
      given(soldToAlice()).when(reportNonPayment()).thenEventLike('WinnerNonPaymentReported', {
        auctionId: AUCTION, winnerId: 'alice', price: amount(2600), reportedBy: SELLER, reportedAt: at(END + 60),
      });
    });
    it('reporting twice changes nothing', () => {
      given(soldToAlice()).after(reportNonPayment()).when(reportNonPayment(SELLER, END + 600)).then([]);
    });
    it('only the seller may report: NOT_AUCTION_SELLER', () => {
      given(soldToAlice()).when(reportNonPayment('bob')).thenRejects('NOT_AUCTION_SELLER');
    });
    it('a buy-now sale cannot be reported unpaid (no bidding decided it): SECOND_CHANCE_NOT_ALLOWED', () => {
      given([created({ buyNowPrice: 9000 })]).after(buyNow('alice', 60)).when(reportNonPayment()).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
    });
    it('an auction that is open, unsold or cancelled has no winner to report', () => {
      given(afterBids([created()], bid('alice', 2000))).when(reportNonPayment(SELLER, 120)).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
      given(belowReserve()).when(reportNonPayment()).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
      given([created()]).after(cancel(SELLER)).when(reportNonPayment()).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
    });
    it('a sale by a second-chance offer cannot be reported unpaid', () => {
      given(soldToAlice()).after(reportNonPayment(), offer('bob'), accept('bob')).when(reportNonPayment(SELLER, END + 900)).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
    });
    it('an unknown auction: AUCTION_NOT_FOUND', () => given([]).when(reportNonPayment()).thenRejects('AUCTION_NOT_FOUND'));
    it('the state: unsold, the winner remembered as not paying', () => {
      const state = fold(afterBids(soldToAlice(), reportNonPayment()));
      assert.equal(state.kind, 'auction');
      if (state.kind !== 'auction') return;
      assert.deepEqual([state.phase, state.secondChance.nonPayingWinnerId], [{ kind: 'unsold' }, 'alice']);
    });
  });

  describe('offering', () => {
    it('after closing unsold below the reserve: offered at the bidder\'s highest standing maximum, expiring after expiresInSeconds', () => {
      given(belowReserve()).when(offer('bob', 2 * DAY)).thenEventLike('SecondChanceOffered', {
        auctionId: AUCTION, bidderId: 'bob', price: amount(2500), offeredAt: at(END + 120), expiresAt: at(END + 120 + 2 * DAY),
      });
    });
    it('below the reserve, even the highest bidder may be offered the item at its maximum', () => {
      given(belowReserve()).when(offer('alice')).thenEventLike('SecondChanceOffered', { bidderId: 'alice', price: amount(3000) });
    });
    it('after non-payment: to a runner-up, never to the winner who did not pay', () => {
      const history = given(soldToAlice()).after(reportNonPayment());
      history.when(offer('bob')).thenEventLike('SecondChanceOffered', { bidderId: 'bob', price: amount(2500) });
      history.when(offer('alice')).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
    });
    it('a sold auction without a non-payment report takes no offer', () => {
      given(soldToAlice()).when(offer('bob')).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
    });
    it('an auction that is still open, cancelled, or closed unsold with no bid takes no offer', () => {
      given(afterBids([created()], bid('bob', 2000))).when(offer('bob', DAY, 120)).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
      given(afterBids([created()], bid('bob', 2000), cancel(SELLER, true, 120))).when(offer('bob')).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
      given([created({ reservePrice: 5000 })]).after(close(END)).when(offer('bob')).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
    });
    it('only English auctions: SECOND_CHANCE_NOT_ALLOWED for the other formats', () => {
      for (const format of ['sealed-first-price', 'sealed-second-price'] as const) {
        const events: AuctionEvent[] = [created({ format, reservePrice: 5000 })];
        given(events).after(close(END)).when(offer('bob')).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
      }
    });
    it('to a bidder with a standing bid only: BIDDER_NOT_FOUND for a stranger or a bidder whose bids were all retracted', () => {
      given(belowReserve()).when(offer('dave')).thenRejects('BIDDER_NOT_FOUND');
      const retracted = afterBids([created({ reservePrice: 5000, endsAt: at(2 * DAY) })], bid('carol', 1500), bid('bob', 2000, 70), retract('carol', 100), close(2 * DAY));
      given(retracted).when(offer('carol', DAY, 2 * DAY + 60)).thenRejects('BIDDER_NOT_FOUND');
    });
    it('only the seller may offer: NOT_AUCTION_SELLER', () => {
      given(belowReserve()).when(offer('bob', DAY, END + 120, 'mallory')).thenRejects('NOT_AUCTION_SELLER');
    });
    it('expiresInSeconds from 1 hour to 7 days, else INVALID_REQUEST naming the field', () => {
      const fields = [{ path: 'expiresInSeconds', message: 'must be from 3600 (1 hour) to 604800 (7 days) seconds' }];
      given(belowReserve()).when(offer('bob', 3599)).thenRejects('INVALID_REQUEST', { fields });
      given(belowReserve()).when(offer('bob', 7 * DAY + 1)).thenRejects('INVALID_REQUEST', { fields });
      given(belowReserve()).when(offer('bob', HOUR)).thenEventLike('SecondChanceOffered', { expiresAt: at(END + 120 + HOUR) });
      given(belowReserve()).when(offer('bob', 7 * DAY)).thenEventLike('SecondChanceOffered', { expiresAt: at(END + 120 + 7 * DAY) });
    });
    it('one open offer per bidder; after it expired or was declined the seller may offer again', () => {
      const history = given(belowReserve()).after(offer('bob', HOUR));
      history.when(offer('bob', HOUR, END + 121)).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
      history.when(offer('carol', HOUR, END + 121)).thenEventLike('SecondChanceOffered', { bidderId: 'carol', price: amount(1500) });
      history.when(offer('bob', HOUR, END + 120 + HOUR)).thenEventLike('SecondChanceOffered', { bidderId: 'bob' });
      history.after(decline('bob')).when(offer('bob', HOUR, END + 300)).thenEventLike('SecondChanceOffered', { bidderId: 'bob' });
    });
    it('no offer once one was accepted: the item is sold', () => {
      given(belowReserve()).after(offer('bob'), accept('bob')).when(offer('carol', DAY, END + 600)).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
    });
  });

  describe('accepting and declining', () => {
    it('the offered bidder accepts before expiresAt: sold to it at the offer\'s price', () => {
      const events = afterBids(belowReserve(), offer('bob', HOUR));
      given(events).when(accept('bob', END + 120 + HOUR - 1)).thenEventLike('SecondChanceAccepted', {
        auctionId: AUCTION, bidderId: 'bob', price: amount(2500), acceptedAt: at(END + 120 + HOUR - 1), lapsedBidderIds: [],
      });
      const state = fold(afterBids(events, accept('bob')));
      assert.ok(state.kind === 'auction');
      assert.deepEqual(state.phase, { kind: 'sold', winnerId: 'bob', price: amount(2500), via: 'second-chance' });
    });
    it('at expiresAt and later it is refused: OFFER_EXPIRED (the server\'s stamped time decides)', () => {
      const history = given(belowReserve()).after(offer('bob', HOUR));
      history.when(accept('bob', END + 120 + HOUR)).thenRejects('OFFER_EXPIRED');
      history.when(accept('bob', END + 120 + 2 * HOUR)).thenRejects('OFFER_EXPIRED');
      history.when(decline('bob', END + 120 + HOUR)).thenRejects('OFFER_EXPIRED');
    });
    it('once one offer is accepted, the other open offers lapse: accepting or declining them is refused (OFFER_LAPSED)', () => {
      const history = given(belowReserve()).after(offer('bob'), offer('carol'), offer('alice', HOUR));
      history.when(accept('carol')).thenEventLike('SecondChanceAccepted', { bidderId: 'carol', price: amount(1500), lapsedBidderIds: ['bob', 'alice'] });
      const sold = history.after(accept('carol'));
      sold.when(accept('bob', END + 200)).thenRejects('OFFER_LAPSED');
      sold.when(decline('bob', END + 200)).thenRejects('OFFER_LAPSED');
      // an offer that had expired before the sale does not lapse with it
      given(belowReserve()).after(offer('alice', HOUR), offer('carol', DAY)).when(accept('carol', END + 2 * HOUR))
        .thenEventLike('SecondChanceAccepted', { lapsedBidderIds: [] });
    });
    it('accepting twice, or declining twice, changes nothing (a retried command)', () => {
      given(belowReserve()).after(offer('bob'), accept('bob')).when(accept('bob', END + 500)).then([]);
      given(belowReserve()).after(offer('bob'), decline('bob')).when(decline('bob', END + 500)).then([]);
    });
    it('accepting after declining, or declining after accepting, is refused', () => {
      given(belowReserve()).after(offer('bob'), decline('bob')).when(accept('bob', END + 500)).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
      given(belowReserve()).after(offer('bob'), accept('bob')).when(decline('bob', END + 500)).thenRejects('SECOND_CHANCE_NOT_ALLOWED');
    });
    it('declining: SecondChanceDeclined, and the item stays unsold', () => {
      given(belowReserve()).after(offer('bob')).when(decline('bob')).thenEventLike('SecondChanceDeclined', { auctionId: AUCTION, bidderId: 'bob', declinedAt: at(END + 180) });
    });
    it('a bidder without an offer: OFFER_NOT_FOUND (the seller and other bidders too)', () => {
      const history = given(belowReserve()).after(offer('bob'));
      history.when(accept('carol')).thenRejects('OFFER_NOT_FOUND');
      history.when(decline('carol')).thenRejects('OFFER_NOT_FOUND');
      history.when(accept(SELLER)).thenRejects('OFFER_NOT_FOUND');
    });
    it('an unknown auction: AUCTION_NOT_FOUND', () => given([]).when(accept('bob')).thenRejects('AUCTION_NOT_FOUND'));
  });

  it('property: whatever the answers and times, at most one offer is ever accepted, at most one open offer per bidder, and a sale is at an offered price', () => {
    const bidders = ['alice', 'bob', 'carol'] as const;
    const step = fc.oneof(
      fc.record({ kind: fc.constant('offer' as const), who: fc.constantFrom(...bidders), secs: fc.integer({ min: 3000, max: 8 * DAY }) }),
      fc.record({ kind: fc.constantFrom('accept' as const, 'decline' as const), who: fc.constantFrom(...bidders) }),
    );
    fc.assert(fc.property(fc.array(fc.record({ step, gap: fc.integer({ min: 0, max: 2 * DAY }) }), { maxLength: 20 }), (steps) => {
      let events = belowReserve();
      let t = END + 60;
      for (const { step: s, gap } of steps) {
        t += gap;
        const command = s.kind === 'offer' ? offer(s.who, s.secs, t) : s.kind === 'accept' ? accept(s.who, t) : decline(s.who, t);
        const result = decide(command, fold(events));
        if (E.isRight(result)) events = [...events, ...result.right];
        const state = fold(events);
        if (state.kind !== 'auction') return false;
        const open = state.secondChance.offers.filter((o) => offerStatus(state, o, t * 1000 + Date.parse(at(0))) === 'open');
        if (new Set(open.map((o) => o.bidderId)).size !== open.length) return false;
      }
      const accepted = events.filter((e) => e.type === 'SecondChanceAccepted');
      const offered = events.flatMap((e) => (e.type === 'SecondChanceOffered' ? [e.data] : []));
      return accepted.length <= 1 && accepted.every((e) => offered.some((o) => o.bidderId === e.data.bidderId && o.price === e.data.price));
    }));
  });
});

describe('decideWithAccounts: accepting a second-chance offer is buying', () => {
  const facts = (entries: Record<string, { suspended?: boolean; blocks?: string[] }>) =>
    new Map(Object.entries(entries).map(([id, f]) => [id, { suspended: f.suspended ?? false, blockedBidders: new Set(f.blocks ?? []) }]));
  const offered = () => afterBids(belowReserve(), offer('bob'));
  it('a suspended bidder cannot accept (ACCOUNT_SUSPENDED), nor one the seller blocked (BIDDER_BLOCKED); others can', () => {
    const decideOn = (f: ReturnType<typeof facts>) => decideWithAccounts(accept('bob'), fold(offered()), f);
    const suspended = decideOn(facts({ bob: { suspended: true } }));
    assert.ok(E.isLeft(suspended) && suspended.left.code === 'ACCOUNT_SUSPENDED');
    const blocked = decideOn(facts({ [SELLER]: { blocks: ['bob'] } }));
    assert.ok(E.isLeft(blocked) && blocked.left.code === 'BIDDER_BLOCKED');
    assert.ok(E.isRight(decideOn(facts({}))));
  });
});
