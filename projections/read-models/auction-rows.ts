// The read-model rows an auction's events produce, folded in memory (pure): a batch of events of
// one auction becomes its final `auction_view` row, one `bid_history` row per bid, and per-bidder
// `bidder_activity` increments. Only facts carried by the events are copied; the initial
// reserve/buy-now flags of a new auction come from the domain's own `evolve`. The row keeps the
// facts (the leader and the winner, the current and the final price, buy-now offered or not); the
// read API shows them through the domain's public choices (domain/public-auction.ts).
import type { AuctionFormat, Outcome } from '../../domain/index.js';
import { upcasters } from '../../domain/index.js';
import type { Pseudonymiser } from '../../infra/index.js';
import type { AuctionFold, ProjectedEvent, Unprojectable } from '../runtime/index.js';
import { createdAuction, projectEach, requireExisting } from '../runtime/index.js';
import { sealedBidRow } from './sealed-bid-rows.js';
import { trailOf } from './bid-trail.js';

/** One `auction_view` row. Money in minor units, times as ISO 8601 UTC strings. */
export interface AuctionRow {
  readonly auctionId: string;
  readonly sellerId: string;
  readonly format: AuctionFormat;
  readonly title: string;
  readonly description: string;
  readonly currency: string;
  readonly startingPrice: number;
  readonly currentPrice: number;
  readonly reservePrice: number | null;
  readonly buyNowPrice: number | null;
  readonly buyNowAvailable: boolean;
  readonly bidCount: number;
  readonly leaderId: string | null;
  readonly leaderPseudonym: string | null;
  readonly reserveMet: boolean;
  readonly outcome: Outcome;
  readonly winnerId: string | null;
  readonly winnerPseudonym: string | null;
  readonly finalPrice: number | null;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly softCloseWindowSeconds: number | null;
  readonly softCloseExtensionSeconds: number | null;
  /** A Dutch auction's clock; null for the other formats. */
  readonly clockDecrementAmount: number | null;
  readonly clockDecrementEverySeconds: number | null;
  readonly clockFloorPrice: number | null;
  /** The timed sale this auction is a lot of, and its lot number (null: sold on its own). */
  readonly saleId: string | null;
  readonly lotNumber: number | null;
  readonly createdAt: string;
  readonly endedAt: string | null;
  readonly version: number;
  readonly logPosition: string;
}

/** One `bid_history` row. */
export interface BidRow {
  readonly auctionId: string;
  readonly streamVersion: number;
  readonly bidId: string;
  readonly bidderId: string;
  readonly bidderPseudonym: string;
  readonly maxAmount: number;
  readonly outcome: string;
  readonly priceAfter: number;
  /** The leader after this bid or retraction (null when a retraction left no bid). */
  readonly leaderPseudonym: string | null;
  readonly placedAt: string;
  readonly endsAtAfter: string;
  readonly extended: boolean;
  readonly eventId: string;
  readonly commandId: string;
  readonly logPosition: string;
  readonly prevHash: string;
  readonly hash: string;
  /** On a retraction's row (outcome 'retracted'): the bids it took back, space-separated, oldest first; null on a bid's row. */
  readonly retractedBidIds: string | null;
}

/**
 * What a batch adds to one `bidder_activity` row: counts add up, the highest maximum is the
 * greater, the first bid time stays the first recorded, the last is the batch's last.
 */
export interface ActivityIncrement {
  readonly bidderId: string;
  readonly auctionId: string;
  readonly bidCount: number;
  readonly highestMax: number;
  readonly firstBidAt: string;
  readonly lastBidAt: string;
  /** Whether this bidder leads once the batch is applied. */
  readonly leading: boolean;
  /**
   * The bidder's retractions in the batch. When above 0, `highestMax` is the bidder's highest
   * maximum still standing after the batch (0 when none is), and replaces the stored one.
   */
  readonly retractionCount: number;
}

/** An activity increment being added up, owned by the fold (changed in place). */
export type ActivityDraft = { -readonly [K in keyof ActivityIncrement]: ActivityIncrement[K] };

