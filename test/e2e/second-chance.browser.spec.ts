// Second-chance offers on the page, in a real browser against the real system (embedded mode, and
// PostgreSQL with Redis when DATABASE_URL and REDIS_URL are set): an auction ends below its reserve;
// its seller sees the bidders on the auction's page and offers one a second chance; that bidder's
// notification tray tells of the offer, the page shows its price and expiry, and the bidder accepts;
// both pages then show the item sold at the offer's price. Screenshots go to test-output/second-chance/.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { streamIdOf } from '../../domain/index.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embeddedAndServices, eventually, startTestSystem } from '../support/system.js';

/** The flags this machine's Chromium needs headless, as root, with no network beyond localhost (as live-bidding.browser.spec.ts; importing that spec would run it). */
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const WAIT_MS = 30_000;

const browserSuite = (backend: () => Backend) => {
  let sys: TestSystem;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const pages: [string, Page][] = [];
  const shots = join(process.cwd(), 'test-output', 'second-chance');

  before(async function () {
    this.timeout(120_000);
    const executablePath = serviceUrl(this, 'CHROMIUM_PATH', 'second-chance offers in Chromium');
    mkdirSync(shots, { recursive: true });
    sys = await startTestSystem(backend(), { env: { AUTH_JWT_SECRET: '', NOTIFY_ENDING_SOON_SECONDS: '0' } });
    browser = await chromium.launch({ executablePath, args: chromiumArgs, headless: true, timeout: 60_000 });
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [who, page] of pages) if (!page.isClosed()) await page.screenshot({ path: join(shots, `failed-${who}.png`), fullPage: true }).catch(() => undefined);
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await sys?.stop();
  });

  const signedIn = async (who: string, role: 'seller' | 'bidder', path: string): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(WAIT_MS);
    contexts.push(context);
    const page = await context.newPage();
    pages.push([who, page]);
    page.on('pageerror', (error) => problems.push(`${who}: page error: ${error.message}`));
    await page.goto(`${sys.url}${path}`);
    await page.getByText('Sign in or create an account').click();
    await page.getByText('Developer', { exact: true }).click();
    await page.getByLabel('Bearer token (from npm run token)').fill(await sys.token(who, role));
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#signed-in', { hasText: `Signed in as ${who}` }).waitFor();
    return page;
  };
  const text = (page: Page, selector: string, expected: string | RegExp) => page.locator(selector, { hasText: expected }).waitFor({ timeout: WAIT_MS });

  it('the seller offers a bidder a second chance from the ended auction\'s page; the bidder accepts from its own', async function () {
    this.timeout(180_000);
    const seller = await sys.token('sam', 'seller');
    const created = await sys.call('POST', '/v1/auctions', {
      token: seller,
      body: { title: 'Rolleiflex 2.8F', currency: 'USD', startingPrice: 1000, reservePrice: 9000, endsAt: new Date(Date.now() + 3_000).toISOString() },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const auctionId = created.body.auctionId as string;
    const bid = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: await sys.token('bob', 'bidder'), body: { maxAmount: 4200 }, headers: { 'Idempotency-Key': randomUUID() } });
    assert.equal(bid.status, 201, JSON.stringify(bid.body));
    const bobName = bid.body.bidderPseudonym as string;
    await eventually(async () => (await sys.resources.log.readStream(streamIdOf(auctionId))).find((e) => e.type === 'AuctionClosed'), 'AuctionClosed');

    const bob = await signedIn('bob', 'bidder', `/#/auctions/${encodeURIComponent(auctionId)}`);
    await bob.locator('#tray-button[data-auth="authenticated"]').waitFor({ state: 'attached' });
    const sam = await signedIn('sam', 'seller', `/#/auctions/${encodeURIComponent(auctionId)}`);
    await text(sam, '#leader', 'The auction ended without a sale.');
    await text(sam, '#second-chance-intro', 'Offer the item to a bidder at that bidder\'s own maximum bid.');
    await sam.locator(`#second-chance-bidders li[data-bidder="${bobName}"]`).getByRole('button', { name: 'Offer second chance' }).click();
    await text(sam, '#second-chance-result', `Offered to ${bobName}.`);
    await text(sam, `#second-chance-offers li[data-bidder="${bobName}"][data-status="open"]`, `${bobName}: $42.00, open, until`);
    await sam.screenshot({ path: join(shots, '1-sam-offered.png'), fullPage: true });

    await text(bob, '#tray-count', '(1 unread)');
    await bob.getByRole('button', { name: /^Notifications/ }).click();
    await text(bob, '#tray-list .tray-item[data-kind="second-chance-offer"]', 'The seller offers you “Rolleiflex 2.8F” at your maximum bid');
    await text(bob, '#second-chance-intro', /The seller offers you this item for \$42\.00, your maximum bid, until/);
    await bob.screenshot({ path: join(shots, '2-bob-offer.png'), fullPage: true });
    await bob.getByRole('button', { name: 'Accept for $42.00' }).click();
    await text(bob, '#second-chance-result', 'You bought it.');
    await text(bob, '#leader', 'You won this auction.');
    await text(bob, '#price', '$42.00');
    await text(sam, '#leader', `Sold to someone else (${bobName}).`);
    await text(sam, `#second-chance-offers li[data-status="accepted"]`, `${bobName}: $42.00, accepted`);
    await bob.screenshot({ path: join(shots, '3-bob-bought.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
};

embeddedAndServices('second-chance offers on the page in Chromium', browserSuite);
