// The auction aggregate's state: only what decisions need, folded from the stream by `evolve`.
import type { Currency, MinorUnits } from './money.js';
import type { UtcTimestamp } from './time.js';
import type { AuctionFormat, DutchClock, SoftClose } from './events.js';
import type { PlacedBids } from './placed-bids.js';
import type { AuctionLot } from './sales/lot.js';
import type { SecondChance } from './second-chance.js';

export interface Leader {
  readonly bidderId: string;
  /** Private: the leader's maximum. */
  readonly maxAmount: MinorUnits;
}

export type Phase =
  | { readonly kind: 'live' }
  | { readonly kind: 'sold'; readonly winnerId: string; readonly price: MinorUnits; readonly via: 'bidding' | 'buy-now' | 'second-chance' }
  | { readonly kind: 'unsold' }
  | { readonly kind: 'cancelled' };

export interface Auction {
  readonly kind: 'auction';
  readonly auctionId: string;
  readonly format: AuctionFormat;
  /** A Dutch auction's clock (null for the other formats). */
  readonly clock: DutchClock | null;
  readonly sellerId: string;
  readonly currency: Currency;
  readonly startingPrice: MinorUnits;
  readonly reservePrice: MinorUnits | null;
  readonly buyNowPrice: MinorUnits | null;
  readonly startsAt: UtcTimestamp;
  readonly endsAt: UtcTimestamp;
  readonly softClose: SoftClose | null;
  readonly currentPrice: MinorUnits;
  readonly bidCount: number;
  readonly leader: Leader | null;
  /** The highest maximum of any bidder other than the leader (null before a second bidder). */
  readonly runnerUpMax: MinorUnits | null;
  /** True when there is no reserve, or a maximum has reached it. */
  readonly reserveMet: boolean;
  readonly buyNowAvailable: boolean;
  readonly phase: Phase;
  /** The bids that stand (placed, not retracted), newest first: what a retraction recomputes the contest from. */
  readonly bids: PlacedBids | null;
  /** Only approved bidders may bid or buy (set at creation). */
  readonly approvedBiddersOnly: boolean;
  /** The bidders the seller approved (and has not revoked). */
  readonly approvedBidders: ReadonlySet<string>;
  /** The timed sale this auction is a lot of (null: none). */
  readonly lot: AuctionLot | null;
  /** The non-payment report and the second-chance offers made after the end (second-chance.ts). */
  readonly secondChance: SecondChance;
}

export type AuctionState = { readonly kind: 'none' } | Auction;

export const initialState: AuctionState = { kind: 'none' };