/**
 * Two successive increments of one bidder in one auction as one (the later second), added into
 * `earlier` in place: counts add up, the highest maximum is the greater, the first bid time stays
 * the earlier's, the last is the later's.
 */
export const addActivity = (earlier: ActivityDraft, later: Omit<ActivityIncrement, 'leading'>): ActivityDraft => {
  // A retraction states the bidder's highest maximum still standing; a bid can only raise it.
  earlier.highestMax = later.retractionCount > 0 ? later.highestMax : Math.max(earlier.highestMax, later.highestMax);
  if (later.bidCount > 0) earlier.lastBidAt = later.lastBidAt;
  earlier.bidCount += later.bidCount;
  earlier.retractionCount += later.retractionCount;
  return earlier;
};

export interface AuctionChanges {
  readonly row: AuctionRow;
  readonly bids: readonly BidRow[];
  readonly activity: readonly ActivityIncrement[];
  /** The leader differs from the stored row's: every bidder's `leading` flag must be recomputed. */
  readonly leaderChanged: boolean;
}

/** An auction row being folded, owned by the fold (changed in place). */
type RowDraft = { -readonly [K in keyof AuctionRow]: AuctionRow[K] };

/** The row of an auction sold to `buyerId` at `price` (by buy-now or a second-chance offer), changed in place. */
const soldTo = (r: RowDraft, buyerId: string, buyerPseudonym: string, price: number): void => {
  r.currentPrice = price;
  r.leaderId = buyerId;
  r.leaderPseudonym = buyerPseudonym;
  r.outcome = 'sold';
  r.winnerId = buyerId;
  r.winnerPseudonym = buyerPseudonym;
  r.finalPrice = price;
};

/**
 * The auction row after one event (no rule: each field is a fact the event states): a new row for
 * AuctionCreated, otherwise `row` itself, changed in place (a fold makes one copy per batch, not one
 * per event: a rebuild folds millions). Throws ProjectionDecodeError before changing anything.
 */
