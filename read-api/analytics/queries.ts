// The analytics queries (their SQL in sql/, beside this module): rows read back with codecs, then
// shaped into the answers of responses.ts. Rates and averages are divided here from the integer
// counts and sums the SQL returns, so every engine gives the same numbers.
import * as t from 'io-ts';
import type { SqlExecutor } from '../../infra/index.js';
import { IntFromText, NullableIntFromText, sqlFile } from '../../infra/index.js';
import { decodeRow } from '../rows.js';
import type { AnalyticsAuctionsCursor, AnalyticsStatus, Bucket, OpenRange, TimeRange } from './params.js';
import type {
  AnalyticsSummary, AuctionFigures, CurrencyRevenue, DayRevenue, MinuteBids, PricePoint, SellThroughPeriod, SnipingPeriod,
} from './responses.js';

const SUMMARY_SQL = sqlFile(import.meta.url, 'sql/summary.sql');
const REVENUE_BY_CURRENCY_SQL = sqlFile(import.meta.url, 'sql/revenue-by-currency.sql');
const BIDS_PER_MINUTE_SQL = sqlFile(import.meta.url, 'sql/bids-per-minute.sql');
const SELL_THROUGH_SQL = sqlFile(import.meta.url, 'sql/sell-through.sql');
const SNIPING_SQL = sqlFile(import.meta.url, 'sql/sniping.sql');
const REVENUE_BY_DAY_SQL = sqlFile(import.meta.url, 'sql/revenue-by-day.sql');
const AUCTION_FIGURES_SQL = sqlFile(import.meta.url, 'sql/auction-figures.sql');
const PRICE_CURVE_SQL = sqlFile(import.meta.url, 'sql/price-curve.sql');

const NullableString = t.union([t.string, t.null]);

/** `part / whole`, or null when there is nothing to divide by. */
export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

const SummaryRow = t.type({
  auctions: t.number, open: t.number, with_first_bid: t.number, ms_to_first_bid: IntFromText,
  sold: t.number, unsold: t.number, cancelled: t.number, extensions: IntFromText,
  bids: IntFromText, last_minute_bids: IntFromText,
});
const CurrencyRow = t.type({ currency: t.string, sold: t.number, revenue: IntFromText });

export const summary = async (sql: SqlExecutor, range: OpenRange): Promise<AnalyticsSummary> => {
  const params = [range.from ?? null, range.to ?? null];
  const [figures, currencies] = await Promise.all([sql.query(SUMMARY_SQL, params), sql.query(REVENUE_BY_CURRENCY_SQL, params)]);
  const r = decodeRow(SummaryRow, figures.rows[0], 'analytics summary');
  const ended = r.sold + r.unsold;
  const revenue = currencies.rows.map((raw): CurrencyRevenue => {
    const c = decodeRow(CurrencyRow, raw, 'analytics revenue');
    return { currency: c.currency, sold: c.sold, revenue: c.revenue };
  });
  const secondsToFirstBid = ratio(r.ms_to_first_bid, r.with_first_bid);
  return {
    from: range.from ?? null,
    to: range.to ?? null,
    auctions: r.auctions,
    open: r.open,
    ended,
    sold: r.sold,
    unsold: r.unsold,
    cancelled: r.cancelled,
    sellThroughRate: ratio(r.sold, ended),
    bids: r.bids,
    lastMinuteBids: r.last_minute_bids,
    snipingShare: ratio(r.last_minute_bids, r.bids),
    averageExtensions: ratio(r.extensions, ended),
    averageSecondsToFirstBid: secondsToFirstBid === null ? null : secondsToFirstBid / 1000,
    revenue,
  };
};

const MinuteRow = t.type({ minute: t.string, bids: t.number, last_minute_bids: t.number });

export const bidsPerMinute = async (sql: SqlExecutor, range: TimeRange): Promise<MinuteBids[]> =>
  (await sql.query(BIDS_PER_MINUTE_SQL, [range.from, range.to])).rows.map((raw) => {
    const r = decodeRow(MinuteRow, raw, 'analytics_bids_per_minute');
    return { minute: r.minute, bids: r.bids, lastMinuteBids: r.last_minute_bids };
  });

const SellThroughRow = t.type({ period: t.string, sold: t.number, unsold: t.number });

export const sellThrough = async (sql: SqlExecutor, range: TimeRange, bucket: Bucket): Promise<SellThroughPeriod[]> =>
  (await sql.query(SELL_THROUGH_SQL, [range.from, range.to, bucket])).rows.map((raw) => {
    const r = decodeRow(SellThroughRow, raw, 'analytics sell-through');
    return { period: r.period, ended: r.sold + r.unsold, sold: r.sold, unsold: r.unsold, rate: ratio(r.sold, r.sold + r.unsold) };
  });

