// How a sealed-bid auction ends (docs/auction-rules.md, "Sealed bids"), said once and pure:
// each bidder's highest sealed bid stands; the highest wins (of equal bids, the one reached
// first); it pays its own bid (`sealed-first-price`) or the second-highest bidder's, or the
// starting price when it bid alone (`sealed-second-price`). With a reserve, a winning bid below it
// sells nothing, and a second price below it is raised to it.
import type { AuctionFormat } from './events.js';
import type { MinorUnits } from './money.js';
import type { RevealedBid } from './sealed-events.js';

export type SealedFormat = Extract<AuctionFormat, 'sealed-first-price' | 'sealed-second-price'>;

export const isSealedFormat = (format: AuctionFormat): format is SealedFormat =>
  format === 'sealed-first-price' || format === 'sealed-second-price';

export interface SealedOutcome {
  /** One bid per bidder (its highest), highest first; of equal bids the one placed first first. */
  readonly ranking: readonly RevealedBid[];
  readonly result: 'sold' | 'unsold';
  readonly winnerId: string | null;
  readonly finalPrice: MinorUnits | null;
  /** No reserve, or the highest bid reached it. */
  readonly reserveMet: boolean;
}

/** Each bidder's highest bid, highest first; ties by acceptance order. `bids`: every accepted sealed bid, in acceptance order. */
export const sealedRanking = (bids: readonly RevealedBid[]): RevealedBid[] => {
  const best = new Map<string, { readonly bid: RevealedBid; readonly place: number }>();
  bids.forEach((bid, place) => {
    const held = best.get(bid.bidderId);
    if (held === undefined || bid.amount > held.bid.amount) best.set(bid.bidderId, { bid, place });
  });
  return [...best.values()].sort((x, y) => y.bid.amount - x.bid.amount || x.place - y.place).map((b) => b.bid);
};

/** The outcome of a sealed auction from its accepted bids (acceptance order). */
export const sealedOutcome = (
  format: SealedFormat,
  startingPrice: MinorUnits,
  reservePrice: MinorUnits | null,
  bids: readonly RevealedBid[],
): SealedOutcome => {
  const ranking = sealedRanking(bids);
  const [first, second] = ranking;
  const reserveMet = reservePrice === null || (first !== undefined && first.amount >= reservePrice);
  if (first === undefined || !reserveMet) return { ranking, result: 'unsold', winnerId: null, finalPrice: null, reserveMet };
  const price = format === 'sealed-first-price' ? first.amount : (second?.amount ?? startingPrice);
  const finalPrice = (reservePrice !== null && price < reservePrice ? reservePrice : price) as MinorUnits;
  return { ranking, result: 'sold', winnerId: first.bidderId, finalPrice, reserveMet };
};
