// The page's smaller helpers: bid outcome sentences, the server clock, token claims, idempotency keys.
import assert from 'node:assert/strict';
import { mintToken } from '../../../infra/index.js';
import type { ClockModule, IdsModule, MessagesModule, SessionModule } from '../../support/page-modules.js';
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
});

describe('page: sign-in and keys', () => {
  it('reads a token\'s claims (to show who is signed in), and refuses what is not a token', async () => {
    const s = await importPageModule<SessionModule>('session.js');
    const now = new Date('2026-11-26T10:00:00Z');
    const token = await mintToken({ secret: 'x'.repeat(32), sub: 'zoë@example', roles: ['bidder', 'seller'], expiresIn: 3600, now });
    const session = s.readToken(` ${token}\n`);
    assert.deepEqual(session, { token, sub: 'zoë@example', roles: ['bidder', 'seller'], expiresAtMs: now.getTime() + 3_600_000 });
    assert.equal(s.isExpired(session, now.getTime()), false);
    assert.equal(s.isExpired(session, now.getTime() + 3_600_000), true);
    assert.equal(s.readToken('not a token'), undefined);
    assert.equal(s.readToken('a.b.c'), undefined);
  });

  it('makes a fresh version 4 UUID for every attempt', async () => {
    const ids = await importPageModule<IdsModule>('ids.js');
    const keys = new Set(Array.from({ length: 100 }, () => ids.newIdempotencyKey()));
    assert.equal(keys.size, 100);
    for (const k of keys) assert.match(k, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