const SnipingRow = t.type({ period: t.string, bids: IntFromText, last_minute_bids: IntFromText });

export const sniping = async (sql: SqlExecutor, range: TimeRange, bucket: Bucket): Promise<SnipingPeriod[]> =>
  (await sql.query(SNIPING_SQL, [range.from, range.to, bucket])).rows.map((raw) => {
    const r = decodeRow(SnipingRow, raw, 'analytics sniping');
    return { period: r.period, bids: r.bids, lastMinuteBids: r.last_minute_bids, share: ratio(r.last_minute_bids, r.bids) };
  });

const DayRow = t.type({ day: t.string, currency: t.string, sold: t.number, revenue: IntFromText });

export const revenueByDay = async (sql: SqlExecutor, range: TimeRange): Promise<DayRevenue[]> =>
  (await sql.query(REVENUE_BY_DAY_SQL, [range.from, range.to])).rows.map((raw) => decodeRow(DayRow, raw, 'analytics revenue'));

const FiguresRow = t.type({
  auction_id: t.string, seller_id: t.string, format: t.string, currency: t.string, status: t.string,
  starting_price: IntFromText, reserve_price: NullableIntFromText, final_price: NullableIntFromText,
  reserve_met: t.boolean, bids: t.number, distinct_bidders: t.number, extensions: t.number, last_minute_bids: t.number,
  ms_to_first_bid: NullableIntFromText,
  created_at: t.string, starts_at: t.string, ends_at: t.string, first_bid_at: NullableString, ended_at: NullableString,
  created_us: t.string,
});
type FiguresRow = t.TypeOf<typeof FiguresRow>;

const toFigures = (r: FiguresRow): AuctionFigures => ({
  auctionId: r.auction_id,
  sellerId: r.seller_id,
  format: r.format,
  currency: r.currency,
  status: r.status,
  startingPrice: r.starting_price,
  reservePrice: r.reserve_price,
  finalPrice: r.final_price,
  reserveMet: r.reserve_met,
  finalToStartingRatio: r.final_price === null ? null : ratio(r.final_price, r.starting_price),
  finalToReserveRatio: r.final_price === null || r.reserve_price === null ? null : ratio(r.final_price, r.reserve_price),
  bids: r.bids,
  distinctBidders: r.distinct_bidders,
  extensions: r.extensions,
  lastMinuteBids: r.last_minute_bids,
  createdAt: r.created_at,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  firstBidAt: r.first_bid_at,
  secondsToFirstBid: r.ms_to_first_bid === null ? null : r.ms_to_first_bid / 1000,
  endedAt: r.ended_at,
});

/** A listing page's filters. */
export interface FiguresFilter {
  readonly status: AnalyticsStatus | undefined;
  readonly range: OpenRange;
}

/** Where the next page starts: the last row's creation time (microseconds) and id. */
export interface FiguresKey {
  readonly k: string;
  readonly i: string;
}

/** Up to `limit` auctions' figures after `after` (newest listed first), each with its keyset position. */
export const auctionFiguresPage = async (sql: SqlExecutor, filter: FiguresFilter, after: FiguresKey | undefined, limit: number): Promise<{ figures: AuctionFigures; key: FiguresKey }[]> =>
  (await sql.query(AUCTION_FIGURES_SQL, [null, filter.status ?? null, filter.range.from ?? null, filter.range.to ?? null, after?.k ?? null, after?.i ?? null, limit])).rows.map((raw) => {
    const r = decodeRow(FiguresRow, raw, 'analytics_auctions');
    return { figures: toFigures(r), key: { k: r.created_us, i: r.auction_id } };
  });

/** One auction's figures, or undefined when the analytics tables do not know it. */
export const auctionFigures = async (sql: SqlExecutor, auctionId: string): Promise<AuctionFigures | undefined> => {
  const raw = (await sql.query(AUCTION_FIGURES_SQL, [auctionId, null, null, null, null, null, 1])).rows[0];
  return raw === undefined ? undefined : toFigures(decodeRow(FiguresRow, raw, 'analytics_auctions'));
};

const PointRow = t.type({ at: t.string, price: IntFromText });

export const priceCurve = async (sql: SqlExecutor, auctionId: string): Promise<PricePoint[]> =>
  (await sql.query(PRICE_CURVE_SQL, [auctionId])).rows.map((raw) => decodeRow(PointRow, raw, 'analytics_price_points'));

/** The cursor payload of a listing page's filters and last key. */
export const cursorOf = (filter: FiguresFilter, key: FiguresKey): AnalyticsAuctionsCursor =>
  ({ st: filter.status ?? null, f: filter.range.from ?? null, t: filter.range.to ?? null, k: key.k, i: key.i });
