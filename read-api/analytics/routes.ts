// The analysts' routes (DESIGN.md section 5, `GET /v1/analytics/...`, role analyst): the market's
// summary over a time range, series by minute, hour or day (bids per minute, sell-through, sniping
// share, revenue by day and currency), and each auction's figures with its price curve. JSON by
// default, with an ETag (a client that sends it back as If-None-Match gets 304 while nothing
// changed); CSV for spreadsheets with `Accept: text/csv` or `?format=csv` (a header row, cells a
// spreadsheet would run as formulas neutralised). The listing's CSV streams every auction that
// matches, a page of rows at a time, as the auditors' exports do.
import type { Response, Router } from 'express';
import { decodeRequest, notFound, requireRole } from '../../infra/index.js';
import type { ReadContext } from '../context.js';
import { foreignCursor } from '../context.js';
import type { StreamFormat } from '../export-stream.js';
import { keysetPages, negotiateFormat, startExport, writeExport } from '../export-stream.js';
import type { AnalyticsFormat } from './params.js';
import {
  AnalyticsAuctionParams, AnalyticsAuctionQuery, AnalyticsAuctionsQuery, BidsPerMinuteQuery, DEFAULT_ANALYTICS_PAGE, RevenueQuery, SeriesQuery, SummaryQuery,
  analyticsAuctionsCursor, openRange, seriesRange,
} from './params.js';
import type { FiguresFilter, FiguresKey } from './queries.js';
import { auctionFigures, auctionFiguresPage, bidsPerMinute, cursorOf, priceCurve, revenueByDay, sellThrough, sniping, summary } from './queries.js';
import type { AnalyticsSummary, AuctionAnalytics, AuctionFigures, AuctionFiguresPage, BidsPerMinute, Revenue, SellThrough, Sniping, SummaryRow } from './responses.js';
import {
  auctionFiguresColumns, dayRevenueColumns, minuteBidsColumns, pricePointColumns, sellThroughColumns, snipingColumns, summaryColumns,
} from './responses.js';

const offered: readonly AnalyticsFormat[] = ['json', 'csv'];

/** The answers change as the projector writes: a cache keeps them for this caller only, and asks again each time (ETag). */
const analyticsCaching = (res: Response): void => {
  res.setHeader('Cache-Control', 'private, no-cache');
};

/** Rows as one CSV export (a header row even when there is none). */
const writeCsv = async <R extends object>(res: Response, columns: readonly (keyof R & string)[], rows: readonly R[], filename: string): Promise<void> => {
  async function* once(): AsyncGenerator<readonly R[], void, undefined> {
    if (rows.length > 0) yield rows;
  }
  const format: StreamFormat = 'csv';
  await writeExport(res, format, columns, once(), () => {
    analyticsCaching(res);
    startExport(res, format, filename);
  });
};

const json = (res: Response, body: object): void => {
  analyticsCaching(res);
  res.json(body);
};

/** The summary as CSV: one row a figure, then each currency's sold count and revenue. */
const summaryRows = (s: AnalyticsSummary): SummaryRow[] => {
  const figures = ['auctions', 'open', 'ended', 'sold', 'unsold', 'cancelled', 'sellThroughRate', 'bids', 'lastMinuteBids', 'snipingShare', 'averageExtensions', 'averageSecondsToFirstBid'] as const;
  return [
    ...figures.map((figure): SummaryRow => ({ figure, currency: null, value: s[figure] })),
    ...s.revenue.flatMap((r): SummaryRow[] => [{ figure: 'sold', currency: r.currency, value: r.sold }, { figure: 'revenue', currency: r.currency, value: r.revenue }]),
  ];
};

