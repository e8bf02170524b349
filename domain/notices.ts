// Who is told what after each event (DESIGN.md section 6, personal notifications), said once: an
// auction's notice state folded from its events (`evolveNotices`: the facts the events state, the
// bidders in the order they first bid), the notices an event gives its bidders from the state
// before it (`noticesOf`), and what it tells the auction's watchers (`watcherNoticeOf`: watchers are
// user data outside the stream, which whoever sends the notices looks up). Pure.
import * as t from 'io-ts';
import type { AuctionEvent } from './events.js';
import type { MinorUnits } from './money.js';
import type { Outcome } from './public-auction.js';
import type { UtcTimestamp } from './time.js';
import { toMillis } from './time.js';

export const NoticeKind = t.keyof({ outbid: null, 'ending-soon': null, won: null, lost: null, 'auction-cancelled': null, 'second-chance-offer': null }, 'NoticeKind');
export type NoticeKind = t.TypeOf<typeof NoticeKind>;

/** What the notices of an auction need to know, folded from its events. */
export interface NoticeState {
  readonly auctionId: string;
  readonly sellerId: string;
  readonly title: string;
  readonly currency: string;
  readonly currentPrice: MinorUnits;
  readonly endsAt: UtcTimestamp;
  /** The leader after the latest event (the winner once sold), or null. */
  readonly leaderId: string | null;
  /** Every bidder, in the order of their first bid. */
  readonly bidders: readonly string[];
  readonly outcome: Outcome;
  /** The stream version folded. */
  readonly version: number;
}

/** One user to tell one thing about one auction. */
export interface Notice {
  readonly userId: string;
  readonly kind: NoticeKind;
}

/** The state after `event` (stream version `version`); undefined before the auction exists. */
export const evolveNotices = (state: NoticeState | undefined, event: AuctionEvent, version: number): NoticeState | undefined => {
  if (event.type === 'AuctionCreated') {
    const d = event.data;
    return {
      auctionId: d.auctionId, sellerId: d.sellerId, title: d.title, currency: d.currency, currentPrice: d.startingPrice,
      endsAt: d.endsAt, leaderId: null, bidders: [], outcome: 'live', version,
    };
  }
  if (state === undefined) return undefined;
  switch (event.type) {
    case 'BidPlaced': {
      const d = event.data;
      const bidders = state.bidders.includes(d.bidderId) ? state.bidders : [...state.bidders, d.bidderId];
      return { ...state, currentPrice: d.currentPrice, endsAt: d.endsAt, leaderId: d.leaderId, bidders, version };
    }
    case 'SealedBidPlaced': {
      // A sealed bidder hears how the auction ends; nobody leads while it is open.
      const d = event.data;
      return { ...state, bidders: state.bidders.includes(d.bidderId) ? state.bidders : [...state.bidders, d.bidderId], version };
    }
    case 'AuctionBoughtNow':
      return { ...state, currentPrice: event.data.price, leaderId: event.data.buyerId, outcome: 'sold', version };
    case 'AuctionCancelled':
      return { ...state, outcome: 'cancelled', version };
    case 'BidRetracted':
      // The bidder stays among the bidders (it hears how the auction ends); the leader and price are the ones it left.
      return { ...state, currentPrice: event.data.currentPrice, leaderId: event.data.leaderId, version };
    case 'BidderApproved':
    case 'BidderApprovalRevoked':
    case 'SecondChanceOffered':
    case 'SecondChanceDeclined':
      return { ...state, version };
    case 'WinnerNonPaymentReported':
      return { ...state, leaderId: null, outcome: 'unsold', version };
    case 'SecondChanceAccepted':
      return { ...state, currentPrice: event.data.price, leaderId: event.data.bidderId, outcome: 'sold', version };
    case 'AuctionClosed': {
      const d = event.data;
      return d.result === 'sold'
        ? { ...state, currentPrice: d.finalPrice ?? state.currentPrice, leaderId: d.winnerId, outcome: 'sold', version }
        : { ...state, outcome: 'unsold', version };
    }
  }
};

const tell = (users: readonly string[], kind: NoticeKind): Notice[] => users.map((userId) => ({ userId, kind }));

/**
 * The notices `event` gives, from the state before it:
 * - a bid that takes the lead from another bidder tells that bidder `outbid` (a bid that does not
 *   take the lead is answered to its bidder by the command itself);
 * - a sale tells the buyer `won` and every other bidder `lost`; an auction ending unsold tells
 *   every bidder `lost`;
 * - a cancellation tells every bidder `auction-cancelled` (and its watchers, see `watcherKinds`);
 * - a sealed bid, a retraction, an approval or a revocation tells nobody;
 * - after the end, a second-chance offer tells its bidder `second-chance-offer`, and its acceptance
 *   tells the buyer `won`; a non-payment report or a declined offer tells nobody.
 */
export const noticesOf = (before: NoticeState | undefined, event: AuctionEvent): Notice[] => {
  if (before === undefined) return [];
  // Second-chance offers come after the end: the offered bidder hears of its offer, the buyer that it won.
  if (event.type === 'SecondChanceOffered') return tell([event.data.bidderId], 'second-chance-offer');
  if (event.type === 'SecondChanceAccepted') return tell([event.data.bidderId], 'won');
  if (before.outcome !== 'live') return [];
  switch (event.type) {
    case 'AuctionCreated':
      return [];
    case 'BidPlaced': {
      const previous = before.leaderId;
      return previous !== null && previous !== event.data.leaderId ? tell([previous], 'outbid') : [];
    }
    case 'AuctionBoughtNow': {
      const buyer = event.data.buyerId;
      return [...tell([buyer], 'won'), ...tell(before.bidders.filter((b) => b !== buyer), 'lost')];
    }
    case 'AuctionClosed': {
      const winner = event.data.result === 'sold' ? event.data.winnerId : null;
      return [...(winner !== null ? tell([winner], 'won') : []), ...tell(before.bidders.filter((b) => b !== winner), 'lost')];
    }
    case 'AuctionCancelled':
      return tell(before.bidders, 'auction-cancelled');
    case 'SealedBidPlaced':
      // A sealed bid outbids nobody while the auction is open: the close tells who won.
      return [];
    case 'BidRetracted':
    case 'BidderApproved':
    case 'BidderApprovalRevoked':
    case 'WinnerNonPaymentReported':
    case 'SecondChanceDeclined':
      // A retraction takes no lead from anyone (it can only give the lead back); approvals change no standing.
      return [];
  }
};

/** What `event` tells the auction's watchers, besides its bidders: that it was cancelled. */
export const watcherNoticeOf = (before: NoticeState | undefined, event: AuctionEvent): NoticeKind | undefined =>
  before?.outcome === 'live' && event.type === 'AuctionCancelled' ? 'auction-cancelled' : undefined;

/** The moment before the end when an auction's bidders and watchers hear that it ends soon (null: it ended). */
export const endingSoonAt = (state: NoticeState, leadMs: number): number | null =>
  state.outcome === 'live' ? toMillis(state.endsAt) - leadMs : null;
