// The bids the benchmark sends: every one acceptable when it arrives in the order it was planned.
// Per auction the maximums rise strictly, by two increments of the last maximum (so each beats the
// price plus one increment), and consecutive bids come from different bidders. Requests go
// round-robin over the auctions, so with fewer connections than auctions two bids on one auction
// are rarely in flight together; on a single hot auction concurrent bids may arrive out of order,
// and the lower one is then refused (409 BID_TOO_LOW), which is correct.
import type { Currency } from '../../domain/index.js';
import { increment, minorUnits } from '../../domain/index.js';

export interface PlannedBid {
  readonly auctionId: string;
  /** Index into the bidder tokens. */
  readonly bidder: number;
  readonly maxAmount: number;
  /** A unique Idempotency-Key. */
  readonly key: string;
}

export interface BidPlanOptions {
  readonly auctionIds: readonly string[];
  readonly bidders: number;
  readonly currency: Currency;
  readonly startingPrice: number;
  /** Prefix of the Idempotency-Keys, unique per run. */
  readonly keyPrefix: string;
}

export interface BidPlan {
  next(): PlannedBid;
  /** Bids planned so far. */
  readonly planned: number;
}

export const createBidPlan = (options: BidPlanOptions): BidPlan => {
  const { auctionIds, bidders, currency, startingPrice, keyPrefix } = options;
  if (auctionIds.length === 0) throw new Error('a bid plan needs at least one auction');
  if (bidders < 2) throw new Error('a bid plan needs at least two bidders, so that consecutive bids alternate');
  const lastMax = auctionIds.map(() => 0);
  const bidsOn = auctionIds.map(() => 0);
  let planned = 0;
  return {
    get planned() {
      return planned;
    },
    next: () => {
      const a = planned % auctionIds.length;
      const last = lastMax[a]!;
      const maxAmount = last === 0 ? startingPrice : last + 2 * increment(minorUnits(last), currency);
      lastMax[a] = maxAmount;
      const k = bidsOn[a]!;
      bidsOn[a] = k + 1;
      // Offset by the auction so that the bidders spread; k and k+1 always differ (bidders >= 2).
      const bidder = (a + k) % bidders;
      planned += 1;
      return { auctionId: auctionIds[a]!, bidder, maxAmount, key: `${keyPrefix}-${planned}` };
    },
  };
};
