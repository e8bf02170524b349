// The live bidding page in a real browser against the real system (embedded mode): Debian's
// Chromium driven by playwright-core. Two browser contexts are two bidders; each bids through the
// page and sees the other's bid arrive without reloading; the soft-close extension moves the
// countdown's end; refusals are explained; after going offline, a page resumes where it left off.
// Screenshots go to test-output/live-bidding/. Every wait is on a condition, with generous limits.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { streamIdOf } from '../../domain/index.js';
import { serviceUrl } from '../support/services.js';
import type { TestSystem } from '../support/system.js';
import { embedded, startTestSystem } from '../support/system.js';

/** The flags this machine's Chromium needs headless, as root, with no network beyond localhost. */
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const WAIT_MS = 30_000;
const shots = join(process.cwd(), 'test-output', 'live-bidding');

describe('live bidding page in Chromium: two bidders, embedded', function () {
  this.timeout(240_000);
  let sys: TestSystem;
  let browser: Browser;
  let auctionId: string;
  let alice: Page;
  let bob: Page;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  before(async function () {
    const executablePath = serviceUrl(this, 'CHROMIUM_PATH', 'live bidding page in Chromium');
    mkdirSync(shots, { recursive: true });
    // The development secret, so the page's development sign-in works (and sys.token signs with it).
    sys = await startTestSystem(embedded, { env: { AUTH_JWT_SECRET: '' } });
    // What the page needs from the rest of the system; say plainly which part is missing.
    const config = await sys.call('GET', '/config.json');
    if (config.body?.realtime === null) {
      throw new Error('the realtime server is not running in the test system: GET /config.json names no realtime endpoint '
        + '(startSystem must run the realtime role and hand its bound port to the page router)');
    }
    const listing = await sys.call('GET', '/v1/auctions?status=open&sort=ending-soon');
    if (listing.status === 404) throw new Error('the read API is not mounted: GET /v1/auctions answered 404 (the page reads the listing, the auction and its bids from it)');
    browser = await chromium.launch({ executablePath, args: chromiumArgs, headless: true, timeout: 60_000 });
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await sys?.stop();
  });

  const openPage = async (who: string): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(WAIT_MS);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`${who}: page error: ${error.message}`));
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy|TrustedHTML|Trusted Type/i.test(text)) problems.push(`${who}: ${text}`);
    });
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const endsAt = async (page: Page): Promise<number> => Date.parse((await page.locator('#ends').getAttribute('data-ends-at')) ?? 'NaN');
  /** Waits until the page's end time is later than `than`, and returns it. */
  const endMovesPast = async (page: Page, than: number): Promise<number> => {
    // (Expressions run in the page; this file is compiled without the DOM's types.)
    await page.waitForFunction(`Date.parse(document.getElementById('ends')?.dataset.endsAt ?? '') > ${than}`, null, { timeout: WAIT_MS });
    return endsAt(page);
  };
  const text = (page: Page, selector: string, expected: string | RegExp) =>
    page.locator(selector, { hasText: expected }).waitFor({ timeout: WAIT_MS });
  const bidThroughForm = async (page: Page, amount: string, how: 'click' | 'enter') => {
    const field = page.getByLabel('Your maximum bid (USD)');
    await field.fill(amount);
    if (how === 'enter') await field.press('Enter');
    else await page.getByRole('button', { name: 'Place bid' }).click();
  };

  it('alice signs in with the development sign-in and finds the auction among the open auctions', async () => {
    const seller = await sys.token('sam', 'seller');
    const created = await sys.call('POST', '/v1/auctions', {
      token: seller,
      body: {
        title: 'Omega Seamaster, 1960s',
        description: 'Runs well; <b>not</b> markup.',
        currency: 'USD',
        startingPrice: 1000,
        endsAt: new Date(Date.now() + 300_000).toISOString(),
        // The whole auction lies in the window: every bid that moves the price or leader extends it.
        softClose: { windowSeconds: 600, extensionSeconds: 900 },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    auctionId = created.body.auctionId;

    alice = await openPage('alice');
    await alice.goto(`${sys.url}/`);
    await alice.getByLabel('Your name').fill('alice');
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await text(alice, '#signed-in', 'Signed in as alice');
    const link = alice.getByRole('link', { name: 'Omega Seamaster, 1960s' });
    await link.waitFor();
    await shot(alice, '1-alice-listing');
    await link.click();
    await text(alice, '#price', '$10.00');
    await text(alice, '#leader', 'No bids yet.');
    // Data is text, never markup.
    await text(alice, '.description', 'Runs well; <b>not</b> markup.');
    assert.equal(await alice.locator('.description b').count(), 0);
  });

  it('bob opens the auction by its address and signs in with a pasted token', async () => {
    bob = await openPage('bob');
    await bob.goto(`${sys.url}/#/auctions/${encodeURIComponent(auctionId)}`);
    await text(bob, '#price', '$10.00');
    await bob.getByText('Paste a token').click();
    await bob.getByLabel('Bearer token (from npm run token)').fill(await sys.token('bob', 'bidder'));
    await bob.getByRole('button', { name: 'Use token' }).click();
    await text(bob, '#signed-in', 'Signed in as bob');
    await text(bob, '#price', '$10.00');
    await text(bob, '#live-badge', 'live');
  });

  it('alice bids; bob sees her bid arrive and the soft-close extension move the end, without reloading', async () => {
    const bobEnd0 = await endsAt(bob);
    const aliceEnd0 = await endsAt(alice);
    assert.ok(Number.isFinite(bobEnd0) && bobEnd0 === aliceEnd0);
    await bidThroughForm(alice, '20', 'click');
    await text(alice, '#bid-result', 'Bid accepted: you are the highest bidder at $10.00 (your maximum: $20.00).');
    await text(alice, '#leader', 'You are the highest bidder.');
    await alice.locator('#leader[data-leader="you"]').waitFor();

    await text(bob, '#bid-count', '1 bid');
    await text(bob, '#leader', /^Someone else is the highest bidder \(bidder-[0-9a-f]+\)\.$/);
    await bob.locator('#history tbody tr').first().waitFor();
    const bobEnd1 = await endMovesPast(bob, bobEnd0);
    await bob.locator('#extended').waitFor({ state: 'visible' });
    await text(bob, '#status-note', 'A late bid extended the auction');
    assert.ok(bobEnd1 >= bobEnd0 + 60_000, `the end moved from ${new Date(bobEnd0).toISOString()} to ${new Date(bobEnd1).toISOString()}`);
    await endMovesPast(alice, aliceEnd0);
    await shot(bob, '2-bob-sees-alice-bid');
  });

  it('bob bids by keyboard and is told how his bid stands; alice sees the price move', async () => {
    const aliceEnd = await endsAt(alice);
    await bidThroughForm(bob, '15', 'enter');
    await text(bob, '#bid-result', 'Your bid of $15.00 stands, but another bidder\'s maximum is higher: the price is now $15.50.');
    await text(alice, '#price', '$15.50');
    await text(alice, '#bid-count', '2 bids');
    await text(alice, '#leader', 'You are the highest bidder.');
    await alice.locator('#history tbody tr').nth(1).waitFor();
    await endMovesPast(alice, aliceEnd);
  });

  it('explains refusals: a maximum too low names the least acceptable one; a malformed amount is caught before sending', async () => {
    await bidThroughForm(bob, '15.50', 'click');
    await text(bob, '#bid-error', 'Your maximum is too low: the least acceptable maximum now is $16.00.');
    await bob.getByRole('button', { name: 'Use $16.00' }).click();
    assert.equal(await bob.getByLabel('Your maximum bid (USD)').inputValue(), '16.00');

    const before = (await sys.resources.log.readStream(streamIdOf(auctionId))).length;
    await bidThroughForm(bob, '12.345', 'enter');
    await text(bob, '#bid-error', 'Amounts in USD have at most 2 decimal places.');
    assert.equal(await bob.getByLabel('Your maximum bid (USD)').getAttribute('aria-invalid'), 'true');
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, before);
    await shot(bob, '3-bob-refused');
  });

  it('bob takes the lead; alice sees it at once, and her countdown moves again', async () => {
    const aliceEnd = await endsAt(alice);
    await bidThroughForm(bob, '25', 'click');
    await text(bob, '#bid-result', 'Bid accepted: you are the highest bidder at $20.50 (your maximum: $25.00).');
    await text(bob, '#leader', 'You are the highest bidder.');
    await text(alice, '#price', '$20.50');
    await text(alice, '#leader', /^Someone else is the highest bidder/);
    await alice.locator('#leader[data-leader="other"]').waitFor();
    await endMovesPast(alice, aliceEnd);
    await shot(alice, '4-alice-outbid');
  });

  it('an offline page says so, and on reconnecting resumes with what it missed', async () => {
    await bob.context().setOffline(true);
    await text(bob, '#connection', 'You are offline');
    await text(bob, '#live-badge', 'offline');
    await shot(bob, '5-bob-offline');
    await bidThroughForm(alice, '40', 'click');
    await text(alice, '#bid-result', 'you are the highest bidder at $25.50');
    await bob.context().setOffline(false);
    await text(bob, '#price', '$25.50');
    await text(bob, '#leader', /^Someone else is the highest bidder/);
    await text(bob, '#bid-count', '4 bids');
    await text(bob, '#live-badge', 'live');
    await bob.waitForFunction(`(document.getElementById('connection')?.textContent ?? '') === ''`, null, { timeout: WAIT_MS });
    await bob.locator('#history tbody tr').nth(3).waitFor();
    await shot(bob, '6-bob-resumed');
  });

  it('raised no page error and no Content Security Policy or Trusted Types violation', () => {
    assert.deepEqual(problems, []);
  });
});
