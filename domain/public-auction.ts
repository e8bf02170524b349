// What the public sees of an auction, said once: its state folded from the events
// (`evolvePublicAuction`, which the live cache holds as it is), its status at a moment, the
// `auction.updated` frame each change publishes, and the view GET /v1/auctions/:id and the
// WebSocket snapshot show (`publicAuctionView`). The public choices are made here: the winner's
// pseudonym and the final price once sold, buy-now only while the auction is live and offers it;
// the read API applies the same choices to a read-model row (DESIGN.md section 6). A sealed
// auction shows, while open, only its bid count moving: `currentPrice` stays the starting price,
// `leader` null, `reserveMet` as at creation and `minimumBid` the starting price (the listing's
// own facts, not the contest's); its close shows the winner's pseudonym and the price. Pure.
import * as t from 'io-ts';
import type { AuctionEvent, EventOf } from './events.js';
import { AuctionFormat, DutchClock, SoftClose } from './events.js';
import { evolve } from './evolve.js';
import { Count } from './ids.js';
import { Currency, MinorUnits } from './money.js';
import { minimumChallenge } from './pricing.js';
import { shownClockPrice } from './dutch-clock.js';
import { initialState } from './state.js';
import { UtcTimestamp, toMillis } from './time.js';

export const PublicStatus = t.keyof({ scheduled: null, open: null, sold: null, unsold: null, cancelled: null }, 'PublicStatus');
export type PublicStatus = t.TypeOf<typeof PublicStatus>;

/** How an auction ended, as recorded by its events; 'live' until one of them. */
export const Outcome = t.keyof({ live: null, sold: null, unsold: null, cancelled: null }, 'Outcome');
export type Outcome = t.TypeOf<typeof Outcome>;

/**
 * The status shown at `nowMs`: a live auction is `scheduled` before `startsAt`, then `open`
 * (including the moments between `endsAt` and the scheduler's AuctionClosed).
 */
export const publicStatus = (outcome: Outcome, startsAtMs: number, nowMs: number): PublicStatus =>
  outcome !== 'live' ? outcome : nowMs < startsAtMs ? 'scheduled' : 'open';

// ---- The public view: GET /v1/auctions/:id without a caller, and the WebSocket snapshot --------

/** The fields every public view of an auction carries. The leader is a pseudonym (the winner's once sold). */
export const publicViewProps = {
  auctionId: t.string,
  title: t.string,
  description: t.string,
  sellerId: t.string,
  format: AuctionFormat,
  status: PublicStatus,
  currency: Currency,
  startingPrice: MinorUnits,
  currentPrice: MinorUnits,
  bidCount: Count,
  leader: t.union([t.string, t.null]),
  reserveMet: t.boolean,
  startsAt: UtcTimestamp,
  endsAt: UtcTimestamp,
  softClose: t.union([SoftClose, t.null]),
  createdAt: UtcTimestamp,
  version: Count,
};

/**
 * The fields a public view carries only at times: `buyNowPrice` while buy-now is offered, `endedAt`
 * once it ended, `minimumBid` (the least maximum a new bidder may bid: `minimumChallenge`) while
 * the auction is live.
 */
export const publicOptionalProps = { buyNowPrice: MinorUnits, endedAt: UtcTimestamp, minimumBid: MinorUnits, clock: DutchClock };

/** The public view of an auction. */
export const PublicAuctionView = t.intersection([t.type(publicViewProps), t.partial(publicOptionalProps)], 'PublicAuctionView');
export type PublicAuctionView = t.TypeOf<typeof PublicAuctionView>;

/**
 * The `auction.updated` frame: one per change, in version order, with the view's fields a change
 * moves. `minimumBid` and `buyNowPrice` are null where the view leaves them out (the auction ended;
 * buy-now is no longer offered), so a client replaces what it showed.
 */
export const AuctionUpdated = (() => {
  const { auctionId, version, currentPrice, leader, bidCount, endsAt, status, reserveMet } = publicViewProps;
  const minimumBid = t.union([MinorUnits, t.null]);
  const buyNowPrice = t.union([MinorUnits, t.null]);
  return t.type({
    type: t.literal('auction.updated'), auctionId, version, currentPrice, leader, bidCount, endsAt, status, reserveMet, minimumBid, buyNowPrice,
  }, 'AuctionUpdated');
})();
export type AuctionUpdated = t.TypeOf<typeof AuctionUpdated>;

// ---- The public state, folded from the events ----------------------------------------------

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
  clock: t.union([DutchClock, t.null]),
  outcome: Outcome,
}, 'PublicAuction');
export type PublicAuction = t.TypeOf<typeof PublicAuction>;

/** Who the public sees leading: the winner once sold, else the leader (pseudonyms; or real ids, for "is this you"). */
export const publicLeader = <Who>(outcome: Outcome, leader: Who | null, winner: Who | null): Who | null =>
  outcome === 'sold' ? (winner ?? leader) : leader;

