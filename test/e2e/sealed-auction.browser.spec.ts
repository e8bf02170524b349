// A sealed-bid auction on the live bidding page in a real browser against the real system
// (embedded mode, and PostgreSQL with Redis when DATABASE_URL and REDIS_URL are set): Debian's
// Chromium driven by playwright-core. Two bidders place and raise sealed bids through the page;
// each sees its own sealed bid and the bid count moving live, and never the other's amount or who
// leads; a lower raise is explained; the scheduler's close shows the winner, the price and the
// revealed ranking to both. Screenshots go to test-output/sealed-auction/. Every wait is on a condition.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embeddedAndServices, startTestSystem } from '../support/system.js';

/**
 * live-bidding.browser.spec.ts's `chromiumArgs`, repeated: importing that spec would register its
 * suites too, and run them whenever this file runs.
 */
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const WAIT_MS = 30_000;
/** How long the auction runs: enough for the steps before the close, which the test then waits for. */
const RUNS_MS = 40_000;

embeddedAndServices('sealed auction page in Chromium', (backend: () => Backend) => {
  let sys: TestSystem;
  let browser: Browser;
  let auctionId: string;
  let alice: Page;
  let bob: Page;
  let shots: string;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  before(async function () {
    this.timeout(120_000);
    const executablePath = serviceUrl(this, 'CHROMIUM_PATH', 'sealed auction page in Chromium');
    shots = join(process.cwd(), 'test-output', 'sealed-auction', backend().name);
    mkdirSync(shots, { recursive: true });
    sys = await startTestSystem(backend(), { env: { AUTH_JWT_SECRET: '', NOTIFY_ENDING_SOON_SECONDS: '0' } });
    browser = await chromium.launch({ executablePath, args: chromiumArgs, headless: true, timeout: 60_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    const name = (this.currentTest.title.split(/[;:,]/)[0] ?? 'failed').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    for (const [who, page] of [['alice', alice], ['bob', bob]] as const) {
      if (page !== undefined && !page.isClosed()) await shot(page, `failed-${name}-${who}`).catch(() => undefined);
    }
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await sys?.stop();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const text = (page: Page, selector: string, expected: string | RegExp, timeout = WAIT_MS) => page.locator(selector, { hasText: expected }).waitFor({ timeout });
  /** A bidder's page on the auction, signed in with a development token. */
  const openAs = async (who: string): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(WAIT_MS);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`${who}: page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|TrustedHTML|Trusted Type/i.test(message.text())) problems.push(`${who}: ${message.text()}`);
    });
    await page.goto(`${sys.url}/#/auctions/${encodeURIComponent(auctionId)}`);
    await text(page, '#price', '$10.00');
    await page.getByText('Sign in or create an account').click();
    await page.getByText('Developer', { exact: true }).click();
    await page.getByLabel('Bearer token (from npm run token)').fill(await sys.token(who, 'bidder'));
    await page.getByRole('button', { name: 'Use token' }).click();
    await text(page, '#signed-in', `Signed in as ${who}`);
    await text(page, '#live-badge', 'live');
    return page;
  };
  const sealedBid = async (page: Page, amount: string, button: 'Place sealed bid' | 'Raise sealed bid') => {
    await page.getByLabel('Your sealed bid (USD)').fill(amount);
    await page.getByRole('button', { name: button }).click();
  };
  /** The page's visible text, for what it must not show. */
  const shown = (page: Page) => page.locator('main').innerText();

  it('shows a sealed auction\'s format, the bid count and no leader', async function () {
    this.timeout(120_000);
    const created = await sys.call('POST', '/v1/auctions', {
      token: await sys.token('sam', 'seller'),
      body: { title: 'Sealed: a Leica M3', currency: 'USD', startingPrice: 1000, format: 'sealed-first-price', endsAt: new Date(Date.now() + RUNS_MS).toISOString() },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    auctionId = created.body.auctionId;
    alice = await openAs('alice');
    bob = await openAs('bob');
    for (const page of [alice, bob]) {
      await text(page, '#format', 'Sealed bids: the highest bid wins and pays its bid');
      await text(page, '#leader', 'who leads and what anyone bid stay hidden until the close');
      await text(page, '#your-sealed-bid', 'You have not placed a sealed bid.');
      await text(page, '#bid-count', '0 bids');
      await text(page, '#bid-hint', 'Enter $10.00 or more.');
    }
  });

  it('alice and bob place sealed bids; each sees its own, and only the count of the other\'s', async function () {
    this.timeout(120_000);
    await sealedBid(alice, '25', 'Place sealed bid');
    await text(alice, '#bid-result', 'Sealed bid placed: $25.00.');
    await text(alice, '#your-sealed-bid', 'Your sealed bid: $25.00');
    await text(bob, '#bid-count', '1 bid');
    await sealedBid(bob, '30', 'Place sealed bid');
    await text(bob, '#your-sealed-bid', 'Your sealed bid: $30.00');
    await text(alice, '#bid-count', '2 bids');
    // A raise that does not exceed her bid is refused, naming the least she may bid.
    await sealedBid(alice, '20', 'Raise sealed bid');
    await text(alice, '#bid-error', 'Your sealed bid is too low: it must be at least $25.01.');
    await sealedBid(alice, '35', 'Raise sealed bid');
    await text(alice, '#your-sealed-bid', 'Your sealed bid: $35.00');
    await text(bob, '#bid-count', '3 bids');
    await text(bob, '#history-note', 'Sealed bids are revealed when the auction closes.');
    const bobSees = await shown(bob);
    for (const amount of ['$25.00', '$35.00']) assert.ok(!bobSees.includes(amount), `bob's page shows ${amount}:\n${bobSees}`);
    const aliceSees = await shown(alice);
    assert.ok(!aliceSees.includes('$30.00'), `alice's page shows bob's bid:\n${aliceSees}`);
    assert.equal(await bob.locator('#history tbody tr').count(), 0);
    await shot(alice, '1-alice-raised');
    await shot(bob, '2-bob-sees-count-only');
  });

  it('at the close both see the winner, the price and the revealed ranking', async function () {
    this.timeout(RUNS_MS + 120_000);
    // The scheduler closes the auction at its end time: wait past it.
    await text(alice, '#outcome', 'Sold for $35.00', RUNS_MS + WAIT_MS);
    await text(alice, '#leader', 'You won this auction.');
    await text(bob, '#outcome', 'Sold for $35.00');
    await text(bob, '#leader', /^Won by bidder-[0-9a-f]+\.$/);
    for (const page of [alice, bob]) {
      await page.locator('#ranking li').nth(1).waitFor();
      assert.equal(await page.locator('#ranking li').count(), 2);
      await text(page, '#ranking li:first-child', '$35.00');
      await text(page, '#ranking li:nth-child(2)', '$30.00');
    }
    await text(alice, '#ranking li:first-child', /^You \(bidder-[0-9a-f]+\): \$35\.00$/);
    await shot(alice, '3-alice-won');
    await shot(bob, '4-bob-sees-ranking');
  });

  it('raised no page error and no Content Security Policy or Trusted Types violation', () => {
    assert.deepEqual(problems, []);
  });
});
