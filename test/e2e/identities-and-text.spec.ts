// Identities and texts from hostile or merely unusual clients, end to end over HTTP (issue 8):
// any subject an identity provider issues works everywhere (bids, sales, cancels, pseudonyms,
// audit history and exports), a subject or text that cannot be stored is refused with a 4xx
// naming it, nothing of a refused command is written, and the projector keeps going.
// Embedded mode always; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { streamIdOf } from '../../domain/index.js';
import { AttemptPageCodec, AuctionListCodec, AuctionViewCodec, AuditBidCodec, AuditBidPageCodec, PublicBidPageCodec, auditBidColumns, csvField } from '../../read-api/index.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embeddedAndServices, eventually, startTestSystem } from '../support/system.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

const decoded = <A>(codec: t.Decoder<unknown, A>, body: unknown): A => {
  const result = codec.decode(body);
  if (isLeft(result)) assert.fail(`not a ${codec.name}: ${PathReporter.report(result).join('; ')}\n${JSON.stringify(body)}`);
  return result.right;
};

/** Subjects as identity providers issue them. */
const subjects = [
  'auth0|5f7c8ec7',
  'google-oauth2|109876543210987654321',
  'jane.doe+bids@example.com',
  'https://idp.example.org/users/42?tenant=eu#main',
  'CN=Jane Doe, O="Example, Inc."',
  'José Müller 山田 😀',
  `auth0|${'a'.repeat(249)}`,
];

/** Subjects no identity provider issues and nothing could store or show safely. */
const unusableSubjects: readonly [string, string][] = [
  ['', 'empty'],
  ['   ', 'blank'],
  ['alice\u0000admin', 'NUL'],
  ['alice\u0007', 'a control character'],
  ['\ud800alice', 'a lone surrogate'],
  ['x'.repeat(256), '256 characters'],
];