/**
 * The least maximum a bidder who does not lead may bid, while the auction is live (the domain's
 * `minimumChallenge`: the starting price for the first bid, else the price plus one increment);
 * null once it ended.
 */
export const publicMinimumBid = (state: Pick<PublicAuction, 'outcome' | 'currency' | 'startingPrice' | 'currentPrice' | 'leader'>): MinorUnits | null =>
  state.outcome === 'live' ? minimumChallenge(state.currency, state.startingPrice, state.currentPrice, state.leader !== null) : null;

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
    format: d.format,
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
    clock: d.clock,
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
    case 'BidRetracted': {
      // Decided only while live: the price, leader, count and flags the retraction left.
      const d = event.data;
      return {
        ...state,
        currentPrice: publicPrice(state.outcome, d.currentPrice, state.currentPrice),
        bidCount: d.bidCount,
        leader: publicLeader(state.outcome, d.leaderId === null ? null : pseudonym(state.auctionId, d.leaderId), state.leader),
        reserveMet: d.reserveMet,
        buyNowPrice: publicBuyNowPrice(state.outcome, d.buyNowAvailable, d.buyNowPrice),
        version,
      };
    }
    case 'SealedBidPlaced':
      // Sealed: only the count moves; the price, leader and reserve flag stay the listing's until the close.
      return { ...state, bidCount: event.data.bidCount, version };
    case 'BidderApproved':
    case 'BidderApprovalRevoked':
    case 'SecondChanceOffered':
    case 'SecondChanceDeclined':
      // Nothing public changes (an offer's price is a bidder's maximum); the version moves, so subscribers see no gap.
      return { ...state, version };
    case 'WinnerNonPaymentReported':
      // The sale fell through: unsold, nobody holds the item; the price bidding reached stays shown.
      return { ...state, leader: null, outcome: 'unsold', version };
    case 'SecondChanceAccepted':
      // Sold to the offered bidder at the offer's price (the auction's end stays when it ended).
      return { ...state, currentPrice: event.data.price, leader: pseudonym(state.auctionId, event.data.bidderId), outcome: 'sold', version };
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
 * WebSocket snapshot): its status at that moment, `buyNowPrice` and `endedAt` only when set. A
 * live Dutch auction's price and buy-now price are its clock's price at `nowMs` (it has no minimum bid).
 */
export const publicAuctionView = (auction: PublicAuction, nowMs: number): PublicAuctionView => dutchAt(publicAuctionViewOf(auction, nowMs), auction, nowMs);

/**
 * A Dutch auction's view at `nowMs`: no minimum bid; while live, priced by its clock and bought at
 * that price; once it ended unsold or cancelled, the clock's price when it ended (`shownClockPrice`).
 */
const dutchAt = (view: PublicAuctionView, auction: PublicAuction, nowMs: number): PublicAuctionView => {
  if (auction.clock === null) return view;
  const { minimumBid: _minimumBid, ...rest } = view;
  const price = shownClockPrice(auction, nowMs);
  return price === null ? rest : { ...rest, currentPrice: price, ...(auction.outcome === 'live' ? { buyNowPrice: price } : {}) };
};

const publicAuctionViewOf = (auction: PublicAuction, nowMs: number): PublicAuctionView => ({
  auctionId: auction.auctionId,
  title: auction.title,
  description: auction.description,
  sellerId: auction.sellerId,
  format: auction.format,
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
  ...(auction.clock !== null ? { clock: auction.clock } : {}),
  createdAt: auction.createdAt,
  ...(auction.endedAt !== null ? { endedAt: auction.endedAt } : {}),
  ...minimumBidField(publicMinimumBid(auction)),
  version: auction.version,
});

const minimumBidField = (minimumBid: MinorUnits | null): { minimumBid?: MinorUnits } => (minimumBid === null ? {} : { minimumBid });

/**
 * The `auction.updated` frame of a change that left the auction in `state`; its status is taken at
 * `atMs` (the server time of the event that made the change, so a replay makes the same frame).
 */
export const updatedFrame = (state: PublicAuction, atMs: number): AuctionUpdated => {
  const frame = updatedFrameOf(state, atMs);
  if (state.clock === null) return frame;
  // A Dutch auction: priced by its clock at the event's time (the page runs the clock on from `clock` and the server time).
  const price = shownClockPrice(state, atMs);
  return { ...frame, minimumBid: null, ...(price === null ? {} : { currentPrice: price, buyNowPrice: state.outcome === 'live' ? price : null }) };
};

const updatedFrameOf = (state: PublicAuction, atMs: number): AuctionUpdated => ({
  type: 'auction.updated',
  auctionId: state.auctionId,
  version: state.version,
  currentPrice: state.currentPrice,
  leader: state.leader,
  bidCount: state.bidCount,
  endsAt: state.endsAt,
  status: publicStatus(state.outcome, toMillis(state.startsAt), atMs),
  reserveMet: state.reserveMet,
  minimumBid: publicMinimumBid(state),
  buyNowPrice: state.buyNowPrice,
});
