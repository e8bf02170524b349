// The live bidding page in a real browser against the real system (embedded mode, and PostgreSQL
// with Redis when DATABASE_URL and REDIS_URL are set): Debian's Chromium driven by playwright-core. Two browser contexts are two bidders; each bids through the
// page and sees the other's bid arrive without reloading, with the minimum next bid kept current;
// the soft-close extension moves the countdown's end; refusals are explained (and cleared when the
// price moves); the outbid bidder's notification tray gets the notice; after going offline, a page
// resumes where it left off; the listing updates live and searches titles; the watch button, My
// bids and Watchlist; buy-now from the page; the account forms on a server without accounts.
// Screenshots go to test-output/live-bidding/. Every wait is on a condition, with generous limits.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { streamIdOf } from '../../domain/index.js';
import { WAIT_MS, browserSession, text } from '../support/browser.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded } from '../support/system.js';

const browserSuite = (backend: () => Backend) => function (this: Mocha.Suite) {
  this.timeout(240_000);
  // The system runs with the development secret and no ending-soon notices (the auctions end within
  // the default lead time): the page's development sign-in works and the trays hold what the test causes.
  const session = browserSession(backend, { what: 'live bidding page in Chromium', folder: 'live-bidding' });
  const { problems } = session;
  let sys: TestSystem;
  let auctionId: string;
  let alice: Page;
  let bob: Page;

  before(async () => {
    sys = session.sys;
    // What the page needs from the rest of the system; say plainly which part is missing.
    const config = await sys.call('GET', '/config.json');
    if (config.body?.realtime === null) {
      throw new Error('the realtime server is not running in the test system: GET /config.json names no realtime endpoint '
        + '(startSystem must run the realtime role and hand its bound port to the page router)');
    }
    const listing = await sys.call('GET', '/v1/auctions?status=open&sort=ending-soon');
    if (listing.status === 404) throw new Error('the read API is not mounted: GET /v1/auctions answered 404 (the page reads the listing, the auction and its bids from it)');
  });

  const openPage = (who: string): Promise<Page> => session.open(who);
  const shot = (page: Page, name: string) => session.shot(page, name);
  /** The end time the page shows, as the server wrote it. */
  const endsAt = async (page: Page): Promise<string> => {
    const value = await page.locator('#ends').getAttribute('data-ends-at');
    assert.ok(value !== null && Number.isFinite(Date.parse(value)), `the page shows no end time (${value})`);
    return value;
  };
  /**
   * Waits until the page shows another end time, and returns it once it is later than `than`.
   * (Locators only: the page's Content Security Policy forbids evaluating strings, which
   * Playwright's waitForFunction does.)
   */
  const endMovesPast = async (page: Page, than: string): Promise<string> => {
    await page.locator(`#ends:not([data-ends-at="${than}"])`).waitFor({ timeout: WAIT_MS });
    const moved = await endsAt(page);
    assert.ok(Date.parse(moved) > Date.parse(than), `the end should move later than ${than}, not to ${moved}`);
    return moved;
  };
  /** Opens the account menu and its Developer disclosure (the development sign-in and the token box). */
  const openDeveloper = async (page: Page) => {
    await page.getByText('Sign in or create an account').click();
    await page.getByText('Developer', { exact: true }).click();
  };
  const bidThroughForm = async (page: Page, amount: string, how: 'click' | 'enter') => {
    const field = page.getByLabel('Your maximum bid (USD)');
    await field.fill(amount);
    if (how === 'enter') await field.press('Enter');
    else await page.getByRole('button', { name: 'Place bid' }).click();
  };

  it('alice creates an account, signs out and in again, and finds the auction among the open auctions', async () => {
    const seller = await sys.token('sam', 'seller');
    const created = await sys.call('POST', '/v1/auctions', {
      token: seller,
      body: {
        title: 'Omega Seamaster, 1960s',
        description: 'Runs well; <b>not</b> markup.',
        currency: 'USD',
        startingPrice: 1000,
        endsAt: new Date(Date.now() + 300_000).toISOString(),
        // A window longer than the extension: every bid that moves the price or the leader falls in
        // it, and moves the end to the bid's time plus ten minutes.
        softClose: { windowSeconds: 900, extensionSeconds: 600 },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    auctionId = created.body.auctionId;

    alice = await openPage('alice');
    await alice.goto(`${sys.url}/`);
    // Alice creates an account (the token box is only behind the Developer disclosure).
    const email = `alice-${randomUUID().slice(0, 8)}@example.com`;
    await alice.getByText('Sign in or create an account').click();
    assert.equal(await alice.locator('#developer[open]').count(), 0, 'the developer tools stay folded');
    await alice.getByText('New here? Create an account').click();
    await alice.getByLabel('E-mail address').nth(1).fill(email);
    await alice.getByLabel('Password (10 characters or more)').fill('correct horse battery');
    await alice.getByLabel('Display name').fill('Alice');
    await alice.getByLabel('Country (two letters, such as DE)').fill('us');
    await alice.getByRole('button', { name: 'Create account' }).click();
    await text(alice, '#signed-in', 'Signed in as Alice');
    await shot(alice, '0-alice-signed-up');
    // Signs out, then in again with her e-mail address and password (a wrong one first).
    await alice.getByRole('button', { name: 'Sign out' }).click();
    await alice.getByText('Sign in or create an account').click();
    await alice.getByLabel('E-mail address').first().fill(email);
    await alice.getByLabel('Password', { exact: true }).fill('wrong horse battery');
    await alice.getByRole('button', { name: 'Sign in', exact: true }).click();
    await text(alice, '#signin-message', 'The e-mail address or the password is wrong.');
    await alice.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await alice.getByRole('button', { name: 'Sign in', exact: true }).click();
    await text(alice, '#signed-in', 'Signed in as Alice');
    const link = alice.getByRole('link', { name: 'Omega Seamaster, 1960s' });
    await link.waitFor();
    await shot(alice, '1-alice-listing');
    await link.click();
    await text(alice, '#price', '$10.00');
    await text(alice, '#leader', 'No bids yet.');
    await text(alice, '#bid-hint', 'Enter $10.00 or more.');
    // The end with its date, time and time zone (the browser's: UTC here).
    await text(alice, '#ends-time', /^ends \w{3}, \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M UTC$/);
    // Data is text, never markup.
    await text(alice, '.description', 'Runs well; <b>not</b> markup.');
    assert.equal(await alice.locator('.description b').count(), 0);
  });

  it('bob opens the auction by its address and signs in with a pasted token', async () => {
    bob = await openPage('bob');
    await bob.goto(`${sys.url}/#/auctions/${encodeURIComponent(auctionId)}`);
    await text(bob, '#price', '$10.00');
    await openDeveloper(bob);
    await bob.getByLabel('Bearer token (from npm run token)').fill(await sys.token('bob', 'bidder'));
    await bob.getByRole('button', { name: 'Use token' }).click();
    await text(bob, '#signed-in', 'Signed in as bob');
    await text(bob, '#price', '$10.00');
    await text(bob, '#live-badge', 'live');
  });

  it('alice bids; bob sees her bid arrive and the soft-close extension move the end, without reloading', async () => {
    const bobEnd0 = await endsAt(bob);
    const aliceEnd0 = await endsAt(alice);
    assert.equal(bobEnd0, aliceEnd0);
    await bidThroughForm(alice, '20', 'click');
    await text(alice, '#bid-result', 'Bid accepted: you are the highest bidder at $10.00 (your maximum: $20.00).');
    await text(alice, '#leader', 'You are the highest bidder.');
    await alice.locator('#leader[data-leader="you"]').waitFor();
    await text(alice, '#bid-hint', 'You are the highest bidder with a maximum of $20.00: to raise it, enter more.');

    await text(bob, '#bid-count', '1 bid');
    await text(bob, '#leader', /^Someone else is the highest bidder \(bidder-[0-9a-f]+\)\.$/);
    await text(bob, '#bid-hint', 'Enter $10.50 or more.');
    await bob.locator('#history tbody tr').first().waitFor();
    const bobEnd1 = await endMovesPast(bob, bobEnd0);
    await bob.locator('#extended').waitFor({ state: 'visible' });
    await text(bob, '#status-note', 'A late bid extended the auction');
    assert.ok(Date.parse(bobEnd1) >= Date.parse(bobEnd0) + 60_000, `the end moved from ${bobEnd0} to ${bobEnd1}`);
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
    // The history tells what each bid did: bob's was outbid at once by alice's higher maximum.
    await text(alice, '#history tbody tr:first-child td:last-child', 'outbid by proxy');
    await text(alice, '#history tbody tr:nth-child(2) td:last-child', /^took the lead/);
    await text(bob, '#bid-hint', 'Enter $16.00 or more.');
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
    // Alice's socket is signed in (for her notifications) before she is outbid.
    await alice.locator('#tray-button[data-auth="authenticated"]').waitFor({ state: 'attached' });
    const aliceEnd = await endsAt(alice);
    await bidThroughForm(bob, '25', 'click');
    await text(bob, '#bid-result', 'Bid accepted: you are the highest bidder at $20.50 (your maximum: $25.00).');
    await text(bob, '#leader', 'You are the highest bidder.');
    await text(alice, '#price', '$20.50');
    await text(alice, '#leader', /^Someone else is the highest bidder/);
    await alice.locator('#leader[data-leader="other"]').waitFor();
    await endMovesPast(alice, aliceEnd);
    await text(alice, '#bid-hint', 'Enter $21.00 or more.');
    await shot(alice, '4-alice-outbid');
  });

  it('alice\'s notification tray gets the outbid notice, counted unread until she opens it', async () => {
    await text(alice, '#tray-count', '(1 unread)');
    await alice.getByRole('button', { name: /^Notifications/ }).click();
    await text(alice, '#tray-list .tray-item[data-kind="outbid"]', 'You were outbid on “Omega Seamaster, 1960s”: the price is now $20.50.');
    await alice.locator('#tray-count:empty').waitFor({ state: 'attached' });
    await shot(alice, '4b-alice-tray');
    await alice.getByRole('button', { name: /^Notifications/ }).click();
    assert.equal(await bob.locator('#tray-list .tray-item').count(), 0, 'bob was not outbid');
  });

  it('an offline page says so, and on reconnecting resumes with what it missed', async () => {
    await bob.context().setOffline(true);
    await text(bob, '#connection', 'You are offline');
    await text(bob, '#live-badge', 'offline');
    await shot(bob, '5-bob-offline');
    await bidThroughForm(alice, '40', 'click');
    await text(alice, '#bid-result', 'you are the highest bidder at $26.00 (your maximum: $40.00)');
    await bob.context().setOffline(false);
    await text(bob, '#price', '$26.00');
    // What bob's form said of his last bid no longer holds once the price moved: it is cleared.
    await bob.locator('#bid-result:empty').waitFor({ state: 'attached' });
    await text(bob, '#leader', /^Someone else is the highest bidder/);
    await text(bob, '#bid-count', '4 bids');
    await text(bob, '#live-badge', 'live');
    await bob.locator('#connection:empty').waitFor({ state: 'attached', timeout: WAIT_MS });
    await bob.locator('#history tbody tr').nth(3).waitFor();
    await shot(bob, '6-bob-resumed');
  });

  it('alice watches the auction, and finds it under Watchlist and My bids', async () => {
    const watch = alice.getByRole('button', { name: 'Watch', exact: true });
    await watch.click();
    await alice.locator('.auction-actions button.watch[aria-pressed="true"]').waitFor();
    await alice.getByRole('link', { name: 'Watchlist' }).click();
    await text(alice, '#my-title', 'Watchlist');
    await alice.locator(`#my-list [data-auction-id="${auctionId}"]`).waitFor();
    await alice.getByRole('link', { name: 'My bids' }).click();
    await text(alice, '#my-title', 'My bids');
    await text(alice, `#my-list [data-auction-id="${auctionId}"] .price`, '$26.00');
    await text(alice, `#my-list [data-auction-id="${auctionId}"] .standing`, 'You are the highest bidder.');
    await shot(alice, '7-alice-my-bids');
  });

  it('the listing updates live: bob outbids alice and her card changes without reloading; search finds by title', async () => {
    await alice.getByRole('link', { name: 'Auctions', exact: true }).click();
    const card = alice.locator(`#auction-list [data-auction-id="${auctionId}"]`);
    await text(alice, `#auction-list [data-auction-id="${auctionId}"] .price`, '$26.00');
    const version = await card.getAttribute('data-version');
    await bidThroughForm(bob, '50', 'click');
    await text(bob, '#bid-result', 'Bid accepted: you are the highest bidder at $41.00 (your maximum: $50.00).');
    await alice.locator(`#auction-list [data-auction-id="${auctionId}"]:not([data-version="${version}"])`).waitFor();
    await text(alice, `#auction-list [data-auction-id="${auctionId}"] .price`, '$41.00');
    await text(alice, `#auction-list [data-auction-id="${auctionId}"] .standing`, 'Outbid: your maximum was $40.00.');
    await text(alice, '#tray-count', '(1 unread)');
    await shot(alice, '8-alice-live-listing');

    await alice.getByLabel('Title contains').fill('seamaster');
    await alice.getByRole('button', { name: 'Search', exact: true }).click();
    await text(alice, '#listing-note', '1 open auction matches.');
    await card.waitFor();
    await alice.getByLabel('Title contains').fill('no such thing');
    await alice.getByRole('button', { name: 'Search', exact: true }).click();
    await text(alice, '#listing-note', 'No open auction matches.');
    assert.equal(await card.count(), 0);
    await alice.getByRole('button', { name: 'Clear', exact: true }).click();
    await card.waitFor();
  });

  it('alice buys an item now from its page; the reserve and the sale show', async () => {
    const seller = await sys.token('sam', 'seller');
    const created = await sys.call('POST', '/v1/auctions', {
      token: seller,
      body: { title: 'Leica M3, 1957', currency: 'USD', startingPrice: 2000, reservePrice: 4000, buyNowPrice: 5000, endsAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const leica = created.body.auctionId as string;
    await alice.goto(`${sys.url}/#/auctions/${encodeURIComponent(leica)}`);
    await text(alice, '#reserve', 'Reserve not met');
    await alice.getByRole('button', { name: 'Buy it now for $50.00' }).click();
    await alice.getByRole('button', { name: 'Confirm: buy for $50.00' }).click();
    await text(alice, '#buy-now-result', 'You bought it for $50.00.');
    await text(alice, '#outcome', 'Sold for $50.00');
    await text(alice, '#leader', 'You won this auction.');
    await alice.locator('#bid-submit:disabled').waitFor();
    await shot(alice, '9-alice-bought-now');
    await alice.getByRole('link', { name: 'Won', exact: true }).click();
    await text(alice, `#my-list [data-auction-id="${leica}"] .standing`, 'You won this auction.');
    await text(alice, `#my-list [data-auction-id="${leica}"] .countdown`, 'Sold for $50.00');
  });

  it('sam, a seller, sees his listings by status and keeps a block list', async () => {
    const sam = await openPage('sam');
    await sam.goto(`${sys.url}/`);
    await openDeveloper(sam);
    await sam.getByLabel('Bearer token (from npm run token)').fill(await sys.token('sam', 'seller'));
    await sam.getByRole('button', { name: 'Use token' }).click();
    await text(sam, '#signed-in', 'Signed in as sam');
    await sam.getByRole('link', { name: 'My listings' }).click();
    await text(sam, `#my-list [data-auction-id="${auctionId}"] .price`, '$41.00');
    await sam.getByLabel('Status').selectOption('sold');
    await text(sam, '#my-list .auction-card', 'Leica M3, 1957');
    assert.equal(await sam.locator(`#my-list [data-auction-id="${auctionId}"]`).count(), 0);
    await sam.locator('#block-section[data-state="ready"]').waitFor();
    await text(sam, '#blocked-list', 'Nobody is blocked.');
    await sam.getByLabel('Bidder\'s user id').fill('mallory');
    await sam.getByRole('button', { name: 'Block', exact: true }).click();
    await text(sam, '#blocked-note', 'mallory is blocked.');
    await text(sam, '#blocked-list', 'mallory');
    const mallory = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, {
      token: await sys.token('mallory', 'bidder'), body: { maxAmount: 99_000 }, headers: { 'Idempotency-Key': randomUUID() },
    });
    assert.deepEqual([mallory.status, mallory.body.error?.code], [409, 'BIDDER_BLOCKED']);
    await shot(sam, '10-sam-my-listings');
  });

  it('bob\'s socket signed in again after his reconnection: alice outbids him and his tray hears it', async () => {
    // The socket answered the auth frame the page sent on reconnecting.
    await bob.locator('#tray-button[data-auth="authenticated"]').waitFor({ state: 'attached' });
    const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, {
      token: await sys.token('alice', 'bidder'), body: { maxAmount: 6000 }, headers: { 'Idempotency-Key': randomUUID() },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await text(bob, '#price', '$51.00');
    await bob.locator('#tray-list .tray-item[data-kind="outbid"]', { hasText: 'the price is now $51.00.' }).waitFor({ state: 'attached' });
    await text(bob, '#tray-count', /unread/);
    await bob.getByRole('button', { name: /^Notifications/ }).click();
    await text(bob, '#tray-list .tray-item[data-kind="outbid"]', 'You were outbid on “Omega Seamaster, 1960s”: the price is now $51.00.');
    await text(bob, '#bid-hint', 'Enter $52.00 or more.');
    await shot(bob, '11-bob-outbid-tray');
  });

  it('raised no page error and no Content Security Policy or Trusted Types violation', () => {
    assert.deepEqual(problems, []);
  });
};

describe('live bidding page in Chromium: two bidders, embedded', browserSuite(() => embedded));

describe('live bidding page in Chromium: two bidders, PostgreSQL and Redis', function () {
  let backend: Backend;
  before(function () {
    const suite = 'live bidding page in Chromium on PostgreSQL and Redis';
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', suite), redisUrl: serviceUrl(this, 'REDIS_URL', suite) };
  });
  describe('the page', browserSuite(() => backend));
});