const changeRow = (row: RowDraft | undefined, projected: ProjectedEvent, pseudonym: Pseudonymiser): RowDraft => {
  const { event, auctionId } = projected;
  switch (event.type) {
    case 'AuctionCreated': {
      const initial = createdAuction(row, projected);
      const d = event.data;
      return {
        auctionId,
        sellerId: d.sellerId,
        format: d.format,
        title: d.title,
        description: d.description,
        currency: d.currency,
        startingPrice: d.startingPrice,
        currentPrice: initial.currentPrice,
        reservePrice: d.reservePrice,
        buyNowPrice: d.buyNowPrice,
        buyNowAvailable: initial.buyNowAvailable,
        bidCount: initial.bidCount,
        leaderId: null,
        leaderPseudonym: null,
        reserveMet: initial.reserveMet,
        outcome: 'live',
        winnerId: null,
        winnerPseudonym: null,
        finalPrice: null,
        startsAt: d.startsAt,
        endsAt: d.endsAt,
        softCloseWindowSeconds: d.softClose?.windowSeconds ?? null,
        softCloseExtensionSeconds: d.softClose?.extensionSeconds ?? null,
        clockDecrementAmount: d.clock?.decrementAmount ?? null,
        clockDecrementEverySeconds: d.clock?.decrementEverySeconds ?? null,
        clockFloorPrice: d.clock?.floorPrice ?? null,
        saleId: d.lot?.saleId ?? null,
        lotNumber: d.lot?.lotNumber ?? null,
        createdAt: d.createdAt,
        endedAt: null,
        version: 0, // stamped by applyEvent
        logPosition: '',
      };
    }
    case 'BidPlaced': {
      const d = event.data;
      const r = requireExisting(row, projected);
      const leaderPseudonym = pseudonym(auctionId, d.leaderId);
      r.currentPrice = d.currentPrice;
      r.bidCount = d.bidCount;
      r.leaderId = d.leaderId;
      r.leaderPseudonym = leaderPseudonym;
      r.reserveMet = d.reserveMet;
      r.buyNowAvailable = d.buyNowAvailable;
      r.endsAt = d.endsAt;
      return r;
    }
    case 'AuctionBoughtNow': {
      const d = event.data;
      const r = requireExisting(row, projected);
      soldTo(r, d.buyerId, pseudonym(auctionId, d.buyerId), d.price);
      r.buyNowAvailable = false;
      r.endedAt = d.boughtAt;
      return r;
    }
    case 'BidRetracted': {
      const d = event.data;
      const r = requireExisting(row, projected);
      r.currentPrice = d.currentPrice;
      r.bidCount = d.bidCount;
      r.leaderId = d.leaderId;
      r.leaderPseudonym = d.leaderId === null ? null : pseudonym(auctionId, d.leaderId);
      r.reserveMet = d.reserveMet;
      r.buyNowAvailable = d.buyNowAvailable;
      return r;
    }
    case 'SealedBidPlaced': {
      // Sealed: only the count moves; no leader or price until the close.
      const r = requireExisting(row, projected);
      r.bidCount = event.data.bidCount;
      return r;
    }
    case 'BidderApproved':
    case 'BidderApprovalRevoked':
    case 'SecondChanceOffered':
    case 'SecondChanceDeclined':
      // The seller's list and the offers are the write side's (read back from the stream); the row only moves its version.
      return requireExisting(row, projected);
    case 'WinnerNonPaymentReported': {
      // The sale fell through: unsold, no winner, nobody leads; the price bidding reached stays.
      const r = requireExisting(row, projected);
      r.outcome = 'unsold';
      r.leaderId = null;
      r.leaderPseudonym = null;
      r.winnerId = null;
      r.winnerPseudonym = null;
      r.finalPrice = null;
      return r;
    }
    case 'SecondChanceAccepted': {
      // Sold to the offered bidder at the offer's price; the end stays when the auction ended.
      const d = event.data;
      const r = requireExisting(row, projected);
      soldTo(r, d.bidderId, pseudonym(auctionId, d.bidderId), d.price);
      return r;
    }
    case 'AuctionCancelled': {
      const r = requireExisting(row, projected);
      r.buyNowAvailable = false;
      r.outcome = 'cancelled';
      r.endedAt = event.data.cancelledAt;
      return r;
    }
    case 'AuctionClosed': {
      const d = event.data;
      const r = requireExisting(row, projected);
      const winnerPseudonym = d.winnerId === null ? null : pseudonym(auctionId, d.winnerId);
      r.currentPrice = d.finalPrice ?? r.currentPrice;
      r.bidCount = d.bidCount;
      r.reserveMet = d.reserveMet;
      r.buyNowAvailable = false;
      r.outcome = d.result;
      r.winnerId = d.winnerId;
      r.winnerPseudonym = winnerPseudonym;
      r.finalPrice = d.finalPrice;
      r.endedAt = d.closedAt;
      if (d.ranking !== null) {
        // A sealed close decides the only leader a sealed auction has: the winner, if any.
        r.leaderId = d.winnerId;
        r.leaderPseudonym = winnerPseudonym;
      }
      return r;
    }
  }
};

/** `changeRow`, stamped with the event's version and log position. */
const applyEvent = (row: RowDraft | undefined, projected: ProjectedEvent, pseudonym: Pseudonymiser): RowDraft => {
  const changed = changeRow(row, projected, pseudonym);
  changed.version = projected.recorded.streamVersion;
  changed.logPosition = projected.recorded.position;
  return changed;
};

/** What the new events of one auction change, and the event that stopped them, if one did. */
export interface FoldResult {
  /** Undefined when nothing is to be written. */
  readonly changes: AuctionChanges | undefined;
  /** The first event that could not be projected: it and every later one were left out. */
  readonly unprojectable: Unprojectable | undefined;
}

