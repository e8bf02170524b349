// A Dutch auction's page in a real browser against the real system (embedded mode, and PostgreSQL
// with Redis when DATABASE_URL and REDIS_URL are set): the clock's price ticks down on the page
// with no frame for each drop, with the floor and the next drop shown; "Buy at <price>" buys at the
// clock's price (that or, a moment later, lower), and the page shows the sale. Screenshots go to
// test-output/dutch-auction/. Every wait is on a condition, with generous limits.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embeddedAndServices, startTestSystem } from '../support/system.js';

/**
 * live-bidding.browser.spec.ts's Chromium flags, repeated: importing that spec would register its
 * suites here too.
 */
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const WAIT_MS = 30_000;

embeddedAndServices('Dutch auction page in Chromium', (backend: () => Backend) => {
  let sys: TestSystem;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;
  const problems: string[] = [];
  let shots: string;

  before(async function () {
    this.timeout(120_000);
    const executablePath = serviceUrl(this, 'CHROMIUM_PATH', 'Dutch auction page in Chromium');
    shots = join(process.cwd(), 'test-output', 'dutch-auction', backend().name.startsWith('embedded') ? 'embedded' : 'services');
    mkdirSync(shots, { recursive: true });
    sys = await startTestSystem(backend(), { env: { AUTH_JWT_SECRET: '', NOTIFY_ENDING_SOON_SECONDS: '0' } });
    browser = await chromium.launch({ executablePath, args: chromiumArgs, headless: true, timeout: 60_000 });
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(WAIT_MS);
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page !== undefined) await page.screenshot({ path: join(shots, 'failed.png'), fullPage: true }).catch(() => undefined);
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await sys?.stop();
  });

  const text = (selector: string, expected: string | RegExp) => page.locator(selector, { hasText: expected }).waitFor({ timeout: WAIT_MS });
  /** The first dollar amount in `s`, in cents. */
  const dollars = (s: string): number => Math.round(Number(/\$(\d+\.\d\d)/.exec(s)?.[1] ?? NaN) * 100);

  it('shows the clock ticking down, and alice buys at its price', async function () {
    this.timeout(120_000);
    // From $10.00 down by $1.00 every 2 s to $5.00: five drops, then 2 s at the floor.
    const created = await sys.call('POST', '/v1/auctions', {
      token: await sys.token('sam', 'seller'),
      body: { title: 'Dutch tulips, 1637', currency: 'USD', startingPrice: 1000, format: 'dutch', clock: { decrementAmount: 100, decrementEverySeconds: 2, floorPrice: 500 } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const auctionId = created.body.auctionId as string;

    await page.goto(`${sys.url}/#/auctions/${encodeURIComponent(auctionId)}`);
    await page.getByText('Sign in or create an account').click();
    await page.getByText('Developer', { exact: true }).click();
    await page.getByLabel('Bearer token (from npm run token)').fill(await sys.token('alice', 'bidder'));
    await page.getByRole('button', { name: 'Use token' }).click();
    await text('#signed-in', 'Signed in as alice');

    await text('#dutch-floor', 'Floor price $5.00: drops by $1.00 every 2 s.');
    await text('#dutch-next-drop', /Next drop to \$\d\.00 in \d s\.|At the floor/);
    assert.equal(await page.locator('#bid-form').isVisible(), false, 'a Dutch auction has no bid form');
    // the price falls on the page by itself (no event is written for a drop)
    const first = dollars(await page.locator('#dutch-price').innerText());
    await page.locator(`#dutch-price:not([data-price="${first}"])`).waitFor({ timeout: WAIT_MS });
    const later = dollars(await page.locator('#dutch-price').innerText());
    assert.ok(later < first && later >= 500, `the price should fall from ${first} to no less than the floor, not ${later}`);
    assert.equal(dollars(await page.locator('#price').innerText()) <= first, true);
    await page.screenshot({ path: join(shots, '1-ticking.png'), fullPage: true });

    const button = page.locator('#dutch-buy');
    const label = await button.innerText();
    assert.match(label, /^Buy at \$\d+\.\d\d$/);
    await button.click();
    const result = page.locator('#dutch-result', { hasText: /You bought it for \$\d+\.\d\d\./ });
    await result.waitFor({ timeout: WAIT_MS });
    const paid = dollars(await result.innerText());
    assert.ok(paid <= dollars(label) && paid >= 500, `paid ${paid}, shown ${label}`);
    await text('#outcome', `Sold for $${(paid / 100).toFixed(2)}`);
    await text('#dutch-next-drop', `Sold at $${(paid / 100).toFixed(2)}.`);
    await text('#leader', 'You won this auction.');
    assert.equal(await page.locator('#dutch-buy').count(), 0);
    await page.screenshot({ path: join(shots, '2-sold.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
