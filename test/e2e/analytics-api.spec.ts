// The analysts' HTTP API (GET /v1/analytics/...) against a small market seeded straight into the
// analytics tables, every figure computed by hand below: JSON and CSV answers exactly, the role
// checks, bad parameters named in a 400, keyset paging, ETag revalidation. Embedded mode always;
// PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set. The server's clock is fixed, so
// the series' default ranges are known.
import assert from 'node:assert/strict';
import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import {
  AnalyticsSummaryCodec, AuctionAnalyticsCodec, AuctionFiguresPageCodec, BidsPerMinuteCodec, RevenueCodec, SellThroughCodec, SnipingCodec,
} from '../../read-api/index.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embeddedAndServices, startTestSystem } from '../support/system.js';

const decoded = <A>(codec: t.Decoder<unknown, A>, body: unknown): A => {
  const result = codec.decode(body);
  if (isLeft(result)) assert.fail(`not a ${codec.name}: ${PathReporter.report(result).join('; ')}\n${JSON.stringify(body)}`);
  return result.right;
};

const NOW = new Date('2026-11-29T12:30:30.000Z');

/**
 * The market: six auctions over two days (A1 sold with extensions and sniping, A2 sold without a
 * reserve, A3 unsold below its reserve, A4 cancelled before a bid by a seller whose id starts a
 * spreadsheet formula, A5 still open in yen, A6 sold in euros), their bids by minute and A1's
 * price curve. Columns: id, seller, currency, starting, reserve, created (= starts), first bid,
 * bids, distinct bidders, extensions, last-minute bids, status, final price, reserve met, ended.
 */
const auctions: readonly (readonly [string, string, string, number, number | null, string, string | null, number, number, number, number, string, number | null, boolean, string | null])[] = [
  ['A1', 'sam', 'USD', 1000, 2000, '2026-11-28T10:00:00Z', '2026-11-28T10:00:30Z', 4, 2, 2, 2, 'sold', 2500, true, '2026-11-28T12:00:00Z'],
  ['A2', 'sam', 'USD', 500, null, '2026-11-28T11:00:00Z', '2026-11-28T11:01:30Z', 1, 1, 0, 0, 'sold', 500, true, '2026-11-29T09:15:00Z'],
  ['A3', 'sue', 'EUR', 1000, 5000, '2026-11-29T08:00:00Z', '2026-11-29T08:00:10Z', 2, 2, 1, 1, 'unsold', null, false, '2026-11-29T09:40:00Z'],
  ['A4', '=HYPERLINK("x")', 'EUR', 2000, null, '2026-11-29T09:00:00Z', null, 0, 0, 0, 0, 'cancelled', null, true, '2026-11-29T09:05:00Z'],
  ['A5', 'sue', 'JPY', 1000, null, '2026-11-29T11:00:00Z', '2026-11-29T11:02:00Z', 3, 2, 0, 0, 'open', null, true, null],
  ['A6', 'sue', 'EUR', 1000, null, '2026-11-29T09:30:00Z', '2026-11-29T09:30:20Z', 2, 2, 0, 1, 'sold', 1500, true, '2026-11-29T10:10:00Z'],
];
/** Minute, bids, of which in the last minute: 12 bids, 4 of them in a last minute (5 and 2 on the 28th, 7 and 2 on the 29th). */
const minutes: readonly (readonly [string, number, number])[] = [
  ['2026-11-28T10:00:00Z', 1, 0], ['2026-11-28T11:01:00Z', 1, 0], ['2026-11-28T11:59:00Z', 3, 2],
  ['2026-11-29T08:00:00Z', 1, 0], ['2026-11-29T09:30:00Z', 1, 0], ['2026-11-29T09:39:00Z', 1, 1],
  ['2026-11-29T10:09:00Z', 1, 1], ['2026-11-29T11:02:00Z', 2, 0], ['2026-11-29T12:29:00Z', 1, 0],
];
const a1Curve: readonly (readonly [number, string, number])[] = [
  [1, '2026-11-28T10:00:00Z', 1000], [2, '2026-11-28T10:00:30Z', 1000], [3, '2026-11-28T11:59:10Z', 1500], [4, '2026-11-28T11:59:30Z', 2000], [5, '2026-11-28T11:59:50Z', 2500],
];

