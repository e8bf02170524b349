// The analytics rows an auction's events produce, folded in memory (pure): a batch of one auction's
// events becomes its final `analytics_auctions` row, its new price points, the bidders it saw and
// what it adds to bids per minute. Every value is a fact an event carries (no auction rule is run
// again; the initial reserve flag of a new auction comes from the domain's own `evolve`, as in the
// read models). The facts chosen where the events leave a choice:
// - a bid is an accepted BidPlaced or SealedBidPlaced (a raise of one's own maximum, or a sealed
//   raise, is a bid too); a retraction takes back no count (`bids`, `distinct_bidders` and the
//   minute's figures count what was placed);
// - a last-minute bid is one placed at most 60 s before the end in force when it was placed (the
//   row's `ends_at` before this bid moved it): 0 < ends_at - placedAt <= 60 s;
// - the price curve: the starting price at `starts_at` (english and dutch; a sealed auction shows
//   no price while open), the visible price after each open bid at its `placedAt`, after each
//   retraction at its `retractedAt`, the price paid at `boughtAt`, and a sealed auction's final
//   price at `closedAt` (an english close changes no price, so it adds no point);
// - `reserve_met` follows the events that state it (BidPlaced, BidRetracted, AuctionClosed);
// - approvals and second-chance offers move only the row's version.
import type { AuctionFormat, RecordedEvent, Upcaster } from '../../domain/index.js';
import { upcasters } from '../../domain/index.js';
import type { ProjectedEvent, Unprojectable } from '../runtime/index.js';
import { createdAuction, projectEach, requireExisting } from '../runtime/index.js';

export type AnalyticsStatus = 'open' | 'sold' | 'unsold' | 'cancelled';

/** One `analytics_auctions` row. Money in minor units, times as ISO 8601 UTC strings. */
export interface AnalyticsAuctionRow {
  readonly auctionId: string;
  readonly version: number;
  readonly sellerId: string;
  readonly format: AuctionFormat;
  readonly currency: string;
  readonly startingPrice: number;
  readonly reservePrice: number | null;
  readonly createdAt: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly firstBidAt: string | null;
  readonly bids: number;
  /** As stored: the write adds the bidders its batch saw first (analytics_auction_bidders). */
  readonly distinctBidders: number;
  readonly extensions: number;
  readonly lastMinuteBids: number;
  readonly status: AnalyticsStatus;
  readonly finalPrice: number | null;
  readonly reserveMet: boolean;
  readonly endedAt: string | null;
}

/** One `analytics_price_points` row. */
export interface PricePoint {
  readonly auctionId: string;
  readonly streamVersion: number;
  readonly at: string;
  readonly price: number;
}

/** What bids add to one `analytics_bids_per_minute` row. */
export interface MinuteIncrement {
  /** The UTC minute, as ISO 8601 (date_trunc('minute', placedAt)). */
  readonly minute: string;
  bids: number;
  lastMinuteBids: number;
}

/** How close to the end a bid counts as a last-minute one. */
export const LAST_MINUTE_MS = 60_000;

/** Whether a bid placed at `placedAt` came in the last minute before `endsAt` (the end in force when placed). */
export const isLastMinuteBid = (placedAt: string, endsAt: string): boolean => {
  const left = Date.parse(endsAt) - Date.parse(placedAt);
  return left > 0 && left <= LAST_MINUTE_MS;
};

/** The UTC minute `at` falls in, as ISO 8601. */
export const minuteOf = (at: string): string => new Date(Math.floor(Date.parse(at) / 60_000) * 60_000).toISOString();

export interface AnalyticsChanges {
  readonly row: AnalyticsAuctionRow;
  readonly pricePoints: readonly PricePoint[];
  /** The bidders of this batch (some may be known already: the write inserts only the new ones). */
  readonly bidders: readonly string[];
  /** By minute, what this batch's bids add. */
  readonly minutes: ReadonlyMap<string, MinuteIncrement>;
}

export interface AnalyticsFoldResult {
  /** Undefined when nothing is to be written. */
  readonly changes: AnalyticsChanges | undefined;
  /** The first event that could not be projected: it and every later one were left out. */
  readonly unprojectable: Unprojectable | undefined;
}

type RowDraft = { -readonly [K in keyof AnalyticsAuctionRow]: AnalyticsAuctionRow[K] };

const isSealed = (format: AuctionFormat): boolean => format === 'sealed-first-price' || format === 'sealed-second-price';

/** What one event adds besides the row: a price point, a bid (with its bidder and time). */
interface EventFacts {
  readonly price?: { readonly at: string; readonly price: number };
  readonly bid?: { readonly bidderId: string; readonly placedAt: string; readonly lastMinute: boolean };
}

/** Counts a bid (open or sealed) placed at `placedAt` on `r` (before its end moves); says whether it came in the last minute. */
const countBid = (r: RowDraft, placedAt: string): boolean => {
  const lastMinute = isLastMinuteBid(placedAt, r.endsAt);
  r.bids += 1;
  r.firstBidAt ??= placedAt;
  if (lastMinute) r.lastMinuteBids += 1;
  return lastMinute;
};

