// Second-chance offers on the page, in a real browser against the real system (embedded mode, and
// PostgreSQL with Redis when DATABASE_URL and REDIS_URL are set): an auction ends below its reserve;
// its seller sees the bidders on the auction's page and offers one a second chance; that bidder's
// notification tray tells of the offer, the page shows its price and expiry, and the bidder accepts;
// both pages then show the item sold at the offer's price. Screenshots go to test-output/second-chance/.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { streamIdOf } from '../../domain/index.js';
import { browserSession, signInWithToken, text } from '../support/browser.js';
import type { Backend } from '../support/system.js';
import { embeddedAndServices, eventually } from '../support/system.js';

const browserSuite = (backend: () => Backend) => {
  const session = browserSession(backend, { what: 'second-chance offers in Chromium', folder: 'second-chance' });
  const { problems } = session;

  const signedIn = async (who: string, role: 'seller' | 'bidder', path: string): Promise<Page> => {
    const page = await session.open(who);
    await page.goto(`${session.sys.url}${path}`);
    await signInWithToken(page, who, await session.sys.token(who, role));
    return page;
  };

  it('the seller offers a bidder a second chance from the ended auction\'s page; the bidder accepts from its own', async function () {
    this.timeout(180_000);
    // A user of this run's own: notifications travel on a Redis channel per user, which any other
    // system on the same Redis could also publish to for a user of the same name.
    const bobId = `bob-${randomUUID().slice(0, 8)}`;
    const seller = await session.sys.token('sam', 'seller');
    const created = await session.sys.call('POST', '/v1/auctions', {
      token: seller,
      body: { title: 'Rolleiflex 2.8F', currency: 'USD', startingPrice: 1000, reservePrice: 9000, endsAt: new Date(Date.now() + 3_000).toISOString() },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const auctionId = created.body.auctionId as string;
    const bid = await session.sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: await session.sys.token(bobId, 'bidder'), body: { maxAmount: 4200 }, headers: { 'Idempotency-Key': randomUUID() } });
    assert.equal(bid.status, 201, JSON.stringify(bid.body));
    const bobName = bid.body.bidderPseudonym as string;
    await eventually(async () => (await session.sys.resources.log.readStream(streamIdOf(auctionId))).find((e) => e.type === 'AuctionClosed'), 'AuctionClosed');

    const bob = await signedIn(bobId, 'bidder', `/#/auctions/${encodeURIComponent(auctionId)}`);
    await bob.locator('#tray-button[data-auth="authenticated"]').waitFor({ state: 'attached' });
    const sam = await signedIn('sam', 'seller', `/#/auctions/${encodeURIComponent(auctionId)}`);
    await text(sam, '#leader', 'The auction ended without a sale.');
    await text(sam, '#second-chance-intro', 'Offer the item to a bidder at that bidder\'s own maximum bid.');
    await sam.locator(`#second-chance-bidders li[data-bidder="${bobName}"]`).getByRole('button', { name: 'Offer second chance' }).click();
    await text(sam, '#second-chance-result', `Offered to ${bobName}.`);
    await text(sam, `#second-chance-offers li[data-bidder="${bobName}"][data-status="open"]`, `${bobName}: $42.00, open, until`);
    await session.shot(sam, '1-sam-offered');

    await text(bob, '#tray-count', '(1 unread)');
    await bob.getByRole('button', { name: /^Notifications/ }).click();
    await text(bob, '#tray-list .tray-item[data-kind="second-chance-offer"]', 'The seller offers you “Rolleiflex 2.8F” at your maximum bid');
    await text(bob, '#second-chance-intro', /The seller offers you this item for \$42\.00, your maximum bid, until/);
    await session.shot(bob, '2-bob-offer');
    await bob.getByRole('button', { name: 'Accept for $42.00' }).click();
    await text(bob, '#second-chance-result', 'You bought it.');
    await text(bob, '#leader', 'You won this auction.');
    await text(bob, '#price', '$42.00');
    await text(sam, '#leader', `Sold to someone else (${bobName}).`);
    await text(sam, `#second-chance-offers li[data-status="accepted"]`, `${bobName}: $42.00, accepted`);
    await session.shot(bob, '3-bob-bought');
    assert.deepEqual(problems, []);
  });
};

embeddedAndServices('second-chance offers on the page in Chromium', browserSuite);
