// A timed sale on the live bidding page in a real browser (Debian's Chromium, playwright-core)
// against the real system, embedded and on PostgreSQL with Redis: the sale page (`#/sales/<id>`)
// lists the lots in order with price, bids, time left and status; a late bid on lot 1 shows up on
// its card without a reload; the lots are seen closing one by one until all have closed; each lot
// links to its own auction view. Screenshots go to test-output/timed-sale/. Every wait is on a condition.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { browserSession } from '../support/browser.js';
import { serviceUrl } from '../support/services.js';
import type { Backend } from '../support/system.js';
import { embedded } from '../support/system.js';

const saleSuite = (backend: () => Backend) => function (this: Mocha.Suite) {
  this.timeout(180_000);
  const session = browserSession(backend, { what: 'timed sale page in Chromium', folder: 'timed-sale' });
  const { problems } = session;
  let page: Page;

  before(async () => {
    page = await session.open('visitor');
  });

  const shot = (name: string) => session.shot(page, name);
  const lot = (n: number) => page.locator(`#lot-list li[data-lot-number="${n}"]`);

  it('shows a sale\'s lots closing one by one, live, each linking to its auction', async () => {
    const seller = await session.sys.token('sam', 'seller');
    const created = await session.sys.call('POST', '/v1/sales', {
      token: seller,
      headers: { 'Idempotency-Key': randomUUID() },
      body: {
        title: 'Spring watches', currency: 'USD', firstEndsAt: new Date(Date.now() + 8_000).toISOString(), staggerMs: 1_500, holdBack: true,
        softClose: { windowSeconds: 4, extensionSeconds: 4 },
        lots: ['Omega Seamaster', 'Rolex Datejust', 'Heuer Carrera'].map((title) => ({ title, startingPrice: 1000 })),
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { saleId, lots } = created.body as { saleId: string; lots: { lotNumber: number; auctionId: string }[] };

    await page.goto(`${session.sys.url}/#/sales/${saleId}`);
    await page.locator('#sale-title', { hasText: 'Spring watches' }).waitFor();
    await page.locator('#sale-about', { hasText: '3 lots, closing one every 1.5 s' }).waitFor();
    for (const [i, title] of ['Omega Seamaster', 'Rolex Datejust', 'Heuer Carrera'].entries()) {
      await lot(i + 1).locator('h2', { hasText: `Lot ${i + 1}: ${title}` }).waitFor();
      await lot(i + 1).locator('.price', { hasText: '$10.00' }).waitFor();
      await lot(i + 1).locator('.countdown', { hasText: /ends in/ }).waitFor();
    }
    assert.equal(await lot(1).locator('h2 a').getAttribute('href'), `#/auctions/${encodeURIComponent(lots[0]!.auctionId)}`);
    await shot('01-sale-open');

    // A late bid on lot 1 (in its soft-close window) shows on its card without a reload, and extends only lot 1.
    await page.locator('#sale-progress', { hasText: '0 of 3 lots closed.' }).waitFor();
    const firstEnd = await lot(1).locator('time.ends-at').getAttribute('datetime');
    await lot(1).locator('.countdown', { hasText: /^ends in [1-3] s$/ }).waitFor();
    const bid = await session.sys.call('POST', `/v1/auctions/${lots[0]!.auctionId}/bids`, {
      token: await session.sys.token('alice', 'bidder'), body: { maxAmount: 2500 }, headers: { 'Idempotency-Key': randomUUID() },
    });
    assert.equal(bid.status, 201, JSON.stringify(bid.body));
    await lot(1).locator('.bids', { hasText: '1 bid' }).waitFor();
    await lot(1).locator(`time.ends-at:not([datetime="${firstEnd}"])`).waitFor();
    const extended = await lot(1).locator('time.ends-at').getAttribute('datetime');
    assert.equal(extended, bid.body.endsAt, 'lot 1 shows its extended end');
    assert.ok(Date.parse(extended!) > Date.parse(firstEnd!));
    await shot('02-lot-1-bid');

    // The lots close one by one: the page counts them, and each card says how it ended.
    await page.locator('#sale-progress', { hasText: 'All 3 lots have closed.' }).waitFor({ timeout: 60_000 });
    await lot(1).and(page.locator('[data-status="sold"]')).waitFor();
    await lot(2).and(page.locator('[data-status="unsold"]')).waitFor();
    await lot(3).and(page.locator('[data-status="unsold"]')).waitFor();
    await shot('03-all-closed');

    // Each lot links to its own auction view.
    await lot(1).locator('h2 a').click();
    await page.waitForURL(`**/#/auctions/${encodeURIComponent(lots[0]!.auctionId)}`);
    await page.locator('h1', { hasText: 'Omega Seamaster' }).waitFor();
    await shot('04-lot-1-auction');
  });

  it('says so when the sale does not exist', async () => {
    await page.goto(`${session.sys.url}/#/sales/no-such-sale`);
    await page.locator('#sale-note', { hasText: 'There is no sale no-such-sale.' }).waitFor();
  });

  it('raised no page error and no Content Security Policy or Trusted Types violation', () => {
    assert.deepEqual(problems, []);
  });
};

describe('timed sale page in Chromium: embedded', saleSuite(() => embedded));

describe('timed sale page in Chromium: PostgreSQL and Redis', function () {
  let backend: Backend;
  before(function () {
    const suite = 'timed sale page in Chromium on PostgreSQL and Redis';
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', suite), redisUrl: serviceUrl(this, 'REDIS_URL', suite) };
  });
  describe('the page', saleSuite(() => backend));
});
