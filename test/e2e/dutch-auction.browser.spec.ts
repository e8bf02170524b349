// A Dutch auction's page in a real browser against the real system (embedded mode, and PostgreSQL
// with Redis when DATABASE_URL and REDIS_URL are set): the seller lists it with the page's form (a
// Dutch listing asks for its clock, not an end); the clock's price ticks down on the page
// with no frame for each drop, with the floor and the next drop shown; "Buy at <price>" buys at the
// clock's price (that or, a moment later, lower), and the page shows the sale. Screenshots go to
// test-output/dutch-auction/. Every wait is on a condition, with generous limits.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { WAIT_MS, browserSession, signInWithToken, text as shows } from '../support/browser.js';
import type { Backend } from '../support/system.js';
import { embeddedAndServices } from '../support/system.js';

embeddedAndServices('Dutch auction page in Chromium', (backend: () => Backend) => {
  const session = browserSession(backend, { what: 'Dutch auction page in Chromium', folder: 'dutch-auction' });
  const { problems } = session;
  let page: Page;

  before(async () => {
    page = await session.open('alice');
  });

  const text = (selector: string, expected: string | RegExp) => shows(page, selector, expected);
  /** The first dollar amount in `s`, in cents. */
  const dollars = (s: string): number => Math.round(Number(/\$(\d+\.\d\d)/.exec(s)?.[1] ?? NaN) * 100);

  it('shows the clock ticking down, and alice buys at its price', async function () {
    this.timeout(120_000);
    // sam lists it with the page's form: from $10.00 down by $1.00 every 2 s to $5.00 (five drops,
    // then 2 s at the floor); a Dutch listing asks for no end and no soft close.
    const sam = await session.open('sam');
    await sam.goto(`${session.sys.url}/`);
    await signInWithToken(sam, 'sam', await session.sys.token('sam', 'seller'));
    await sam.getByLabel('Title', { exact: true }).fill('Dutch tulips, 1637');
    await sam.getByLabel('Format', { exact: true }).selectOption('dutch');
    assert.equal(await sam.getByLabel('Ends in (minutes)', { exact: true }).isVisible(), false, 'the clock decides a Dutch auction\'s end');
    assert.equal(await sam.getByLabel('A late bid extends the end', { exact: true }).isVisible(), false, 'a Dutch auction has no soft close');
    await sam.getByLabel('Starting price', { exact: true }).fill('10.00');
    await sam.getByLabel('Drops by', { exact: true }).fill('1.00');
    await sam.getByLabel('Every (seconds)', { exact: true }).fill('2');
    await sam.getByLabel('Floor price', { exact: true }).fill('5.00');
    await sam.getByRole('button', { name: 'List the item' }).click();
    await sam.waitForURL(/#\/auctions\//, { timeout: WAIT_MS });
    const auctionId = decodeURIComponent(/#\/auctions\/([^/?]+)/.exec(sam.url())![1]!);
    await session.shot(sam, '0-listed');

    await page.goto(`${session.sys.url}/#/auctions/${encodeURIComponent(auctionId)}`);
    await signInWithToken(page, 'alice', await session.sys.token('alice', 'bidder'));

    await text('#dutch-floor', 'Floor price $5.00: drops by $1.00 every 2 s.');
    await text('#dutch-next-drop', /Next drop to \$\d\.00 in \d s\.|At the floor/);
    assert.equal(await page.locator('#bid-form').isVisible(), false, 'a Dutch auction has no bid form');
    // the price falls on the page by itself (no event is written for a drop)
    const first = dollars(await page.locator('#dutch-price').innerText());
    await page.locator(`#dutch-price:not([data-price="${first}"])`).waitFor({ timeout: WAIT_MS });
    const later = dollars(await page.locator('#dutch-price').innerText());
    assert.ok(later < first && later >= 500, `the price should fall from ${first} to no less than the floor, not ${later}`);
    assert.equal(dollars(await page.locator('#price').innerText()) <= first, true);
    await session.shot(page, '1-ticking');

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
    await session.shot(page, '2-sold');
    assert.deepEqual(problems, []);
  });
});
