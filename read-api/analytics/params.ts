// The analytics routes' query parameters, as io-ts codecs (a bad one is a 400 naming it, unknown
// ones are refused), and the time ranges they resolve to: `from` inclusive, `to` exclusive, UTC;
// a series' range defaults to the last hour, day or month by its bucket and is bounded, so no
// request asks for more than MAX_PERIODS rows.
import * as t from 'io-ts';
import { AuctionId } from '../../domain/index.js';
import { IsoUtcTimestamp, closedObject, integerFromString, invalidRequest, isIsoUtcTimestamp } from '../../infra/index.js';
import { opaqueCursor } from '../cursor.js';

/** How the answer is written: JSON (default) or CSV for spreadsheets. */
export const AnalyticsFormat = t.keyof({ json: null, csv: null }, '"json" | "csv"');
export type AnalyticsFormat = t.TypeOf<typeof AnalyticsFormat>;

/** The periods a series is counted in (UTC). */
export const Bucket = t.keyof({ minute: null, hour: null, day: null }, '"minute" | "hour" | "day"');
export type Bucket = t.TypeOf<typeof Bucket>;

/** Revenue is counted by day only. */
const DayBucket = t.keyof({ day: null }, '"day"');

/** The statuses the per-auction listing filters on (the analytics tables' own). */
export const AnalyticsStatus = t.keyof({ open: null, sold: null, unsold: null, cancelled: null }, '"open" | "sold" | "unsold" | "cancelled"');
export type AnalyticsStatus = t.TypeOf<typeof AnalyticsStatus>;

const range = { from: IsoUtcTimestamp, to: IsoUtcTimestamp, format: AnalyticsFormat };

export const SummaryQuery = closedObject('SummaryQuery', {}, range);
export const BidsPerMinuteQuery = closedObject('BidsPerMinuteQuery', {}, range);
export const SeriesQuery = closedObject('SeriesQuery', {}, { ...range, bucket: Bucket });
export const RevenueQuery = closedObject('RevenueQuery', {}, { ...range, bucket: DayBucket });

const microIso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const isCursorTime = (u: unknown): u is string => typeof u === 'string' && microIso.test(u) && isIsoUtcTimestamp(u);
const CursorTime = new t.Type<string, string, unknown>('CursorTime', isCursorTime, (u, c) => (isCursorTime(u) ? t.success(u) : t.failure(u, c)), t.identity);
const Nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** Where a page of the per-auction listing ended: its filters, and the last auction's creation time and id. */
export const analyticsAuctionsCursor = opaqueCursor('AnalyticsAuctionsCursor', t.type({
  st: Nullable(AnalyticsStatus),
  f: Nullable(IsoUtcTimestamp),
  t: Nullable(IsoUtcTimestamp),
  k: CursorTime,
  i: AuctionId,
}));
export type AnalyticsAuctionsCursor = t.TypeOf<typeof analyticsAuctionsCursor.codec>;

export const AnalyticsAuctionsQuery = closedObject('AnalyticsAuctionsQuery', {}, {
  ...range,
  status: AnalyticsStatus,
  limit: integerFromString(1, 100),
  cursor: analyticsAuctionsCursor.codec,
});
export const AnalyticsAuctionQuery = closedObject('AnalyticsAuctionQuery', {}, { format: AnalyticsFormat });
export const AnalyticsAuctionParams = t.type({ id: AuctionId }, 'AnalyticsAuctionParams');

export const DEFAULT_ANALYTICS_PAGE = 20;

/** The most periods (rows) one series answers: a day of minutes, 60 days of hours, about 4 years of days. */
export const MAX_PERIODS = 1_440;

const bucketMs: Readonly<Record<Bucket, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** How many periods a series covers when its request names no `from`. */
const defaultPeriods: Readonly<Record<Bucket, number>> = { minute: 60, hour: 24, day: 30 };

/** A resolved range: ISO 8601 UTC texts with milliseconds, `from` < `to`. */
export interface TimeRange {
  readonly from: string;
  readonly to: string;
}

/** An optional range (the summary's and the listing's): absent ends are unbounded. */
export interface OpenRange {
  readonly from: string | undefined;
  readonly to: string | undefined;
}

const badRange = (path: 'query.from' | 'query.to', message: string) => invalidRequest(`invalid request: ${path} ${message}`, [{ path, message }]);

/** An optional range as given; 400 naming `query.to` when it does not end after it starts. */
export const openRange = (query: { readonly from?: string; readonly to?: string }): OpenRange => {
  if (query.from !== undefined && query.to !== undefined && Date.parse(query.to) <= Date.parse(query.from)) throw badRange('query.to', 'must be after from');
  return { from: query.from, to: query.to };
};

/** The start of the period of `bucket` that holds `ms` (UTC; every UTC day is 86,400 s). */
const floorTo = (ms: number, bucket: Bucket): number => Math.floor(ms / bucketMs[bucket]) * bucketMs[bucket];

/**
 * A series' range: by default up to the end of the current period and back `defaultPeriods`
 * periods (the last hour of minutes, day of hours, month of days); with `from` alone, from it to
 * the end of the current period; with `to` alone, the default span before it. The periods are
 * those that overlap the range, at most MAX_PERIODS (else a 400 naming `query.from`).
 */
export const seriesRange = (query: { readonly from?: string; readonly to?: string }, bucket: Bucket, now: Date): TimeRange => {
  const step = bucketMs[bucket];
  const to = query.to !== undefined ? Date.parse(query.to) : floorTo(now.getTime(), bucket) + step;
  const from = query.from !== undefined ? Date.parse(query.from) : floorTo(to - 1, bucket) + step - defaultPeriods[bucket] * step;
  if (to <= from) throw badRange(query.to !== undefined ? 'query.to' : 'query.from', query.to !== undefined ? 'must be after from' : 'must be before the end of the current period (or give to)');
  const periods = (floorTo(to - 1, bucket) - floorTo(from, bucket)) / step + 1;
  if (periods > MAX_PERIODS) throw badRange('query.from', `the range holds ${periods} ${bucket}s; at most ${MAX_PERIODS} a request (narrow from and to, or use a longer bucket)`);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
};