export const mountAnalyticsRoutes = (router: Router, ctx: ReadContext): void => {
  const { sql } = ctx;
  const analyst = requireRole('analyst');

  router.get('/v1/analytics/summary', analyst, async (req, res) => {
    const { query } = decodeRequest(req, { query: SummaryQuery });
    const format = negotiateFormat(req, query.format, offered);
    const body = await summary(sql, openRange(query));
    if (format === 'csv') await writeCsv(res, summaryColumns, summaryRows(body), 'analytics-summary');
    else json(res, body);
  });

  router.get('/v1/analytics/bids-per-minute', analyst, async (req, res) => {
    const { query } = decodeRequest(req, { query: BidsPerMinuteQuery });
    const format = negotiateFormat(req, query.format, offered);
    const range = seriesRange(query, 'minute', ctx.clock());
    const items = await bidsPerMinute(sql, range);
    if (format === 'csv') await writeCsv(res, minuteBidsColumns, items, 'analytics-bids-per-minute');
    else json(res, { ...range, items } satisfies BidsPerMinute);
  });

  router.get('/v1/analytics/sell-through', analyst, async (req, res) => {
    const { query } = decodeRequest(req, { query: SeriesQuery });
    const format = negotiateFormat(req, query.format, offered);
    const bucket = query.bucket ?? 'day';
    const range = seriesRange(query, bucket, ctx.clock());
    const items = await sellThrough(sql, range, bucket);
    if (format === 'csv') await writeCsv(res, sellThroughColumns, items, `analytics-sell-through-by-${bucket}`);
    else json(res, { ...range, bucket, items } satisfies SellThrough);
  });

  router.get('/v1/analytics/sniping', analyst, async (req, res) => {
    const { query } = decodeRequest(req, { query: SeriesQuery });
    const format = negotiateFormat(req, query.format, offered);
    const bucket = query.bucket ?? 'day';
    const range = seriesRange(query, bucket, ctx.clock());
    const items = await sniping(sql, range, bucket);
    if (format === 'csv') await writeCsv(res, snipingColumns, items, `analytics-sniping-by-${bucket}`);
    else json(res, { ...range, bucket, items } satisfies Sniping);
  });

  router.get('/v1/analytics/revenue', analyst, async (req, res) => {
    const { query } = decodeRequest(req, { query: RevenueQuery });
    const format = negotiateFormat(req, query.format, offered);
    const range = seriesRange(query, 'day', ctx.clock());
    const items = await revenueByDay(sql, range);
    if (format === 'csv') await writeCsv(res, dayRevenueColumns, items, 'analytics-revenue-by-day');
    else json(res, { ...range, bucket: 'day', items } satisfies Revenue);
  });

  router.get('/v1/analytics/auctions', analyst, async (req, res) => {
    const { query } = decodeRequest(req, { query: AnalyticsAuctionsQuery });
    const format = negotiateFormat(req, query.format, offered);
    const filter: FiguresFilter = { status: query.status, range: openRange(query) };
    const after = query.cursor;
    if (after !== undefined && (after.st !== (filter.status ?? null) || after.f !== (filter.range.from ?? null) || after.t !== (filter.range.to ?? null))) {
      throw foreignCursor('belongs to another listing: repeat the status, from and to of the page it came from');
    }
    const start: FiguresKey | undefined = after === undefined ? undefined : { k: after.k, i: after.i };
    if (format === 'csv') {
      const pages = keysetPages<{ figures: AuctionFigures; key: FiguresKey }, FiguresKey | undefined>(start, (key, limit) => auctionFiguresPage(sql, filter, key, limit), (row) => row.key, ctx.exportPageSize);
      const figures = async function* () {
        for await (const page of pages) yield page.map((row) => row.figures);
      };
      await writeExport(res, 'csv', auctionFiguresColumns, figures(), () => {
        analyticsCaching(res);
        startExport(res, 'csv', 'analytics-auctions');
      });
      return;
    }
    const limit = query.limit ?? DEFAULT_ANALYTICS_PAGE;
    const rows = await auctionFiguresPage(sql, filter, start, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    json(res, {
      items: page.map((row) => row.figures),
      nextCursor: rows.length > limit && last !== undefined ? analyticsAuctionsCursor.encode(cursorOf(filter, last.key)) : null,
    } satisfies AuctionFiguresPage);
  });

  router.get('/v1/analytics/auctions/:id', analyst, async (req, res) => {
    const { params, query } = decodeRequest(req, { params: AnalyticsAuctionParams, query: AnalyticsAuctionQuery });
    const format = negotiateFormat(req, query.format, offered);
    const [figures, curve] = await Promise.all([auctionFigures(sql, params.id), priceCurve(sql, params.id)]);
    if (figures === undefined) throw notFound(`no auction ${params.id} in the analytics tables`, 'AUCTION_NOT_FOUND');
    if (format === 'csv') await writeCsv(res, pricePointColumns, curve, `analytics-auction-${params.id}-price-curve`);
    else json(res, { ...figures, priceCurve: curve } satisfies AuctionAnalytics);
  });
};