/**
 * Folds the new events of one auction (already filtered past the stored version, in stream
 * order) from its stored row, decoding each (upcast with `registry`), up to the first event that
 * cannot be projected.
 */
export const foldAuction: AuctionFold<AuctionRow, FoldResult> = (auctionId, stored, events, pseudonym, registry = upcasters) => {
  // One copy of the stored row, changed by each event in turn.
  let row: RowDraft | undefined = stored === undefined || events.length === 0 ? undefined : { ...stored };
  let applied = 0;
  const bids: BidRow[] = [];
  const activity = new Map<string, ActivityDraft>();
  const unprojectable = projectEach(auctionId, events, (projected) => {
    row = applyEvent(row, projected, pseudonym); // throws before anything below changes
    applied += 1;
    const { event, recorded } = projected;
    if (event.type === 'BidRetracted') {
      const d = event.data;
      bids.push({
        auctionId,
        streamVersion: recorded.streamVersion,
        bidId: d.retractedBidIds[d.retractedBidIds.length - 1]!,
        bidderId: d.bidderId,
        bidderPseudonym: pseudonym(auctionId, d.bidderId),
        maxAmount: d.retractedMax,
        outcome: 'retracted',
        priceAfter: d.currentPrice,
        leaderPseudonym: d.leaderId === null ? null : pseudonym(auctionId, d.leaderId),
        placedAt: d.retractedAt,
        endsAtAfter: row.endsAt,
        extended: false,
        ...trailOf(recorded),
        retractedBidIds: d.retractedBidIds.join(' '),
      });
      const retraction = {
        bidderId: d.bidderId, auctionId, bidCount: 0, highestMax: d.bidderMaxAfter ?? 0, firstBidAt: d.retractedAt, lastBidAt: d.retractedAt, leading: false, retractionCount: 1,
      };
      const earlier = activity.get(d.bidderId);
      if (earlier === undefined) activity.set(d.bidderId, retraction);
      else addActivity(earlier, retraction);
      return;
    }
    if (event.type === 'SealedBidPlaced') {
      const d = event.data;
      bids.push(sealedBidRow(auctionId, d, row.endsAt, recorded, pseudonym));
      const bid = { bidderId: d.bidderId, auctionId, bidCount: 1, highestMax: d.amount, firstBidAt: d.placedAt, lastBidAt: d.placedAt, leading: false, retractionCount: 0 };
      const earlier = activity.get(d.bidderId);
      if (earlier === undefined) activity.set(d.bidderId, bid);
      else addActivity(earlier, bid);
      return;
    }
    if (event.type !== 'BidPlaced') return;
    const d = event.data;
    bids.push({
      auctionId,
      streamVersion: recorded.streamVersion,
      bidId: d.bidId,
      bidderId: d.bidderId,
      bidderPseudonym: pseudonym(auctionId, d.bidderId),
      maxAmount: d.maxAmount,
      outcome: d.outcome,
      priceAfter: d.currentPrice,
      leaderPseudonym: pseudonym(auctionId, d.leaderId),
      placedAt: d.placedAt,
      endsAtAfter: d.endsAt,
      extended: d.extended,
      ...trailOf(recorded),
      retractedBidIds: null,
    });
    const bid = { bidderId: d.bidderId, auctionId, bidCount: 1, highestMax: d.maxAmount, firstBidAt: d.placedAt, lastBidAt: d.placedAt, leading: false, retractionCount: 0 };
    const earlier = activity.get(d.bidderId);
    if (earlier === undefined) activity.set(d.bidderId, bid);
    else addActivity(earlier, bid);
  }, registry);
  const folded: AuctionRow | undefined = row;
  if (applied === 0 || folded === undefined) return { changes: undefined, unprojectable };
  const leaderId = folded.leaderId;
  for (const a of activity.values()) a.leading = a.bidderId === leaderId;
  return {
    changes: {
      row: folded,
      bids,
      activity: [...activity.values()],
      leaderChanged: (stored?.leaderId ?? null) !== leaderId,
    },
    unprojectable,
  };
};
