// Second-chance offers: the commands, what the auction's state keeps of them, and an offer's
// status at a moment. The rules are in decide-second-chance.ts. Pure.
import * as t from 'io-ts';
import type { MinorUnits } from './money.js';
import { UtcTimestamp, toMillis } from './time.js';
import { AuctionId, Integer, UserId } from './ids.js';
import type { AuctionEvent, EventOf } from './events.js';
import type { Auction } from './state.js';

/** The shortest and the longest time an offer may stay open (1 hour to 7 days). */
export const MIN_OFFER_SECONDS = 3_600;
export const MAX_OFFER_SECONDS = 7 * 86_400;

/** The seller reports that the winner by bidding did not pay. */
export const ReportNonPayment = t.type({
  type: t.literal('ReportNonPayment'),
  auctionId: AuctionId,
  sellerId: UserId,
  now: UtcTimestamp,
}, 'ReportNonPayment');

/** The seller offers the item to one of its bidders, at that bidder's maximum, for `expiresInSeconds`. */
export const OfferSecondChance = t.type({
  type: t.literal('OfferSecondChance'),
  auctionId: AuctionId,
  sellerId: UserId,
  bidderId: UserId,
  expiresInSeconds: Integer,
  now: UtcTimestamp,
}, 'OfferSecondChance');

/** The offered bidder accepts its offer (a purchase). */
export const AcceptSecondChance = t.type({
  type: t.literal('AcceptSecondChance'),
  auctionId: AuctionId,
  bidderId: UserId,
  now: UtcTimestamp,
}, 'AcceptSecondChance');

/** The offered bidder declines its offer. */
export const DeclineSecondChance = t.type({
  type: t.literal('DeclineSecondChance'),
  auctionId: AuctionId,
  bidderId: UserId,
  now: UtcTimestamp,
}, 'DeclineSecondChance');

/** One offer as the state keeps it; `answer` is the bidder's. */
export interface SecondChanceOffer {
  readonly bidderId: string;
  readonly price: MinorUnits;
  readonly offeredAt: UtcTimestamp;
  readonly expiresAt: UtcTimestamp;
  readonly answer: 'none' | 'accepted' | 'declined';
}

export interface SecondChance {
  /** The winner the seller reported as not paying (null: no report). */
  readonly nonPayingWinnerId: string | null;
  /** Every offer made, oldest first. */
  readonly offers: readonly SecondChanceOffer[];
}

export const noSecondChance: SecondChance = { nonPayingWinnerId: null, offers: [] };

/**
 * An offer's status at `nowMs`: `accepted` or `declined` by its bidder; `lapsed` when another
 * offer was accepted; `expired` from `expiresAt` on; else `open`.
 */
export type OfferStatus = 'open' | 'expired' | 'accepted' | 'declined' | 'lapsed';

export const offerStatus = (a: Pick<Auction, 'phase'>, offer: SecondChanceOffer, nowMs: number): OfferStatus => {
  if (offer.answer !== 'none') return offer.answer;
  if (a.phase.kind === 'sold' && a.phase.via === 'second-chance') return 'lapsed';
  return nowMs >= toMillis(offer.expiresAt) ? 'expired' : 'open';
};

/** The latest offer made to `bidderId`, if any. */
export const latestOfferTo = (sc: SecondChance, bidderId: string): SecondChanceOffer | undefined =>
  [...sc.offers].reverse().find((o) => o.bidderId === bidderId);

export type SecondChanceEvent = EventOf<'WinnerNonPaymentReported' | 'SecondChanceOffered' | 'SecondChanceAccepted' | 'SecondChanceDeclined'>;

export const isSecondChanceEvent = (event: AuctionEvent): event is SecondChanceEvent =>
  event.type === 'WinnerNonPaymentReported' || event.type === 'SecondChanceOffered' || event.type === 'SecondChanceAccepted' || event.type === 'SecondChanceDeclined';

const answered = (sc: SecondChance, bidderId: string, answer: SecondChanceOffer['answer']): SecondChance => {
  const index = sc.offers.map((o) => o.bidderId).lastIndexOf(bidderId);
  return index < 0 ? sc : { ...sc, offers: sc.offers.map((o, i) => (i === index ? { ...o, answer } : o)) };
};

/** The auction after a second-chance event (evolve's part for them; it decides nothing). */
export const evolveSecondChance = (a: Auction, event: SecondChanceEvent): Auction => {
  switch (event.type) {
    case 'WinnerNonPaymentReported':
      // The sale fell through: the auction is unsold; the report remembers who did not pay.
      return { ...a, phase: { kind: 'unsold' }, secondChance: { ...a.secondChance, nonPayingWinnerId: event.data.winnerId } };
    case 'SecondChanceOffered': {
      const d = event.data;
      const offer: SecondChanceOffer = { bidderId: d.bidderId, price: d.price, offeredAt: d.offeredAt, expiresAt: d.expiresAt, answer: 'none' };
      return { ...a, secondChance: { ...a.secondChance, offers: [...a.secondChance.offers, offer] } };
    }
    case 'SecondChanceAccepted': {
      const d = event.data;
      return {
        ...a,
        currentPrice: d.price,
        phase: { kind: 'sold', winnerId: d.bidderId, price: d.price, via: 'second-chance' },
        secondChance: answered(a.secondChance, d.bidderId, 'accepted'),
      };
    }
    case 'SecondChanceDeclined':
      return { ...a, secondChance: answered(a.secondChance, event.data.bidderId, 'declined') };
  }
};
