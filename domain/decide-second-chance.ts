// Second-chance offers (eBay's "second chance offer"), for English auctions only. After an auction
// closed unsold with its reserve not met and at least one standing bid, or after its seller
// reported that the winner by bidding did not pay, the seller may offer the item to a bidder with a
// standing bid (never the winner who did not pay) at that bidder's own highest standing maximum,
// open for 1 hour to 7 days. A bidder has at most one open offer. The bidder accepts before the
// offer expires (by the server's clock stamped on the command; `expiresAt` itself is too late) and
// buys the item at that price; every other open offer lapses; or it declines.
//
// Only a sale by bidding can be reported unpaid: a buy-now buyer took a fixed price before the
// bidding decided anything (buy-now is offered only until the first bid, or until the reserve is
// met), so there is no runner-up whose maximum was a bid against that sale; and a second-chance
// buyer is itself one runner-up's offer, not a winner by bidding.
//
// Reporting twice, declining twice and accepting twice (by the same bidder) change nothing.
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.js';
import type { EventOf } from './events.js';
import type { Auction, AuctionState } from './state.js';
import type { Rejection } from './rejection.js';
import { reject } from './rejection.js';
import { auctionNotFound } from './open-to.js';
import { bidsOf, highestMax } from './placed-bids.js';
import { fromMillis, toMillis } from './time.js';
import { MAX_OFFER_SECONDS, MIN_OFFER_SECONDS, latestOfferTo, offerStatus } from './second-chance.js';

const notAllowed = (message: string): E.Either<Rejection, never> => E.left(reject('SECOND_CHANCE_NOT_ALLOWED', message));
const notSeller = (what: string): E.Either<Rejection, never> => E.left(reject('NOT_AUCTION_SELLER', `only the seller of this auction may ${what}`));
const notEnglish = (a: Auction): string => `second-chance offers are for English auctions; this auction is ${a.format}`;

export const decideReportNonPayment = (c: CommandOf<'ReportNonPayment'>, state: AuctionState): E.Either<Rejection, EventOf<'WinnerNonPaymentReported'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  if (c.sellerId !== state.sellerId) return notSeller('report that its winner did not pay');
  if (state.secondChance.nonPayingWinnerId !== null && state.phase.kind === 'unsold') return E.right([]);
  if (state.format !== 'english') return notAllowed(notEnglish(state));
  const { phase } = state;
  if (phase.kind !== 'sold') return notAllowed(`only a sold auction has a winner who may not pay; this one is ${phase.kind === 'live' ? 'still open' : phase.kind}`);
  if (phase.via === 'buy-now') return notAllowed('a buy-now sale cannot be reported unpaid: no bidding decided it, so there is no runner-up to offer it to');
  if (phase.via === 'second-chance') return notAllowed('this auction was sold by a second-chance offer; only a sale by bidding can be reported unpaid');
  return E.right([{ type: 'WinnerNonPaymentReported', data: { auctionId: state.auctionId, winnerId: phase.winnerId, price: phase.price, reportedBy: c.sellerId, reportedAt: c.now } }]);
};

/** Why the auction takes no second-chance offer now, or null when it does. */
const refuseOffers = (a: Auction): string | null => {
  if (a.format !== 'english') return notEnglish(a);
  const { phase } = a;
  if (phase.kind === 'live') return 'the auction has not ended';
  if (phase.kind === 'cancelled') return 'the auction was cancelled';
  if (phase.kind === 'sold') {
    return phase.via === 'second-chance'
      ? 'the item was already sold by a second-chance offer'
      : 'the auction was sold; report that the winner did not pay before offering the item to another bidder';
  }
  if (a.secondChance.nonPayingWinnerId !== null) return null;
  if (a.reserveMet || a.leader === null) return 'the auction closed unsold with no standing bid below its reserve';
  return null;
};

