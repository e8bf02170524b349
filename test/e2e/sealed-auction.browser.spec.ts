// A sealed-bid auction on the live bidding page in a real browser against the real system
// (embedded mode, and PostgreSQL with Redis when DATABASE_URL and REDIS_URL are set): Debian's
// Chromium driven by playwright-core. Two bidders place and raise sealed bids through the page;
// each sees its own sealed bid and the bid count moving live, and never the other's amount or who
// leads; a lower raise is explained; the scheduler's close shows the winner, the price and the
// revealed ranking to both. Screenshots go to test-output/sealed-auction/. Every wait is on a condition.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { WAIT_MS, browserSession, signInWithToken, text } from '../support/browser.js';
import type { Backend } from '../support/system.js';
import { embeddedAndServices } from '../support/system.js';

/** How long the auction runs: enough for the steps before the close, which the test then waits for. */
const RUNS_MS = 40_000;

embeddedAndServices('sealed auction page in Chromium', (backend: () => Backend) => {
  const session = browserSession(backend, { what: 'sealed auction page in Chromium', folder: 'sealed-auction' });
  const { problems } = session;
  let auctionId: string;
  let alice: Page;
  let bob: Page;

  const shot = (page: Page, name: string) => session.shot(page, name);
  /** A bidder's page on the auction, signed in with a development token. */
  const openAs = async (who: string): Promise<Page> => {
    const page = await session.open(who);
    await page.goto(`${session.sys.url}/#/auctions/${encodeURIComponent(auctionId)}`);
    await text(page, '#price', '$10.00');
    await signInWithToken(page, who, await session.sys.token(who, 'bidder'));
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
    const created = await session.sys.call('POST', '/v1/auctions', {
      token: await session.sys.token('sam', 'seller'),
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
