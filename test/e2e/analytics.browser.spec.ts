// The analysts' page in a real browser against the real system (embedded mode, and PostgreSQL with
// Redis when DATABASE_URL and REDIS_URL are set): auctions and bids go in through the HTTP API, the
// analytics projector turns them into market figures, and an analyst signed in at `#/analytics`
// sees the summary and four Chart.js charts (price curve of the chosen auction, bids per minute,
// sell-through, sniping share) whose data is read from the Chart.js instances. A new bid moves the
// price curve (from the live connection's frame) and the bids-per-minute chart (fetched again)
// without a reload and without the charts being made anew. Screenshots go to test-output/analytics/.
// Every wait is on a condition, with generous limits.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { WAIT_MS, browserSession, signInWithToken, text } from '../support/browser.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embeddedAndServices } from '../support/system.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** The data of the Chart.js chart on canvas `id`: its labels and each dataset's values. */
type ChartData = { labels: string[]; datasets: { label: string; data: (number | null)[] }[] };
const chartData = (page: Page, id: string): Promise<ChartData | null> =>
  page.evaluate((canvasId) => {
    const chart = (globalThis as unknown as { Chart?: { getChart(id: string): { data: ChartData } | undefined } }).Chart?.getChart(canvasId);
    return chart === undefined ? null : { labels: [...chart.data.labels], datasets: chart.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })) };
  }, id);