export const decideOffer = (c: CommandOf<'OfferSecondChance'>, state: AuctionState): E.Either<Rejection, EventOf<'SecondChanceOffered'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  if (c.sellerId !== state.sellerId) return notSeller('make second-chance offers');
  if (!Number.isSafeInteger(c.expiresInSeconds) || c.expiresInSeconds < MIN_OFFER_SECONDS || c.expiresInSeconds > MAX_OFFER_SECONDS) {
    const message = `must be from ${MIN_OFFER_SECONDS} (1 hour) to ${MAX_OFFER_SECONDS} (7 days) seconds`;
    return E.left(reject('INVALID_REQUEST', `expiresInSeconds ${message}`, { fields: [{ path: 'expiresInSeconds', message }] }));
  }
  const refusal = refuseOffers(state);
  if (refusal !== null) return notAllowed(refusal);
  if (c.bidderId === state.secondChance.nonPayingWinnerId) return notAllowed('this bidder won the auction and did not pay');
  const price = highestMax(bidsOf(state.bids, c.bidderId));
  if (price === null) return E.left(reject('BIDDER_NOT_FOUND', 'this bidder has no standing bid on this auction'));
  const nowMs = toMillis(c.now);
  const latest = latestOfferTo(state.secondChance, c.bidderId);
  if (latest !== undefined && offerStatus(state, latest, nowMs) === 'open') {
    return notAllowed(`this bidder already has an open offer, until ${latest.expiresAt}`);
  }
  return E.right([{
    type: 'SecondChanceOffered',
    data: { auctionId: state.auctionId, bidderId: c.bidderId, price, offeredAt: c.now, expiresAt: fromMillis(nowMs + c.expiresInSeconds * 1000) },
  }]);
};

/** The caller's latest offer, refused unless it is open; `undefined` means the command is already in effect. */
const openOfferOf = (a: Auction, bidderId: string, nowMs: number, answer: 'accepted' | 'declined'): E.Either<Rejection, ReturnType<typeof latestOfferTo>> => {
  const offer = latestOfferTo(a.secondChance, bidderId);
  if (offer === undefined) return E.left(reject('OFFER_NOT_FOUND', 'you have no second-chance offer on this auction'));
  const status = offerStatus(a, offer, nowMs);
  switch (status) {
    case 'open':
      return E.right(offer);
    case 'expired':
      return E.left(reject('OFFER_EXPIRED', `your offer expired at ${offer.expiresAt}`));
    case 'lapsed':
      return E.left(reject('OFFER_LAPSED', 'the item was sold to another bidder; your offer lapsed'));
    case 'accepted':
    case 'declined':
      return status === answer ? E.right(undefined) : E.left(reject('SECOND_CHANCE_NOT_ALLOWED', `you already ${status} this offer`));
  }
};

export const decideAccept = (c: CommandOf<'AcceptSecondChance'>, state: AuctionState): E.Either<Rejection, EventOf<'SecondChanceAccepted'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  const nowMs = toMillis(c.now);
  return E.map((offer: ReturnType<typeof latestOfferTo>): EventOf<'SecondChanceAccepted'>[] => {
    if (offer === undefined) return [];
    const lapsedBidderIds = [...new Set(state.secondChance.offers
      .filter((o) => o.bidderId !== c.bidderId && offerStatus(state, o, nowMs) === 'open')
      .map((o) => o.bidderId))];
    return [{ type: 'SecondChanceAccepted', data: { auctionId: state.auctionId, bidderId: c.bidderId, price: offer.price, acceptedAt: c.now, lapsedBidderIds } }];
  })(openOfferOf(state, c.bidderId, nowMs, 'accepted'));
};

export const decideDecline = (c: CommandOf<'DeclineSecondChance'>, state: AuctionState): E.Either<Rejection, EventOf<'SecondChanceDeclined'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  return E.map((offer: ReturnType<typeof latestOfferTo>): EventOf<'SecondChanceDeclined'>[] =>
    offer === undefined ? [] : [{ type: 'SecondChanceDeclined', data: { auctionId: state.auctionId, bidderId: c.bidderId, declinedAt: c.now } }],
  )(openOfferOf(state, c.bidderId, toMillis(c.now), 'declined'));
};