const seed = async (sys: TestSystem): Promise<void> => {
  const { sql } = sys.resources;
  for (const [id, seller, currency, starting, reserve, created, firstBid, bids, bidders, extensions, lastMinute, status, final, reserveMet, ended] of auctions) {
    await sql.query(
      `INSERT INTO analytics_auctions (auction_id, version, seller_id, format, currency, starting_price, reserve_price, created_at, starts_at, ends_at,
         first_bid_at, bids, distinct_bidders, extensions, last_minute_bids, status, final_price, reserve_met, ended_at)
       VALUES ($1, 9, $2, 'english', $3, $4, $5, $6, $6, coalesce($15::timestamptz, '2026-11-29T13:00:00Z'), $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [id, seller, currency, starting, reserve, created, firstBid, bids, bidders, extensions, lastMinute, status, final, reserveMet, ended],
    );
  }
  for (const [minute, bids, lastMinute] of minutes) await sql.query('INSERT INTO analytics_bids_per_minute (minute, bids, last_minute_bids) VALUES ($1, $2, $3)', [minute, bids, lastMinute]);
  for (const [version, at, price] of a1Curve) await sql.query(`INSERT INTO analytics_price_points (auction_id, stream_version, at, price) VALUES ('A1', $1, $2, $3)`, [version, at, price]);
};

embeddedAndServices('Analytics API', (backend: () => Backend) => {
  let sys: TestSystem;
  let analyst: string;

  before(async () => {
    sys = await startTestSystem(backend(), { clock: () => NOW });
    analyst = await sys.token('ann', 'analyst');
    await seed(sys);
  });
  after(async () => sys?.stop());

  const get = async (path: string, headers: Record<string, string> = {}) => sys.call('GET', path, { token: analyst, headers });
  const csv = async (path: string, accept = true) => {
    const response = await fetch(`${sys.url}${path}`, { headers: { authorization: `Bearer ${analyst}`, ...(accept ? { accept: 'text/csv' } : {}) } });
    assert.equal(response.status, 200, await response.clone().text());
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    return response.text();
  };
  const lines = (...rows: string[]) => rows.map((row) => `${row}\r\n`).join('');

  describe('summary', () => {
    it('all time: every figure as computed by hand', async () => {
      const r = await get('/v1/analytics/summary');
      assert.equal(r.status, 200);
      assert.deepEqual(decoded(AnalyticsSummaryCodec, r.body), {
        from: null, to: null,
        auctions: 6, open: 1, ended: 4, sold: 3, unsold: 1, cancelled: 1,
        sellThroughRate: 0.75,
        bids: 12, lastMinuteBids: 4, snipingShare: 4 / 12,
        averageExtensions: 0.75, // (2 + 0 + 1 + 0) / 4 ended
        averageSecondsToFirstBid: 54, // (30 + 90 + 10 + 120 + 20) / 5
        revenue: [{ currency: 'EUR', sold: 1, revenue: 1500 }, { currency: 'USD', sold: 2, revenue: 3000 }],
      });
      assert.equal(r.headers.get('cache-control'), 'private, no-cache');
    });

    it('one day: listed, ended and bid within it', async () => {
      const r = await get('/v1/analytics/summary?from=2026-11-29T00:00:00Z&to=2026-11-30T00:00:00Z');
      assert.deepEqual(r.body, {
        from: '2026-11-29T00:00:00Z', to: '2026-11-30T00:00:00Z',
        auctions: 4, open: 1, ended: 3, sold: 2, unsold: 1, cancelled: 1,
        sellThroughRate: 2 / 3,
        bids: 7, lastMinuteBids: 2, snipingShare: 2 / 7,
        averageExtensions: 1 / 3,
        averageSecondsToFirstBid: 50, // A3 10, A5 120, A6 20
        revenue: [{ currency: 'EUR', sold: 1, revenue: 1500 }, { currency: 'USD', sold: 1, revenue: 500 }],
      });
    });

    it('a range with nothing in it: zeros, and null rates', async () => {
      const r = await get('/v1/analytics/summary?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z');
      assert.deepEqual(r.body, {
        from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', auctions: 0, open: 0, ended: 0, sold: 0, unsold: 0, cancelled: 0,
        sellThroughRate: null, bids: 0, lastMinuteBids: 0, snipingShare: null, averageExtensions: null, averageSecondsToFirstBid: null, revenue: [],
      });
    });

    it('as CSV: one row a figure, then each currency', async () => {
      assert.equal(await csv('/v1/analytics/summary?from=2026-11-29T00:00:00Z&to=2026-11-30T00:00:00Z'), lines(
        'figure,currency,value',
        'auctions,,4', 'open,,1', 'ended,,3', 'sold,,2', 'unsold,,1', 'cancelled,,1', `sellThroughRate,,${2 / 3}`,
        'bids,,7', 'lastMinuteBids,,2', `snipingShare,,${2 / 7}`, `averageExtensions,,${1 / 3}`, 'averageSecondsToFirstBid,,50',
        'sold,EUR,1', 'revenue,EUR,1500', 'sold,USD,1', 'revenue,USD,500',
      ));
    });
  });

  describe('series', () => {
    it('bids per minute: by default the last hour up to the current minute, every minute', async () => {
      const r = await get('/v1/analytics/bids-per-minute');
      const body = decoded(BidsPerMinuteCodec, r.body);
      assert.equal(body.from, '2026-11-29T11:31:00.000Z');
      assert.equal(body.to, '2026-11-29T12:31:00.000Z');
      assert.equal(body.items.length, 60);
      assert.deepEqual(body.items.filter((m) => m.bids > 0), [{ minute: '2026-11-29T12:29:00.000Z', bids: 1, lastMinuteBids: 0 }]);
      assert.equal(body.items[0]?.minute, '2026-11-29T11:31:00.000Z');
    });

    it('bids per minute in a range, as JSON and CSV', async () => {
      const path = '/v1/analytics/bids-per-minute?from=2026-11-29T09:38:00Z&to=2026-11-29T09:41:00Z';
      assert.deepEqual((await get(path)).body, {
        from: '2026-11-29T09:38:00.000Z', to: '2026-11-29T09:41:00.000Z',
        items: [
          { minute: '2026-11-29T09:38:00.000Z', bids: 0, lastMinuteBids: 0 },
          { minute: '2026-11-29T09:39:00.000Z', bids: 1, lastMinuteBids: 1 },
          { minute: '2026-11-29T09:40:00.000Z', bids: 0, lastMinuteBids: 0 },
        ],
      });
      assert.equal(await csv(`${path}&format=csv`, false), lines('minute,bids,lastMinuteBids', '2026-11-29T09:38:00.000Z,0,0', '2026-11-29T09:39:00.000Z,1,1', '2026-11-29T09:40:00.000Z,0,0'));
    });

    it('sell-through by day and by hour', async () => {
      const byDay = await get('/v1/analytics/sell-through?from=2026-11-28T00:00:00Z&to=2026-11-30T00:00:00Z');
      assert.deepEqual(decoded(SellThroughCodec, byDay.body), {
        from: '2026-11-28T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z', bucket: 'day',
        items: [
          { period: '2026-11-28T00:00:00.000Z', ended: 1, sold: 1, unsold: 0, rate: 1 },
          { period: '2026-11-29T00:00:00.000Z', ended: 3, sold: 2, unsold: 1, rate: 2 / 3 },
        ],
      });
      const byHour = await get('/v1/analytics/sell-through?bucket=hour&from=2026-11-29T09:00:00Z&to=2026-11-29T12:00:00Z');
      assert.deepEqual(byHour.body.items, [
        { period: '2026-11-29T09:00:00.000Z', ended: 2, sold: 1, unsold: 1, rate: 0.5 },
        { period: '2026-11-29T10:00:00.000Z', ended: 1, sold: 1, unsold: 0, rate: 1 },
        { period: '2026-11-29T11:00:00.000Z', ended: 0, sold: 0, unsold: 0, rate: null },
      ]);
      assert.equal(await csv('/v1/analytics/sell-through?bucket=hour&from=2026-11-29T09:00:00Z&to=2026-11-29T12:00:00Z'),
        lines('period,ended,sold,unsold,rate', '2026-11-29T09:00:00.000Z,2,1,1,0.5', '2026-11-29T10:00:00.000Z,1,1,0,1', '2026-11-29T11:00:00.000Z,0,0,0,'));
    });

    it('sell-through by default: the last 30 days up to today', async () => {
      const body = decoded(SellThroughCodec, (await get('/v1/analytics/sell-through')).body);
      assert.equal(body.from, '2026-10-31T00:00:00.000Z');
      assert.equal(body.to, '2026-11-30T00:00:00.000Z');
      assert.equal(body.items.length, 30);
    });

    it('sniping share by day', async () => {
      const r = await get('/v1/analytics/sniping?from=2026-11-28T00:00:00Z&to=2026-11-30T00:00:00Z&bucket=day');
      assert.deepEqual(decoded(SnipingCodec, r.body).items, [
        { period: '2026-11-28T00:00:00.000Z', bids: 5, lastMinuteBids: 2, share: 0.4 },
        { period: '2026-11-29T00:00:00.000Z', bids: 7, lastMinuteBids: 2, share: 2 / 7 },
      ]);
    });

    it('revenue by day and currency, as JSON and CSV', async () => {
      const path = '/v1/analytics/revenue?from=2026-11-28T00:00:00Z&to=2026-11-30T00:00:00Z';
      assert.deepEqual(decoded(RevenueCodec, (await get(path)).body), {
        from: '2026-11-28T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z', bucket: 'day',
        items: [
          { day: '2026-11-28', currency: 'USD', sold: 1, revenue: 2500 },
          { day: '2026-11-29', currency: 'EUR', sold: 1, revenue: 1500 },
          { day: '2026-11-29', currency: 'USD', sold: 1, revenue: 500 },
        ],
      });
      assert.equal(await csv(path), lines('day,currency,sold,revenue', '2026-11-28,USD,1,2500', '2026-11-29,EUR,1,1500', '2026-11-29,USD,1,500'));
    });
  });

  describe('auctions', () => {
    const a1 = {
      auctionId: 'A1', sellerId: 'sam', format: 'english', currency: 'USD', status: 'sold', startingPrice: 1000, reservePrice: 2000, finalPrice: 2500,
      reserveMet: true, finalToStartingRatio: 2.5, finalToReserveRatio: 1.25, bids: 4, distinctBidders: 2, extensions: 2, lastMinuteBids: 2,
      createdAt: '2026-11-28T10:00:00.000Z', startsAt: '2026-11-28T10:00:00.000Z', endsAt: '2026-11-28T12:00:00.000Z', firstBidAt: '2026-11-28T10:00:30.000Z',
      secondsToFirstBid: 30, endedAt: '2026-11-28T12:00:00.000Z',
    };

    it('one auction: its figures and price curve; 404 for one the tables do not know', async () => {
      const r = await get('/v1/analytics/auctions/A1');
      assert.deepEqual(decoded(AuctionAnalyticsCodec, r.body), {
        ...a1,
        priceCurve: a1Curve.map(([, at, price]) => ({ at: at.replace('Z', '.000Z'), price })),
      });
      const open = await get('/v1/analytics/auctions/A5');
      assert.equal(open.body.finalToStartingRatio, null);
      assert.equal(open.body.secondsToFirstBid, 120);
      assert.deepEqual(open.body.priceCurve, []);
      const missing = await get('/v1/analytics/auctions/nope');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'AUCTION_NOT_FOUND');
    });

    it('one auction as CSV: its price curve', async () => {
      assert.equal(await csv('/v1/analytics/auctions/A1?format=csv', false), lines('at,price', ...a1Curve.map(([, at, price]) => `${at.replace('Z', '.000Z')},${price}`)));
    });

    it('the listing: newest listed first, in keyset pages, filtered by status and range', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await get(`/v1/analytics/auctions?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
        const page = decoded(AuctionFiguresPageCodec, r.body);
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((a) => a.auctionId));
        cursor = page.nextCursor;
      } while (cursor !== null);
      assert.deepEqual(seen, ['A5', 'A6', 'A4', 'A3', 'A2', 'A1']);
      const sold = await get('/v1/analytics/auctions?status=sold');
      assert.deepEqual(sold.body.items.map((a: { auctionId: string }) => a.auctionId), ['A6', 'A2', 'A1']);
      assert.deepEqual(sold.body.items[2], a1);
      const listedOn28th = await get('/v1/analytics/auctions?from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z');
      assert.deepEqual(listedOn28th.body.items.map((a: { auctionId: string }) => a.auctionId), ['A2', 'A1']);
    });

    it('the listing as CSV: every matching auction, formula-leading cells neutralised', async () => {
      const text = await csv('/v1/analytics/auctions?status=cancelled');
      assert.equal(text, lines(
        'auctionId,sellerId,format,currency,status,startingPrice,reservePrice,finalPrice,reserveMet,finalToStartingRatio,finalToReserveRatio,bids,distinctBidders,extensions,lastMinuteBids,createdAt,startsAt,endsAt,firstBidAt,secondsToFirstBid,endedAt',
        'A4,"\'=HYPERLINK(""x"")",english,EUR,cancelled,2000,,,true,,,0,0,0,0,2026-11-29T09:00:00.000Z,2026-11-29T09:00:00.000Z,2026-11-29T09:05:00.000Z,,,2026-11-29T09:05:00.000Z',
      ));
      const all = await csv('/v1/analytics/auctions');
      assert.deepEqual(all.trim().split('\r\n').slice(1).map((row) => row.split(',')[0]), ['A5', 'A6', 'A4', 'A3', 'A2', 'A1']);
    });
  });

  describe('who may read, and what is refused', () => {
    it('401 without a token; 403 without the analyst role', async () => {
      const none = await sys.call('GET', '/v1/analytics/summary');
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'UNAUTHENTICATED');
      for (const role of ['bidder', 'seller', 'auditor', 'admin'] as const) {
        const r = await sys.call('GET', '/v1/analytics/auctions/A1', { token: await sys.token('mallory', role) });
        assert.equal(r.status, 403, role);
        assert.equal(r.body.error.code, 'FORBIDDEN');
      }
    });

    it('400 naming each bad parameter', async () => {
      const refused = async (path: string, field: string, message?: RegExp) => {
        const r = await get(path);
        assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'INVALID_REQUEST');
        const paths = r.body.error.details.fields.map((f: { path: string }) => f.path);
        assert.ok(paths.includes(field), `${path}: ${JSON.stringify(r.body)}`);
        if (message !== undefined) assert.match(r.body.error.message, message);
      };
      await refused('/v1/analytics/summary?from=yesterday', 'query.from');
      await refused('/v1/analytics/summary?from=2026-11-29T00:00:00Z&to=2026-11-28T00:00:00Z', 'query.to', /must be after from/);
      await refused('/v1/analytics/summary?range=all', 'query.range');
      await refused('/v1/analytics/summary?format=xml', 'query.format');
      await refused('/v1/analytics/sell-through?bucket=week', 'query.bucket');
      await refused('/v1/analytics/revenue?bucket=hour', 'query.bucket');
      await refused('/v1/analytics/bids-per-minute?from=2026-11-27T00:00:00Z&to=2026-11-29T00:00:00Z', 'query.from', /2880 minutes; at most 1440/);
      await refused('/v1/analytics/auctions?status=closed', 'query.status');
      await refused('/v1/analytics/auctions?limit=101', 'query.limit');
      await refused('/v1/analytics/auctions?cursor=bogus', 'query.cursor');
      const first = await get('/v1/analytics/auctions?limit=1');
      await refused(`/v1/analytics/auctions?status=sold&cursor=${first.body.nextCursor}`, 'query.cursor', /another listing/);
      await refused(`/v1/analytics/auctions/${'x'.repeat(300)}`, 'params.id');
    });

    it('406 for an Accept it cannot answer', async () => {
      const r = await get('/v1/analytics/summary', { accept: 'application/xml' });
      assert.equal(r.status, 406);
      assert.deepEqual(r.body.error.details.available, ['application/json', 'text/csv']);
    });

    it('304 when the answer has not changed since its ETag', async () => {
      const first = await get('/v1/analytics/summary');
      const etag = first.headers.get('etag');
      assert.ok(etag !== null);
      // fetch adds `Cache-Control: no-cache` (an end-to-end reload) to a request with If-None-Match unless it has one.
      const conditional = { authorization: `Bearer ${analyst}`, 'if-none-match': etag, 'cache-control': 'max-age=0' };
      assert.equal((await fetch(`${sys.url}/v1/analytics/summary`, { headers: conditional })).status, 304);
      await sys.resources.sql.query(`INSERT INTO analytics_bids_per_minute (minute, bids, last_minute_bids) VALUES ('2020-01-01T00:00:00Z', 1, 0)`);
      const changed = await fetch(`${sys.url}/v1/analytics/summary`, { headers: conditional });
      assert.equal(changed.status, 200);
      assert.equal(((await changed.json()) as { bids: number }).bids, 13);
      await sys.resources.sql.query(`DELETE FROM analytics_bids_per_minute WHERE minute = '2020-01-01T00:00:00Z'`);
    });
  });
});