/** Polls the chart on canvas `id` until its data satisfies `check` (fails after WAIT_MS, naming what it last saw). */
const chartShows = async <A>(page: Page, id: string, check: (data: ChartData, arg: A) => boolean, arg: A): Promise<void> => {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const data = await chartData(page, id);
    if (data !== null && check(data, arg)) return;
    if (Date.now() > deadline) assert.fail(`the chart ${id} did not come to show what ${check.toString()} wants (${JSON.stringify(arg)}): ${JSON.stringify(data)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const sum = (values: readonly (number | null)[]): number => values.reduce<number>((total, v) => total + (v ?? 0), 0);

embeddedAndServices('Analytics page in Chromium', (backend: () => Backend) => {
  const session = browserSession(backend, { what: 'analytics page in Chromium', folder: 'analytics' });
  const { problems } = session;
  let sys: TestSystem;
  let page: Page;

  before(async () => {
    sys = session.sys;
    page = await session.open('ann');
  });

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await sys.call(method, path, { token, ...(body !== undefined ? { body } : {}), headers: { 'Idempotency-Key': randomUUID() } });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  it('shows the market figures in charts, and a new bid moves them live', async function () {
    this.timeout(180_000);
    const sam = await sys.token('sam', 'seller');
    const bidder = async (name: string) => sys.token(name, 'bidder');
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map(bidder)) as [string, string, string, string];
    const analyst = await sys.token('ann', 'analyst');

    // A: two bids (price 10.00, then 15.50: bob's 20.00 beats alice's 15.00 by an increment);
    // B: bought now for 50.00; C: ends in a minute, so dave's bid is a last-minute bid.
    const a = (await call('POST', '/v1/auctions', sam, { title: 'Leica M3, 1957', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600) })).auctionId as string;
    const b = (await call('POST', '/v1/auctions', sam, { title: 'Rolex Datejust', currency: 'USD', startingPrice: 1000, buyNowPrice: 5000, endsAt: inSeconds(3600) })).auctionId as string;
    const c = (await call('POST', '/v1/auctions', sam, { title: 'Hasselblad 500C', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(50) })).auctionId as string;
    await call('POST', `/v1/auctions/${a}/bids`, alice, { maxAmount: 1500 });
    const bobs = await call('POST', `/v1/auctions/${a}/bids`, bob, { maxAmount: 2000 });
    assert.equal(bobs.currentPrice, 1550);
    await call('POST', `/v1/auctions/${b}/buy-now`, carol);
    await call('POST', `/v1/auctions/${c}/bids`, dave, { maxAmount: 1000 });

    // What the analytics API answers once the projector has caught up: the page must show the same.
    const curve = await (async () => {
      for (const deadline = Date.now() + WAIT_MS; ; await new Promise((r) => setTimeout(r, 100))) {
        const r = await sys.call('GET', `/v1/analytics/auctions/${a}`, { token: analyst });
        if (r.status === 200 && r.body.priceCurve.at(-1)?.price === 1550) return r.body.priceCurve as { at: string; price: number }[];
        if (Date.now() > deadline) assert.fail(`the analytics projector did not reach auction A's second bid: ${r.status} ${JSON.stringify(r.body)}`);
      }
    })();

    await page.goto(`${sys.url}/#/analytics/${encodeURIComponent(a)}`);
    await signInWithToken(page, 'ann', analyst);
    await text(page, '#nav a[aria-current="page"]', 'Analytics');
    await page.locator('#chart-price').waitFor();
    // The price curve: the API's points, in minor units.
    await chartShows(page, 'chart-price', (data, prices) => JSON.stringify(data.datasets[0]?.data) === JSON.stringify(prices), curve.map((p) => p.price));
    // Bids per minute over the last hour: the three bids, one of them in an auction's last minute.
    await chartShows(page, 'chart-bids', (data, [bids, lastMinute]) => data.datasets.length === 2
      && data.datasets[0]!.data.reduce<number>((s, v) => s + (v ?? 0), 0) === bids && data.datasets[1]!.data.reduce<number>((s, v) => s + (v ?? 0), 0) === lastMinute, [3, 1]);
    // Sell-through: B sold (100 % of the auctions that ended in its period); sniping: some share of the bids.
    await chartShows(page, 'chart-sell-through', (data) => data.datasets[0]?.data.includes(100) === true, null);
    await chartShows(page, 'chart-sniping', (data) => data.datasets[0]?.data.some((v) => v !== null && v > 0) === true, null);
    await text(page, '#summary-bids', /^3$/);
    await text(page, '#summary-revenue', /\$50\.00/);
    assert.match(await page.locator('#analytics-auction option:checked').innerText(), /^Leica M3, 1957 \(open, USD\)$/);
    // The same numbers as tables, for screen readers.
    assert.equal(await page.locator('#chart-price-table tbody tr').count(), curve.length);
    await page.evaluate(() => {
      const g = globalThis as unknown as { Chart: { getChart(id: string): unknown }; seenCharts: unknown[] };
      g.seenCharts = ['chart-price', 'chart-bids', 'chart-sell-through', 'chart-sniping'].map((id) => g.Chart.getChart(id));
    });
    await session.shot(page, '1-charts');

    // A new bid: alice's 30.00 over bob's 20.00 puts the price at 20.50. The price curve gains the
    // point from the live frame, the bids-per-minute chart counts it when fetched again.
    const before = await chartData(page, 'chart-price');
    const raised = await call('POST', `/v1/auctions/${a}/bids`, alice, { maxAmount: 3000 });
    assert.equal(raised.currentPrice, 2050);
    await chartShows(page, 'chart-price', (data, length) => data.datasets[0]?.data.length === length && data.datasets[0].data[length - 1] === 2050, (before?.datasets[0]?.data.length ?? 0) + 1);
    await chartShows(page, 'chart-bids', (data, bids) => data.datasets[0]?.data.reduce<number>((s, v) => s + (v ?? 0), 0) === bids, 4);
    await text(page, '#summary-bids', /^4$/);
    const bids = await chartData(page, 'chart-bids');
    assert.equal(sum(bids?.datasets[0]?.data ?? []), 4);
    // Updated in place: the same Chart.js instances as before the bid.
    assert.equal(await page.evaluate(() => {
      const g = globalThis as unknown as { Chart: { getChart(id: string): unknown }; seenCharts: unknown[] };
      return ['chart-price', 'chart-bids', 'chart-sell-through', 'chart-sniping'].every((id, i) => g.Chart.getChart(id) === g.seenCharts[i]);
    }), true);
    // Fetched again with If-None-Match: an unchanged figure is a 304, and the page keeps what it shows.
    await page.locator('#analytics:not([data-unchanged="0"])').waitFor({ timeout: WAIT_MS });
    await page.locator('#chart-price-table').evaluate((table) => table.closest('details')?.setAttribute('open', ''));
    await session.shot(page, '2-after-a-bid');
    assert.deepEqual(problems, []);
  });

  it('tells a user without the analyst role that the figures are not for them', async () => {
    const other = await session.open('bob');
    await other.goto(`${sys.url}/#/analytics`);
    await signInWithToken(other, 'bob', await sys.token('bob', 'bidder'));
    await text(other, '.analytics', 'The market figures are for analysts: your sign-in lacks the analyst role.');
    assert.equal(await other.locator('#nav a', { hasText: 'Analytics' }).count(), 0);
    assert.deepEqual(problems, []);
  });
});
