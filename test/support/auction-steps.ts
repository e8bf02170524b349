// Random auction histories for property tests: steps (bids from a few bidders, close, cancel,
// buy-now, each after a pause), the listing's random terms, and the command each step sends.
import fc from 'fast-check';
import type { AuctionCommand } from '../../domain/index.js';
import { AUCTION, amount, at } from './decider.js';

export type Step =
  | { kind: 'bid'; bidder: number; max: number; dt: number }
  | { kind: 'close'; dt: number }
  | { kind: 'cancel'; dt: number }
  | { kind: 'buyNow'; bidder: number; dt: number }
  | { kind: 'retract'; bidder: number; dt: number };

/**
 * Steps with `bidders` bidders, bids `bidWeight` times as likely as each other step, up to
 * `bidGapSeconds` apart; retractions `retractWeight` times as likely (default 0: none).
 */
export const stepArbitrary = (o: { readonly bidders: number; readonly bidWeight: number; readonly bidGapSeconds: number; readonly retractWeight?: number }): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: o.retractWeight ?? 0, arbitrary: fc.record({ kind: fc.constant('retract' as const), bidder: fc.integer({ min: 0, max: o.bidders - 1 }), dt: fc.integer({ min: 0, max: o.bidGapSeconds }) }) },
    { weight: o.bidWeight, arbitrary: fc.record({ kind: fc.constant('bid' as const), bidder: fc.integer({ min: 0, max: o.bidders - 1 }), max: fc.integer({ min: 1, max: 300_000 }), dt: fc.integer({ min: 0, max: o.bidGapSeconds }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), dt: fc.integer({ min: 0, max: 4000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), dt: fc.integer({ min: 0, max: 400 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('buyNow' as const), bidder: fc.integer({ min: 0, max: o.bidders - 1 }), dt: fc.integer({ min: 0, max: 400 }) }) },
  );

/** A listing's random terms: amounts above the starting price for the reserve and buy-now, when set. */
export const listingArbitrary = fc.record({
  startingPrice: fc.integer({ min: 1, max: 50_000 }),
  reserveExtra: fc.option(fc.integer({ min: 0, max: 100_000 })),
  buyNowExtra: fc.option(fc.integer({ min: 1, max: 100_000 })),
  softClose: fc.option(fc.record({ windowSeconds: fc.integer({ min: 1, max: 600 }), extensionSeconds: fc.integer({ min: 1, max: 600 }) })),
});

/** The command a step sends at `seconds` after T0 (`index` names its bid). */
export const commandOf = (s: Step, seconds: number, index: number): AuctionCommand => {
  const now = at(seconds);
  switch (s.kind) {
    case 'bid':
      return { type: 'PlaceBid', auctionId: AUCTION, bidId: `b${index}`, bidderId: `bidder${s.bidder}`, maxAmount: amount(s.max), now };
    case 'close':
      return { type: 'CloseAuction', auctionId: AUCTION, now };
    case 'cancel':
      return { type: 'CancelAuction', auctionId: AUCTION, userId: 'seller', byAdmin: true, reason: null, now };
    case 'buyNow':
      return { type: 'BuyNow', auctionId: AUCTION, buyerId: `bidder${s.bidder}`, now };
    case 'retract':
      return { type: 'RetractBid', auctionId: AUCTION, bidderId: `bidder${s.bidder}`, bidId: null, reason: 'entered-wrong-amount', now };
  }
};
