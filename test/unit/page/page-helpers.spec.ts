// The page's smaller helpers: bid outcome sentences, the server clock, token claims, idempotency keys.
import assert from 'node:assert/strict';
import { mintToken } from '../../../infra/index.js';
import type { AuctionTextModule, ClockModule, IdsModule, MessagesModule, NotificationsModule, SessionModule } from '../../support/page-modules.js';
import { importPageModule } from '../../support/page-modules.js';

const dollars = (minor: number) => `$${(minor / 100).toFixed(2)}`;

describe('page: bid messages', () => {
  let m: MessagesModule;
  before(async () => {
    m = await importPageModule<MessagesModule>('messages.js');
  });

  it('says whether an accepted bid leads', () => {
    assert.deepEqual(m.acceptedMessage({ leading: true, currentPrice: 1000 }, 2000, dollars), {
      tone: 'success', text: 'Bid accepted: you are the highest bidder at $10.00 (your maximum: $20.00).', retrySameKey: false,
    });
    assert.match(m.acceptedMessage({ leading: false, currentPrice: 1550 }, 1500, dollars).text, /stands, but another bidder's maximum is higher: the price is now \$15\.50/);
  });

  it('names the minimum of BID_TOO_LOW, and explains each refusal', () => {
    const low = m.refusedMessage(409, { code: 'BID_TOO_LOW', message: 'the least acceptable maximum is 1600', details: { minimumAmount: 1600 } }, dollars);
    assert.equal(low.text, 'Your maximum is too low: the least acceptable maximum now is $16.00.');
    assert.equal(low.minimumAmount, 1600);
    assert.match(m.refusedMessage(409, { code: 'AUCTION_NOT_OPEN', message: 'auction is closed' }, dollars).text, /not taking bids: auction is closed/);
    assert.match(m.refusedMessage(409, { code: 'SELLER_CANNOT_BID', message: 'x' }, dollars).text, /seller cannot bid/);
    assert.match(m.refusedMessage(401, { code: 'UNAUTHENTICATED', message: 'the token has expired' }, dollars).text, /sign in again/);
    assert.match(m.refusedMessage(403, { code: 'FORBIDDEN', message: 'x' }, dollars).text, /bidder role/);
    assert.match(m.refusedMessage(400, { code: 'INVALID_REQUEST', message: 'x', details: { fields: [{ path: 'body.maxAmount', message: 'expected a positive whole number' }] } }, dollars).text, /expected a positive whole number/);
    assert.match(m.refusedMessage(429, { code: 'RATE_LIMITED', message: 'x' }, dollars, { retryAfterSeconds: 7 }).text, /wait 7 s/);
  });

  it('keeps the Idempotency-Key only when the outcome is unknown or transient', () => {
    const same = (status: number, code: string) => m.refusedMessage(status, { code, message: 'x' }, dollars).retrySameKey;
    assert.equal(same(0, 'NETWORK'), true);
    assert.equal(same(503, 'BUSY'), true);
    assert.equal(same(409, 'IDEMPOTENCY_KEY_IN_PROGRESS'), true);
    assert.equal(same(500, 'INTERNAL'), true);
    assert.equal(same(409, 'BID_TOO_LOW'), false);
    assert.equal(same(409, 'IDEMPOTENCY_KEY_REUSED'), false);
    assert.equal(same(409, 'AUCTION_NOT_OPEN'), false);
  });
});

describe('page: server clock', () => {
  let c: ClockModule;
  before(async () => {
    c = await importPageModule<ClockModule>('clock.js');
  });

  it('takes the largest recent offset (the least delayed frame), and HTTP dates only until frames come', () => {
    const clock = new c.ServerClock();
    assert.equal(clock.offsetMs, 0);
    clock.observeHttpDate('Thu, 26 Nov 2026 10:00:00 GMT', Date.parse('2026-11-26T10:00:02.000Z'));
    assert.equal(clock.offsetMs, -1500);
    clock.observe('2026-11-26T10:00:05.000Z', Date.parse('2026-11-26T10:00:05.040Z'));
    clock.observe('2026-11-26T10:00:10.000Z', Date.parse('2026-11-26T10:00:10.010Z'));
    assert.equal(clock.offsetMs, -10);
    clock.observeHttpDate('Thu, 26 Nov 2026 11:00:00 GMT', Date.parse('2026-11-26T10:00:02.000Z'));
    assert.equal(clock.offsetMs, -10);
    clock.observe('not a time');
    assert.equal(clock.offsetMs, -10);
  });

  it('formats time left', () => {
    assert.equal(c.formatRemaining(-5), '0 s');
    assert.equal(c.formatRemaining(8_200), '9 s');
    assert.equal(c.formatRemaining(247_000), '4 m 07 s');
    assert.equal(c.formatRemaining(3_900_000), '1 h 05 m');
    assert.equal(c.formatRemaining(2 * 86_400_000 + 3 * 3_600_000), '2 d 3 h');
  });

  it('formats an end with its date, time and time zone, naming the zone when its short name is not its own', () => {
    assert.equal(c.formatDateTime('2026-11-29T10:05:00Z', { locale: 'en-US', timeZone: 'UTC' }), 'Sun, Nov 29, 2026, 10:05 AM UTC');
    assert.equal(c.formatDateTime('2026-11-29T10:05:00Z', { locale: 'en-GB', timeZone: 'Europe/Paris' }), 'Sun, 29 Nov 2026, 11:05 CET (Europe/Paris)');
    assert.equal(c.formatDateTime(Date.parse('2026-07-01T00:30:00Z'), { locale: 'en-US', timeZone: 'America/New_York' }), 'Tue, Jun 30, 2026, 8:30 PM EDT (America/New York)');
  });
});

describe('page: notifications', () => {
  let n: NotificationsModule;
  before(async () => {
    n = await importPageModule<NotificationsModule>('notifications.js');
  });
  const money = (minor: number, currency: string) => `${currency} ${(minor / 100).toFixed(2)}`;

  it('keeps each id once (delivery is at least once), newest first, counting the unread', () => {
    const inbox = new n.Inbox();
    let heard = 0;
    inbox.listen(() => heard++);
    assert.equal(inbox.add({ id: 'a', kind: 'outbid', auctionId: 'x' }), true);
    assert.equal(inbox.add({ id: 'b', kind: 'won', auctionId: 'y' }), true);
    assert.equal(inbox.add({ id: 'a', kind: 'outbid', auctionId: 'x' }), false, 'a redelivery');
    assert.deepEqual(inbox.items.map((i) => i.id), ['b', 'a']);
    assert.equal(inbox.unread, 2);
    assert.equal(heard, 2);
    inbox.markAllRead();
    assert.equal(inbox.unread, 0);
    for (let i = 0; i < n.INBOX_LIMIT + 5; i++) inbox.add({ id: `m${i}`, kind: 'ending-soon', auctionId: 'z' });
    assert.equal(inbox.items.length, n.INBOX_LIMIT);
    assert.equal(inbox.unread, n.INBOX_LIMIT);
    inbox.clear();
    assert.deepEqual([inbox.items.length, inbox.unread], [0, 0]);
  });

  it('says what each kind means', () => {
    const base = { id: 'i', auctionId: 'x', title: 'Leica M3', currency: 'USD', currentPrice: 1600 };
    assert.equal(n.noticeText({ ...base, kind: 'outbid' }, money), 'You were outbid on “Leica M3”: the price is now USD 16.00.');
    assert.equal(n.noticeText({ ...base, kind: 'ending-soon' }, money), '“Leica M3” ends soon, at USD 16.00 now.');
    assert.equal(n.noticeText({ ...base, kind: 'won' }, money), 'You won “Leica M3” for USD 16.00.');
    assert.equal(n.noticeText({ ...base, kind: 'lost' }, money), '“Leica M3” ended without you winning (final price USD 16.00).');
    assert.equal(n.noticeText({ ...base, kind: 'auction-cancelled' }, money), '“Leica M3” was cancelled.');
    assert.equal(n.noticeText({ id: 'i', auctionId: 'x', kind: 'lost' }, money), 'An auction ended without you winning.');
  });
});

describe('page: what the auction page says', () => {
  let t: AuctionTextModule;
  before(async () => {
    t = await importPageModule<AuctionTextModule>('views/auction-text.js');
  });

  it('tells how an auction ended, the reserve, and the minimum next bid', () => {
    assert.equal(t.outcomeText({ status: 'sold', currentPrice: 2600 }, dollars), 'Sold for $26.00');
    assert.equal(t.outcomeText({ status: 'unsold', reserveMet: false }, dollars), 'Unsold: the reserve was not met');
    assert.equal(t.outcomeText({ status: 'unsold', reserveMet: true }, dollars), 'Unsold');
    assert.equal(t.outcomeText({ status: 'cancelled' }, dollars), 'Cancelled');
    assert.equal(t.outcomeText({ status: 'open', currentPrice: 1 }, dollars), '');
    assert.equal(t.reserveText({ status: 'open', reserveMet: false }, { hasReserve: undefined }), 'Reserve not met');
    assert.equal(t.reserveText({ status: 'open', reserveMet: true }, { hasReserve: true }), 'Reserve met');
    assert.equal(t.reserveText({ status: 'open', reserveMet: true }, { hasReserve: false }), 'No reserve');
    assert.equal(t.reserveText({ status: 'open', reserveMet: true }, { hasReserve: undefined }), '', 'a met reserve and none look alike to the public');
    assert.equal(t.minimumBidText({ minimumBid: 1600, youLead: false }, dollars), 'Enter $16.00 or more.');
    assert.equal(t.minimumBidText({ minimumBid: 1600, youLead: true }, dollars), 'You are the highest bidder. To raise your maximum, enter more than your current maximum.');
    assert.equal(t.minimumBidText({ minimumBid: 1600, youLead: true, yourMax: 2500 }, dollars), 'You are the highest bidder with a maximum of $25.00: to raise it, enter more.');
    assert.equal(t.minimumBidText({ minimumBid: null, youLead: false }, dollars), '');
  });

  it('tells a bid that took the lead from one outbid by proxy and from a leader raising its own maximum', () => {
    assert.equal(t.bidOutcome({ bidder: 'bidder-a', leader: 'bidder-a', tookLead: true }), 'took the lead');
    assert.equal(t.bidOutcome({ bidder: 'bidder-b', leader: 'bidder-a', tookLead: false }), 'outbid by proxy');
    assert.equal(t.bidOutcome({ bidder: 'bidder-a', leader: 'bidder-a', tookLead: false }), 'raised own maximum');
  });
});

describe('page: sign-in and keys', () => {
  it('reads a token\'s claims (to show who is signed in), and refuses what is not a token', async () => {
    const s = await importPageModule<SessionModule>('session.js');
    const now = new Date('2026-11-26T10:00:00Z');
    const token = await mintToken({ secret: 'x'.repeat(32), sub: 'zoë@example', roles: ['bidder', 'seller'], expiresIn: 3600, now });
    const session = s.readToken(` ${token}\n`);
    assert.deepEqual(session, { token, sub: 'zoë@example', roles: ['bidder', 'seller'], expiresAtMs: now.getTime() + 3_600_000, source: 'token' });
    assert.equal(s.isExpired(session, now.getTime()), false);
    assert.equal(s.isExpired(session, now.getTime() + 3_600_000), true);
    assert.equal(s.readToken('not a token'), undefined);
    assert.equal(s.readToken('a.b.c'), undefined);
  });

  it('makes a session of an account\'s tokens, and renews it before the access token expires', async () => {
    const s = await importPageModule<SessionModule>('session.js');
    const now = new Date('2026-11-26T10:00:00Z');
    const accessToken = await mintToken({ secret: 'x'.repeat(32), sub: 'u-42', roles: ['bidder', 'seller'], expiresIn: 900, now });
    const session = s.sessionFromTokens({
      userId: 'u-42', roles: ['bidder', 'seller'], tokenType: 'Bearer', accessToken, expiresIn: 900,
      expiresAt: '2026-11-26T10:15:00.000Z', refreshToken: 'r1', refreshTokenExpiresAt: '2026-12-26T10:00:00.000Z',
    });
    assert.deepEqual(session, {
      token: accessToken, sub: 'u-42', roles: ['bidder', 'seller'], expiresAtMs: Date.parse('2026-11-26T10:15:00.000Z'), source: 'account',
      refreshToken: 'r1', refreshExpiresAtMs: Date.parse('2026-12-26T10:00:00.000Z'),
    });
    assert.equal(s.refreshDelay(session, now.getTime()), 900_000 - s.REFRESH_AHEAD_MS);
    assert.equal(s.refreshDelay(session, now.getTime() + 880_000), 10_000, 'half the time left, when less than a minute ahead remains');
    assert.equal(s.refreshDelay(session, now.getTime() + 901_000), 0, 'expired: renew at once');
    assert.equal(s.refreshDelay({ ...session!, refreshExpiresAtMs: now.getTime() }, now.getTime()), undefined, 'the refresh token expired too');
    assert.equal(s.refreshDelay(s.readToken(accessToken), now.getTime()), undefined, 'a pasted token cannot be renewed');
    assert.equal(s.sessionFromTokens({ accessToken: 'nope' }), undefined);
    assert.equal(s.sessionFromTokens(null), undefined);
  });

  it('makes a fresh version 4 UUID for every attempt', async () => {
    const ids = await importPageModule<IdsModule>('ids.js');
    const keys = new Set(Array.from({ length: 100 }, () => ids.newIdempotencyKey()));
    assert.equal(keys.size, 100);
    for (const k of keys) assert.match(k, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
