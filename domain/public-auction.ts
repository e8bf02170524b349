// The public state of an auction, folded from its events, and what the public sees of it at a
// moment. The public choices are made here, once: the winner's pseudonym and the final price once
// sold, buy-now only while the auction is live and offers it. The live cache folds its state with
// `evolvePublicAuction`; the read API applies the same choices to a read-model row; both views
// (GET /v1/auctions/:id, the WebSocket snapshot) come from `publicAuctionView`. Pure.
import * as t from 'io-ts';
import type { AuctionEvent, EventOf } from './events.js';
import { evolve } from './evolve.js';
import { MinorUnits } from './money.js';
import { Outcome, PublicAuctionView, publicStatus, publicViewProps } from './public-view.js';
import { initialState } from './state.js';
import { UtcTimestamp, toMillis } from './time.js';

const { status: _status, ...timelessViewProps } = publicViewProps;

/**
 * An auction's public state: the fields of the public view, with `outcome` in place of `status`
 * (the status of a live auction depends on the clock: `publicStatus`), and `buyNowPrice` /
 * `endedAt` null when absent from the view. The live cache holds it as it is (contracts/live-cache.ts).
 */
export const PublicAuction = t.type({
  ...timelessViewProps,
  buyNowPrice: t.union([MinorUnits, t.null]),
  endedAt: t.union([UtcTimestamp, t.null]),
  outcome: Outcome,
}, 'PublicAuction');
export type PublicAuction = t.TypeOf<typeof PublicAuction>;

/** Who the public sees leading: the winner once sold, else the leader (pseudonyms; or real ids, for "is this you"). */
export const publicLeader = <Who>(outcome: Outcome, leader: Who | null, winner: Who | null): Who | null =>
  outcome === 'sold' ? (winner ?? leader) : leader;

/** The price the public sees: the final price once sold, else the current price. */
export const publicPrice = <Money extends number>(outcome: Outcome, current: Money, final: Money | null): Money =>
  outcome === 'sold' ? (final ?? current) : current;

/** The buy-now price the public sees: only while the auction is live and buy-now is offered. */
export const publicBuyNowPrice = <Money extends number>(outcome: Outcome, offered: boolean, price: Money | null): Money | null =>
  outcome === 'live' && offered ? price : null;

/** A user's pseudonym within one auction (infra's Pseudonymiser). */
export type PseudonymOf = (auctionId: string, userId: string) => string;

/**
 * The public state AuctionCreated starts, as the `version`-th event of the auction's stream
 * `auctionId`. The opening price and flags are the domain's own (`evolve`).
 */
export const createdPublicAuction = (auctionId: string, event: EventOf<'AuctionCreated'>, version: number): PublicAuction => {
  const d = event.data;
  const initial = evolve(initialState, event);
  if (initial.kind !== 'auction') throw new Error('AuctionCreated did not create an auction');
  return {
    auctionId,
    title: d.title,
    description: d.description,
    sellerId: d.sellerId,
    currency: d.currency,
    startingPrice: d.startingPrice,
    currentPrice: initial.currentPrice,
    bidCount: initial.bidCount,
    leader: null,
    reserveMet: initial.reserveMet,
    buyNowPrice: publicBuyNowPrice('live', initial.buyNowAvailable, d.buyNowPrice),
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    softClose: d.softClose === null ? null : { windowSeconds: d.softClose.windowSeconds, extensionSeconds: d.softClose.extensionSeconds },
    createdAt: d.createdAt,
    endedAt: null,
    outcome: 'live',
    version,
  };
};

/**
 * The public state after `event`, the `version`-th event of the auction's stream (a new object;
 * `state` is left as it is). Each field is a fact the event states, through the public choices.
 */
export const evolvePublicAuction = (
  state: PublicAuction,
  event: Exclude<AuctionEvent, EventOf<'AuctionCreated'>>,
  version: number,
  pseudonym: PseudonymOf,
): PublicAuction => {
  switch (event.type) {
    case 'BidPlaced': {
      // Once sold (no bid is decided after the end), the price and leader shown stay the sale's.
      const d = event.data;
      return {
        ...state,
        currentPrice: publicPrice(state.outcome, d.currentPrice, state.currentPrice),
        bidCount: d.bidCount,
        leader: publicLeader(state.outcome, pseudonym(state.auctionId, d.leaderId), state.leader),
        reserveMet: d.reserveMet,
        buyNowPrice: publicBuyNowPrice(state.outcome, d.buyNowAvailable, state.buyNowPrice),
        endsAt: d.endsAt,
        version,
      };
    }
    case 'AuctionBoughtNow': {
      const d = event.data;
      const buyer = pseudonym(state.auctionId, d.buyerId);
      return {
        ...state,
        currentPrice: d.price,
        leader: buyer,
        buyNowPrice: null,
        endedAt: d.boughtAt,
        outcome: 'sold',
        version,
      };
    }
    case 'AuctionCancelled':
      return { ...state, buyNowPrice: null, endedAt: event.data.cancelledAt, outcome: 'cancelled', version };
    case 'AuctionClosed': {
      const d = event.data;
      const winner = d.winnerId === null ? null : pseudonym(state.auctionId, d.winnerId);
      return {
        ...state,
        currentPrice: publicPrice(d.result, d.finalPrice ?? state.currentPrice, d.finalPrice),
        bidCount: d.bidCount,
        leader: publicLeader(d.result, state.leader, winner),
        reserveMet: d.reserveMet,
        buyNowPrice: null,
        endedAt: d.closedAt,
        outcome: d.result,
        version,
      };
    }
  }
};

/**
 * What the public sees of an auction at `nowMs` (GET /v1/auctions/:id without a caller, the
 * WebSocket snapshot): its status at that moment, `buyNowPrice` and `endedAt` only when set.
 */
export const publicAuctionView = (auction: PublicAuction, nowMs: number): PublicAuctionView => ({
  auctionId: auction.auctionId,
  title: auction.title,
  description: auction.description,
  sellerId: auction.sellerId,
  status: publicStatus(auction.outcome, toMillis(auction.startsAt), nowMs),
  currency: auction.currency,
  startingPrice: auction.startingPrice,
  currentPrice: auction.currentPrice,
  bidCount: auction.bidCount,
  leader: auction.leader,
  reserveMet: auction.reserveMet,
  ...(auction.buyNowPrice !== null ? { buyNowPrice: auction.buyNowPrice } : {}),
  startsAt: auction.startsAt,
  endsAt: auction.endsAt,
  softClose: auction.softClose,
  createdAt: auction.createdAt,
  ...(auction.endedAt !== null ? { endedAt: auction.endedAt } : {}),
  version: auction.version,
});
