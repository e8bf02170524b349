// The analytics routes' answers, as io-ts codecs: the contract the page and the tests decode
// against. Money is integer minor units (with its currency); counts are integers; rates, shares,
// ratios and averages are plain numbers (null when nothing was there to divide); times are ISO
// 8601 UTC. The CSV columns of each series are its item's fields, in this order.
import * as t from 'io-ts';
import { Count } from '../../domain/index.js';

const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);
const Rate = Nullable(t.number);

export const CurrencyRevenueCodec = t.type({ currency: t.string, sold: Count, revenue: Count }, 'CurrencyRevenue');
export type CurrencyRevenue = t.TypeOf<typeof CurrencyRevenueCodec>;

/** GET /v1/analytics/summary. */
export const AnalyticsSummaryCodec = t.type({
  /** The range asked for (null: unbounded). */
  from: Nullable(t.string),
  to: Nullable(t.string),
  /** Auctions listed (created) in the range, and of those the ones still open. */
  auctions: Count,
  open: Count,
  /** Auctions that ended in the range: sold plus unsold (cancelled ones apart). */
  ended: Count,
  sold: Count,
  unsold: Count,
  cancelled: Count,
  /** sold / (sold + unsold); null when none ended. */
  sellThroughRate: Rate,
  /** Bids placed in the range, and of those the ones within the last minute of their auction. */
  bids: Count,
  lastMinuteBids: Count,
  /** lastMinuteBids / bids; null without bids. */
  snipingShare: Rate,
  /** Soft-close extensions per auction that ended (sold or unsold) in the range. */
  averageExtensions: Rate,
  /** From an auction's start to its first bid, over the auctions listed in the range that have one. */
  averageSecondsToFirstBid: Rate,
  /** Auctions sold in the range and the prices paid, by currency. */
  revenue: t.array(CurrencyRevenueCodec),
}, 'AnalyticsSummary');
export type AnalyticsSummary = t.TypeOf<typeof AnalyticsSummaryCodec>;

/** The summary as CSV rows (figure, currency, value): one row a figure, one a currency's sold and revenue. */
export const SummaryRowCodec = t.type({ figure: t.string, currency: Nullable(t.string), value: Rate }, 'SummaryRow');
export type SummaryRow = t.TypeOf<typeof SummaryRowCodec>;
export const summaryColumns = Object.keys(SummaryRowCodec.props) as readonly (keyof SummaryRow)[];

/** A series' answer: the range it covers (`from` inclusive, `to` exclusive), its `extra` fields, and its items. */
const series = <C extends t.Props, E extends t.Props>(name: string, item: C, extra: E) =>
  t.intersection([t.type({ from: t.string, to: t.string }), t.type(extra), t.type({ items: t.array(t.type(item, `${name}Item`)) })], name);

export const MinuteBidsCodec = t.type({ minute: t.string, bids: Count, lastMinuteBids: Count }, 'MinuteBids');
export type MinuteBids = t.TypeOf<typeof MinuteBidsCodec>;
export const minuteBidsColumns = Object.keys(MinuteBidsCodec.props) as readonly (keyof MinuteBids)[];
/** GET /v1/analytics/bids-per-minute. */
export const BidsPerMinuteCodec = series('BidsPerMinute', MinuteBidsCodec.props, {});
export type BidsPerMinute = t.TypeOf<typeof BidsPerMinuteCodec>;

const BucketName = t.keyof({ minute: null, hour: null, day: null });

export const SellThroughPeriodCodec = t.type({ period: t.string, ended: Count, sold: Count, unsold: Count, rate: Rate }, 'SellThroughPeriod');
export type SellThroughPeriod = t.TypeOf<typeof SellThroughPeriodCodec>;
export const sellThroughColumns = Object.keys(SellThroughPeriodCodec.props) as readonly (keyof SellThroughPeriod)[];
/** GET /v1/analytics/sell-through. */
export const SellThroughCodec = series('SellThrough', SellThroughPeriodCodec.props, { bucket: BucketName });
export type SellThrough = t.TypeOf<typeof SellThroughCodec>;

export const SnipingPeriodCodec = t.type({ period: t.string, bids: Count, lastMinuteBids: Count, share: Rate }, 'SnipingPeriod');
export type SnipingPeriod = t.TypeOf<typeof SnipingPeriodCodec>;
export const snipingColumns = Object.keys(SnipingPeriodCodec.props) as readonly (keyof SnipingPeriod)[];
/** GET /v1/analytics/sniping. */
export const SnipingCodec = series('Sniping', SnipingPeriodCodec.props, { bucket: BucketName });
export type Sniping = t.TypeOf<typeof SnipingCodec>;

export const DayRevenueCodec = t.type({ day: t.string, currency: t.string, sold: Count, revenue: Count }, 'DayRevenue');
export type DayRevenue = t.TypeOf<typeof DayRevenueCodec>;
export const dayRevenueColumns = Object.keys(DayRevenueCodec.props) as readonly (keyof DayRevenue)[];
/** GET /v1/analytics/revenue. */
export const RevenueCodec = series('Revenue', DayRevenueCodec.props, { bucket: t.literal('day') });
export type Revenue = t.TypeOf<typeof RevenueCodec>;

/** One auction's figures (GET /v1/analytics/auctions and /auctions/:id). */
export const AuctionFiguresCodec = t.type({
  auctionId: t.string,
  sellerId: t.string,
  format: t.string,
  currency: t.string,
  /** open, sold, unsold or cancelled. */
  status: t.string,
  startingPrice: Count,
  reservePrice: Nullable(Count),
  /** The price paid, once sold. */
  finalPrice: Nullable(Count),
  /** Whether a maximum reached the reserve (true without a reserve). */
  reserveMet: t.boolean,
  /** finalPrice / startingPrice, and finalPrice / reservePrice, once sold (the latter null without a reserve). */
  finalToStartingRatio: Rate,
  finalToReserveRatio: Rate,
  bids: Count,
  distinctBidders: Count,
  /** Bids that moved the end (soft close). */
  extensions: Count,
  /** Bids placed within 60 s of the end in force when placed. */
  lastMinuteBids: Count,
  createdAt: t.string,
  startsAt: t.string,
  /** The end in force (moved by extensions). */
  endsAt: t.string,
  firstBidAt: Nullable(t.string),
  /** From startsAt to the first bid (null before one). */
  secondsToFirstBid: Rate,
  /** When it closed, was bought or was cancelled. */
  endedAt: Nullable(t.string),
}, 'AuctionFigures');
export type AuctionFigures = t.TypeOf<typeof AuctionFiguresCodec>;
export const auctionFiguresColumns = Object.keys(AuctionFiguresCodec.props) as readonly (keyof AuctionFigures)[];

export const AuctionFiguresPageCodec = t.type({ items: t.array(AuctionFiguresCodec), nextCursor: Nullable(t.string) }, 'AuctionFiguresPage');
export type AuctionFiguresPage = t.TypeOf<typeof AuctionFiguresPageCodec>;

export const PricePointCodec = t.type({ at: t.string, price: Count }, 'PricePoint');
export type PricePoint = t.TypeOf<typeof PricePointCodec>;
export const pricePointColumns = Object.keys(PricePointCodec.props) as readonly (keyof PricePoint)[];

/** GET /v1/analytics/auctions/:id: the figures and the price curve. */
export const AuctionAnalyticsCodec = t.intersection([AuctionFiguresCodec, t.type({ priceCurve: t.array(PricePointCodec) })], 'AuctionAnalytics');
export type AuctionAnalytics = t.TypeOf<typeof AuctionAnalyticsCodec>;