/**
 * The row after one event (each field a fact the event states): a new row for AuctionCreated,
 * otherwise `row` itself, changed in place (one copy per batch). Throws ProjectionDecodeError
 * before changing anything.
 */
const changeRow = (row: RowDraft | undefined, projected: ProjectedEvent): { row: RowDraft; facts: EventFacts } => {
  const { event, auctionId } = projected;
  switch (event.type) {
    case 'AuctionCreated': {
      const initial = createdAuction(row, projected);
      const d = event.data;
      return {
        row: {
          auctionId,
          version: 0,
          sellerId: d.sellerId,
          format: d.format,
          currency: d.currency,
          startingPrice: d.startingPrice,
          reservePrice: d.reservePrice,
          createdAt: d.createdAt,
          startsAt: d.startsAt,
          endsAt: d.endsAt,
          firstBidAt: null,
          bids: 0,
          distinctBidders: 0,
          extensions: 0,
          lastMinuteBids: 0,
          status: 'open',
          finalPrice: null,
          reserveMet: initial.reserveMet,
          endedAt: null,
        },
        facts: isSealed(d.format) ? {} : { price: { at: d.startsAt, price: d.startingPrice } },
      };
    }
    case 'BidPlaced': {
      const d = event.data;
      const r = requireExisting(row, projected);
      const lastMinute = countBid(r, d.placedAt);
      if (d.extended) r.extensions += 1;
      r.endsAt = d.endsAt;
      r.reserveMet = d.reserveMet;
      return { row: r, facts: { price: { at: d.placedAt, price: d.currentPrice }, bid: { bidderId: d.bidderId, placedAt: d.placedAt, lastMinute } } };
    }
    case 'SealedBidPlaced': {
      // Counted like an open bid; its amount stays private until the close, so no price point.
      const d = event.data;
      const r = requireExisting(row, projected);
      const lastMinute = countBid(r, d.placedAt);
      return { row: r, facts: { bid: { bidderId: d.bidderId, placedAt: d.placedAt, lastMinute } } };
    }
    case 'BidRetracted': {
      const d = event.data;
      const r = requireExisting(row, projected);
      r.reserveMet = d.reserveMet;
      return { row: r, facts: { price: { at: d.retractedAt, price: d.currentPrice } } };
    }
    case 'AuctionBoughtNow': {
      const d = event.data;
      const r = requireExisting(row, projected);
      r.status = 'sold';
      r.finalPrice = d.price;
      r.endedAt = d.boughtAt;
      return { row: r, facts: { price: { at: d.boughtAt, price: d.price } } };
    }
    case 'AuctionClosed': {
      const d = event.data;
      const r = requireExisting(row, projected);
      r.status = d.result;
      r.finalPrice = d.finalPrice;
      r.reserveMet = d.reserveMet;
      r.endedAt = d.closedAt;
      // A sealed auction's price shows first at its close.
      return { row: r, facts: isSealed(r.format) && d.finalPrice !== null ? { price: { at: d.closedAt, price: d.finalPrice } } : {} };
    }
    case 'AuctionCancelled': {
      const r = requireExisting(row, projected);
      r.status = 'cancelled';
      r.endedAt = event.data.cancelledAt;
      return { row: r, facts: {} };
    }
    case 'BidderApproved':
    case 'BidderApprovalRevoked':
    case 'WinnerNonPaymentReported':
    case 'SecondChanceOffered':
    case 'SecondChanceAccepted':
    case 'SecondChanceDeclined':
      return { row: requireExisting(row, projected), facts: {} };
  }
};

/**
 * Folds the new events of one auction (already past the stored version, in stream order) from its
 * stored row, decoding each (upcast with `registry`), up to the first event that cannot be projected.
 */
export const foldAnalytics = (
  auctionId: string,
  stored: AnalyticsAuctionRow | undefined,
  events: readonly RecordedEvent[],
  registry: readonly Upcaster[] = upcasters,
): AnalyticsFoldResult => {
  let row: RowDraft | undefined = stored === undefined || events.length === 0 ? undefined : { ...stored };
  let applied = 0;
  const pricePoints: PricePoint[] = [];
  const bidders = new Set<string>();
  const minutes = new Map<string, MinuteIncrement>();
  const unprojectable = projectEach(auctionId, events, (projected) => {
    const changed = changeRow(row, projected); // throws before anything changes
    row = changed.row;
    row.version = projected.recorded.streamVersion;
    applied += 1;
    const { price, bid } = changed.facts;
    if (price !== undefined) pricePoints.push({ auctionId, streamVersion: projected.recorded.streamVersion, at: price.at, price: price.price });
    if (bid !== undefined) {
      bidders.add(bid.bidderId);
      const minute = minuteOf(bid.placedAt);
      let increment = minutes.get(minute);
      if (increment === undefined) minutes.set(minute, (increment = { minute, bids: 0, lastMinuteBids: 0 }));
      increment.bids += 1;
      if (bid.lastMinute) increment.lastMinuteBids += 1;
    }
  }, registry);
  const folded: AnalyticsAuctionRow | undefined = row;
  if (applied === 0 || folded === undefined) return { changes: undefined, unprojectable };
  return { changes: { row: folded, pricePoints, bidders: [...bidders], minutes }, unprojectable };
};
