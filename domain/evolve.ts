// evolve(state, event) -> state: applies a decided fact. It never re-decides anything.
import type { AuctionEvent } from './events.js';
import type { Auction, AuctionState } from './state.js';
import { initialState } from './state.js';
import { runnerUpAfter } from './standing.js';
import { withBid, withoutBids } from './placed-bids.js';
import { evolveSecondChance, noSecondChance } from './second-chance.js';

const auctionOf = (state: AuctionState, type: string): Auction => {
  if (state.kind === 'none') throw new Error(`${type} applied to an auction that does not exist`);
  return state;
};

export const evolve = (state: AuctionState, event: AuctionEvent): AuctionState => {
  switch (event.type) {
    case 'AuctionCreated': {
      const d = event.data;
      return {
        kind: 'auction',
        auctionId: d.auctionId,
        format: d.format,
        clock: d.clock,
        sellerId: d.sellerId,
        currency: d.currency,
        startingPrice: d.startingPrice,
        reservePrice: d.reservePrice,
        buyNowPrice: d.buyNowPrice,
        startsAt: d.startsAt,
        endsAt: d.endsAt,
        softClose: d.softClose,
        currentPrice: d.startingPrice,
        bidCount: 0,
        leader: null,
        runnerUpMax: null,
        reserveMet: d.reservePrice === null,
        buyNowAvailable: d.buyNowPrice !== null,
        phase: { kind: 'live' },
        bids: null,
        approvedBiddersOnly: d.approvedBiddersOnly,
        approvedBidders: new Set(),
        lot: d.lot,
        secondChance: noSecondChance,
      };
    }
    case 'BidPlaced': {
      const a = auctionOf(state, event.type);
      const d = event.data;
      const leader = d.outcome === 'outbid' ? a.leader : { bidderId: d.bidderId, maxAmount: d.maxAmount };
      const runnerUpMax = runnerUpAfter(a, d.outcome, d.maxAmount);
      return {
        ...a,
        leader,
        runnerUpMax,
        currentPrice: d.currentPrice,
        bidCount: d.bidCount,
        reserveMet: d.reserveMet,
        buyNowAvailable: d.buyNowAvailable,
        endsAt: d.endsAt,
        bids: withBid(a.bids, { bidId: d.bidId, bidderId: d.bidderId, maxAmount: d.maxAmount, placedAt: d.placedAt }),
      };
    }
    case 'BidRetracted': {
      const a = auctionOf(state, event.type);
      const d = event.data;
      return {
        ...a,
        bids: withoutBids(a.bids, new Set(d.retractedBidIds)),
        leader: d.leaderId === null || d.leaderMax === null ? null : { bidderId: d.leaderId, maxAmount: d.leaderMax },
        runnerUpMax: d.runnerUpMax,
        currentPrice: d.currentPrice,
        bidCount: d.bidCount,
        reserveMet: d.reserveMet,
        buyNowAvailable: d.buyNowAvailable,
      };
    }
    case 'SealedBidPlaced': {
      // Sealed: no leader, no price; only the bids (the bidder's own amount) and the count move.
      const a = auctionOf(state, event.type);
      const d = event.data;
      return { ...a, bidCount: d.bidCount, bids: withBid(a.bids, { bidId: d.bidId, bidderId: d.bidderId, maxAmount: d.amount, placedAt: d.placedAt }) };
    }
    case 'BidderApproved': {
      const a = auctionOf(state, event.type);
      return { ...a, approvedBidders: new Set([...a.approvedBidders, event.data.bidderId]) };
    }
    case 'BidderApprovalRevoked': {
      const a = auctionOf(state, event.type);
      return { ...a, approvedBidders: new Set([...a.approvedBidders].filter((id) => id !== event.data.bidderId)) };
    }
    case 'AuctionBoughtNow': {
      const a = auctionOf(state, event.type);
      return {
        ...a,
        currentPrice: event.data.price,
        buyNowAvailable: false,
        phase: { kind: 'sold', winnerId: event.data.buyerId, price: event.data.price, via: 'buy-now' },
      };
    }
    case 'AuctionCancelled':
      return { ...auctionOf(state, event.type), buyNowAvailable: false, phase: { kind: 'cancelled' } };
    case 'AuctionClosed': {
      const a = auctionOf(state, event.type);
      const d = event.data;
      return {
        ...a,
        buyNowAvailable: false,
        // As decided at the close (for an English auction the same as before it; a sealed close reveals them).
        reserveMet: d.reserveMet,
        currentPrice: d.finalPrice ?? a.currentPrice,
        phase:
          d.result === 'sold' && d.winnerId !== null && d.finalPrice !== null
            ? { kind: 'sold', winnerId: d.winnerId, price: d.finalPrice, via: 'bidding' }
            : { kind: 'unsold' },
      };
    }
    case 'WinnerNonPaymentReported':
    case 'SecondChanceOffered':
    case 'SecondChanceAccepted':
    case 'SecondChanceDeclined':
      return evolveSecondChance(auctionOf(state, event.type), event);
  }
};

export const fold = (events: readonly AuctionEvent[], from: AuctionState = initialState): AuctionState =>
  events.reduce(evolve, from);