const identitySuite = (backend: () => Backend) => {
  let sys: TestSystem;
  const sam = `sam-${randomUUID().slice(0, 8)}`;
  let samToken: string;
  let bob: string;
  let root: string;
  let auditor: string;

  before(async function () {
    this.timeout(120_000); // starting PGlite takes a while on a busy machine
    sys = await startTestSystem(backend());
    samToken = await sys.token(sam, 'seller');
    bob = await sys.token('bob', 'bidder');
    root = await sys.token('root', 'admin');
    auditor = await sys.token('audrey', 'auditor');
  });
  after(async () => sys?.stop());

  const create = async (token: string, body: Record<string, unknown> = {}) => {
    const r = await sys.call('POST', '/v1/auctions', { token, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600), ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { auctionId: string; version: number };
  };
  const bid = (auctionId: string, token: string, maxAmount: number) =>
    sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
  const get = (path: string, token?: string, headers: Record<string, string> = {}) => sys.call('GET', path, { ...(token !== undefined ? { token } : {}), headers });
  const raw = async (path: string, token: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sys.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
    return { status: response.status, text: await response.text() };
  };

  /** A later, ordinary auction is projected: the projector did not stop at anything before it. */
  const projectorKeepsGoing = async () => {
    const later = await create(samToken);
    const view = await eventually(async () => {
      const r = await get(`/v1/auctions/${later.auctionId}?minVersion=${later.version}`);
      return r.status === 200 ? r.body : undefined;
    }, 'a later auction in the read model');
    assert.equal(view.sellerId, sam);
  };

  for (const subject of subjects) {
    it(`subject ${JSON.stringify(subject.length > 40 ? `${subject.slice(0, 20)}… (${subject.length} characters)` : subject)} sells, bids, buys, cancels and is audited`, async () => {
      const asSeller = await sys.token(subject, 'seller');
      const asBidder = await sys.token(subject, 'bidder');
      const asAdmin = await sys.token(subject, 'admin');

      // sells, then cancels its own auction
      const own = await create(asSeller, { title: 'Own lamp' });
      const withdrawn = await sys.call('POST', `/v1/auctions/${own.auctionId}/cancel`, { token: asSeller, body: { reason: 'listed twice' } });
      assert.deepEqual([withdrawn.status, withdrawn.body], [200, { auctionId: own.auctionId, status: 'cancelled', version: 2 }]);
      const ownView = decoded(AuctionViewCodec, (await get(`/v1/auctions/${own.auctionId}?minVersion=2`)).body);
      assert.deepEqual([ownView.sellerId, ownView.status], [subject, 'cancelled']);
      const listed = decoded(AuctionListCodec, (await get(`/v1/auctions?status=cancelled&sellerId=${encodeURIComponent(subject)}&limit=100`)).body);
      assert.deepEqual(listed.items.map((a) => a.auctionId), [own.auctionId]);

      // bids on another seller's auction, is outbid, and a refused bid is recorded
      const { auctionId } = await create(samToken);
      const placed = await bid(auctionId, asBidder, 2000);
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      assert.equal((await bid(auctionId, bob, 3000)).status, 201);
      const low = await bid(auctionId, asBidder, 10);
      assert.deepEqual([low.status, low.body.error?.code], [409, 'BID_TOO_LOW']);
      const events = await sys.resources.log.readStream(streamIdOf(auctionId));
      assert.deepEqual(events.map((e) => [e.type, e.metadata.userId]), [['AuctionCreated', sam], ['BidPlaced', subject], ['BidPlaced', 'bob']]);
      assert.equal((events[1]!.data as { bidderId: string }).bidderId, subject);

      const mine = await get(`/v1/auctions/${auctionId}?minVersion=3`, asBidder);
      assert.deepEqual([mine.status, mine.body.yourPseudonym, mine.body.yourMaxAmount, mine.body.youLead], [200, placed.body.bidderPseudonym, 2000, false]);
      const publicBids = decoded(PublicBidPageCodec, (await get(`/v1/auctions/${auctionId}/bids?minVersion=3&order=oldest`)).body);
      assert.equal(publicBids.items[0]!.bidder, placed.body.bidderPseudonym);
      assert.ok(!JSON.stringify(publicBids).includes(subject), 'the public history shows no real id');

      const audit = decoded(AuditBidPageCodec, (await get(`/v1/audit/auctions/${auctionId}/bids?minVersion=3`, auditor)).body);
      assert.deepEqual(audit.items.map((b) => b.bidderId), [subject, 'bob']);
      const ndjson = await raw(`/v1/audit/auctions/${auctionId}/bids`, auditor, { accept: 'application/x-ndjson' });
      assert.equal(ndjson.status, 200);
      assert.deepEqual(ndjson.text.trimEnd().split('\n').map((line) => decoded(AuditBidCodec, JSON.parse(line)).bidderId), [subject, 'bob']);
      const csv = await raw(`/v1/audit/auctions/${auctionId}/bids?format=csv`, auditor);
      assert.equal(csv.status, 200);
      const lines = csv.text.split('\r\n');
      assert.deepEqual([lines[0], lines.length], [auditBidColumns.join(','), 4]);
      assert.ok(lines[1]!.includes(`,${csvField(subject)},`), lines[1]);
      const attempts = await eventually(async () => {
        const r = await get(`/v1/audit/auctions/${auctionId}/attempts`, auditor);
        return r.status === 200 && r.body.items.length === 1 ? decoded(AttemptPageCodec, r.body) : undefined;
      }, 'the refused bid in the attempts log');
      assert.deepEqual([attempts.items[0]!.bidderId, attempts.items[0]!.code], [subject, 'BID_TOO_LOW']);
      const attemptsCsv = await raw(`/v1/audit/auctions/${auctionId}/attempts?format=csv`, auditor);
      assert.ok(attemptsCsv.text.includes(`,${csvField(subject)},`), attemptsCsv.text);

      // an admin with this subject cancels it after bids
      const cancelled = await sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token: asAdmin, body: {} });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      const afterCancel = await sys.resources.log.readStream(streamIdOf(auctionId), 4);
      assert.deepEqual(afterCancel.map((e) => [e.type, (e.data as { cancelledBy?: string }).cancelledBy]), [['AuctionCancelled', subject]]);

      // buys now
      const offered = await create(samToken, { buyNowPrice: 9000 });
      const bought = await sys.call('POST', `/v1/auctions/${offered.auctionId}/buy-now`, { token: asBidder });
      assert.equal(bought.status, 200, JSON.stringify(bought.body));
      const again = await sys.call('POST', `/v1/auctions/${offered.auctionId}/buy-now`, { token: asBidder });
      assert.deepEqual([again.status, again.body.version], [200, 2]);
      const sold = await get(`/v1/auctions/${offered.auctionId}?minVersion=2`, asBidder);
      assert.deepEqual([sold.body.status, sold.body.leader, sold.body.yourPseudonym], ['sold', bought.body.buyerPseudonym, bought.body.buyerPseudonym]);

      await projectorKeepsGoing();
    });
  }

  it('a token whose sub cannot be a user id is a 401 naming the claim, and writes nothing', async () => {
    const { auctionId } = await create(samToken);
    for (const [sub, what] of unusableSubjects) {
      const token = await sys.token(sub, 'bidder', 'seller');
      const r = await bid(auctionId, token, 2000);
      assert.equal(r.status, 401, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'UNAUTHENTICATED');
      assert.match(r.body.error.message, /\bsub\b/, what);
      assert.equal((await sys.call('POST', '/v1/auctions', { token, body: { title: 'x', currency: 'USD', startingPrice: 100, endsAt: inSeconds(60) } })).status, 401, what);
    }
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 1);
    await projectorKeepsGoing();
  });

  it('a NUL, a lone surrogate or a control character in a text is a 400 naming the field, and writes nothing', async () => {
    const base = { title: 'Lamp', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600) };
    const refusedCreates: readonly [Record<string, unknown>, string][] = [
      [{ title: 'Lamp\u0000' }, 'body.title'],
      [{ title: '\ud83dLamp' }, 'body.title'],
      [{ title: 'Lamp\ude00' }, 'body.title'],
      [{ title: 'Two\nlines' }, 'body.title'],
      [{ title: 'Bell\u0007' }, 'body.title'],
      [{ description: 'fine\u0000' }, 'body.description'],
      [{ description: 'broken \udc00 pair' }, 'body.description'],
      [{ description: 'escape \u001b[31m red' }, 'body.description'],
    ];
    for (const [fields, path] of refusedCreates) {
      const r = await sys.call('POST', '/v1/auctions', { token: samToken, body: { ...base, ...fields } });
      assert.equal(r.status, 400, `${JSON.stringify(fields)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'INVALID_REQUEST');
      assert.deepEqual(r.body.error.details.fields.map((f: { path: string }) => f.path), [path], JSON.stringify(fields));
    }
    // line breaks and tabs are text in a description; a well-formed astral character is one character
    const description = 'Brass.\r\n\tWorks.\n😀';
    const fine = await create(samToken, { title: 'Lamp 😀', description });
    const view = await get(`/v1/auctions/${fine.auctionId}?minVersion=1`);
    assert.deepEqual([view.body.title, view.body.description], ['Lamp 😀', description]);

    const { auctionId } = await create(samToken);
    for (const reason of ['mistake\u0000', '\ud800', 'mistake\u0008']) {
      for (const token of [samToken, root]) {
        const r = await sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token, body: { reason } });
        assert.equal(r.status, 400, `${JSON.stringify(reason)}: ${JSON.stringify(r.body)}`);
        assert.deepEqual(r.body.error.details.fields.map((f: { path: string }) => f.path), ['body.reason']);
      }
    }
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 1);
    const withBreaks = await sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token: samToken, body: { reason: 'listed twice:\n\tsee the other one' } });
    assert.equal(withBreaks.status, 200, JSON.stringify(withBreaks.body));
    await projectorKeepsGoing();
  });

  it('an X-Request-Id that is not a sane id is a 400 naming the header; a sane one is the correlation id', async () => {
    const { auctionId } = await create(samToken);
    for (const requestId of ['r'.repeat(129), 'two words', 'caf\u00e9']) {
      const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: bob, body: { maxAmount: 2000 }, headers: { 'Idempotency-Key': randomUUID(), 'X-Request-Id': requestId } });
      assert.equal(r.status, 400, `${JSON.stringify(requestId)}: ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body.error.details.fields.map((f: { path: string }) => f.path), ['headers.X-Request-Id']);
    }
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 1);
    const requestId = `req-${randomUUID()}`;
    const ok = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: bob, body: { maxAmount: 2000 }, headers: { 'Idempotency-Key': randomUUID(), 'X-Request-Id': requestId } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const [, placed] = await sys.resources.log.readStream(streamIdOf(auctionId));
    assert.equal(placed!.metadata.correlationId, requestId);
  });

  it('bad commands beside good ones on a hot auction fail alone: 30 bids and 5 cancels with a NUL in the reason', async () => {
    const { auctionId } = await create(samToken);
    const bidders = await Promise.all(Array.from({ length: 30 }, (_, i) => sys.token(`racer-${i}`, 'bidder')));
    const results = await Promise.all([
      ...bidders.map((token, i) => bid(auctionId, token, 2000 + i * 500)),
      ...Array.from({ length: 5 }, () => sys.call('POST', `/v1/auctions/${auctionId}/cancel`, { token: root, body: { reason: 'fraud\u0000' } })),
    ]);
    const bids = results.slice(0, 30);
    const cancels = results.slice(30);
    assert.deepEqual(cancels.map((r) => r.status), [400, 400, 400, 400, 400]);
    assert.ok(bids.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'BID_TOO_LOW')), JSON.stringify(bids.map((r) => [r.status, r.body])));
    const accepted = bids.filter((r) => r.status === 201).length;
    assert.ok(accepted > 0);
    assert.equal((await sys.resources.log.readStream(streamIdOf(auctionId))).length, 1 + accepted);
    await projectorKeepsGoing();
  });
};

embeddedAndServices('identities and texts over HTTP', identitySuite);
