// The read API over real HTTP, end to end through the projector: commands in, the read models out.
// Embedded mode always; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { streamIdOf } from '../../domain/index.js';
import {
  AttemptPageCodec, AuctionListCodec, type PublicBidPage, AuctionViewCodec, AuditBidCodec, AuditBidPageCodec, ChainReportCodec, PublicBidPageCodec, auditBidColumns,
} from '../../read-api/index.js';
import type { SystemOptions } from '../../scripts/compose/system.js';
import { deleteTopics, testKafka, uniqueName } from '../support/kafka.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, eventually, startTestSystem } from '../support/system.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

const decoded = <A>(codec: t.Decoder<unknown, A>, body: unknown): A => {
  const result = codec.decode(body);
  if (isLeft(result)) assert.fail(`not a ${codec.name}: ${PathReporter.report(result).join('; ')}\n${JSON.stringify(body)}`);
  return result.right;
};

/** Every number anywhere in a JSON value. */
const numbersIn = (value: unknown): number[] =>
  typeof value === 'number' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(numbersIn) : [];

/** `source`: the checkpoint sources the projector is expected to have used (a prefix). */
const readApiSuite = (backend: () => Backend, source: () => string = () => 'log', systemOptions: () => SystemOptions & { env?: Record<string, string> } = () => ({})) => {
  let sys: TestSystem;
  const tokens: Record<string, string> = {};
  const token = (user: string) => tokens[user]!;
  // One seller per suite run, so listings filtered by seller see this run's auctions only.
  const seller = `seller-${randomUUID().slice(0, 8)}`;

  before(async function () {
    const extra = systemOptions();
    sys = await startTestSystem(backend(), { ...extra, readApi: { exportPageSize: 2 } });
    tokens.seller = await sys.token(seller, 'seller');
    for (const user of ['alice', 'bob', 'carol']) tokens[user] = await sys.token(user, 'bidder');
    tokens.auditor = await sys.token('audrey', 'auditor');
    tokens.admin = await sys.token('root', 'admin');
  });
  after(async () => sys?.stop());

  const create = async (body: Record<string, unknown> = {}) => {
    const r = await sys.call('POST', '/v1/auctions', { token: token('seller'), body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600), ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { auctionId: string; version: number };
  };
  const bid = async (auctionId: string, user: string, maxAmount: number) => {
    const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: token(user), body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
    return r as { status: number; body: { bidderPseudonym: string; version: number; error?: { code: string } } };
  };
  const mustBid = async (auctionId: string, user: string, maxAmount: number) => {
    const r = await bid(auctionId, user, maxAmount);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const get = (path: string, user?: string, headers: Record<string, string> = {}) => sys.call('GET', path, { ...(user !== undefined ? { token: token(user) } : {}), headers });
  const raw = async (path: string, user: string | undefined, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sys.url}${path}`, { headers: { ...(user !== undefined ? { authorization: `Bearer ${token(user)}` } : {}), ...headers } });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  it('shows an auction to anyone, and each caller its own fields; no real id or other maximum leaks', async () => {
    const { auctionId } = await create({ reservePrice: 5000, buyNowPrice: 12000 });
    const alice = await mustBid(auctionId, 'alice', 2000);
    const bob = await mustBid(auctionId, 'bob', 1500);

    const anonymous = await get(`/v1/auctions/${auctionId}?minVersion=${bob.version}`);
    assert.equal(anonymous.status, 200);
    const view = decoded(AuctionViewCodec, anonymous.body);
    assert.deepEqual(
      { status: view.status, currentPrice: view.currentPrice, bidCount: view.bidCount, leader: view.leader, reserveMet: view.reserveMet, buyNowPrice: view.buyNowPrice, version: view.version, sellerId: view.sellerId, minimumBid: view.minimumBid },
      { status: 'open', currentPrice: 1550, bidCount: 2, leader: alice.bidderPseudonym, reserveMet: false, buyNowPrice: 12000, version: 3, sellerId: seller, minimumBid: 1600 },
    );
    assert.equal(anonymous.headers.get('vary'), 'Authorization');
    const text = JSON.stringify(anonymous.body);
    for (const secret of ['alice', 'bob', 'reservePrice', 'yourPseudonym', 'leaderId', 'Max']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    for (const maximum of [2000, 1500, 5000]) assert.ok(!numbersIn(anonymous.body).includes(maximum), `${maximum} in ${text}`);

    const asAlice = decoded(AuctionViewCodec, (await get(`/v1/auctions/${auctionId}`, 'alice')).body);
    assert.deepEqual([asAlice.yourPseudonym, asAlice.yourMaxAmount, asAlice.yourBidCount, asAlice.youLead, asAlice.reservePrice], [alice.bidderPseudonym, 2000, 1, true, undefined]);
    const asBob = (await get(`/v1/auctions/${auctionId}`, 'bob')).body;
    assert.deepEqual([asBob.yourPseudonym, asBob.yourMaxAmount, asBob.youLead], [bob.bidderPseudonym, 1500, false]);
    assert.ok(!numbersIn(asBob).includes(2000), 'bob sees nothing of alice\'s maximum');
    const asCarol = (await get(`/v1/auctions/${auctionId}`, 'carol')).body;
    assert.match(asCarol.yourPseudonym, /^bidder-[0-9a-f]{10}$/);
    assert.notEqual(asCarol.yourPseudonym, alice.bidderPseudonym);
    assert.equal(asCarol.yourMaxAmount, undefined);
    assert.equal((await get(`/v1/auctions/${auctionId}`, 'seller')).body.reservePrice, 5000);
  });

  it('reads its own writes with ?minVersion=, and says when the read model is behind', async () => {
    const { auctionId, version } = await create();
    const created = await get(`/v1/auctions/${auctionId}?minVersion=${version}`);
    assert.equal(created.status, 200);
    for (let i = 0; i < 5; i++) {
      const placed = await mustBid(auctionId, i % 2 === 0 ? 'alice' : 'bob', 2000 + i * 500);
      const read = await get(`/v1/auctions/${auctionId}?minVersion=${placed.version}`);
      assert.equal(read.status, 200);
      assert.ok(read.body.version >= placed.version);
      const bids = await get(`/v1/auctions/${auctionId}/bids?minVersion=${placed.version}`);
      assert.equal(bids.body.items[0].version, placed.version);
    }
    const behind = await get(`/v1/auctions/${auctionId}?minVersion=99`);
    assert.equal(behind.status, 503);
    assert.equal(behind.body.error.code, 'READ_MODEL_BEHIND');
    assert.equal(behind.headers.get('retry-after'), '1');
    assert.equal((await get(`/v1/auctions/no-such-auction?minVersion=1`)).status, 404);
    assert.equal((await get(`/v1/auctions/${auctionId}?minVersion=0`)).status, 400);
  });

  it('shows buy-now and cancellation, and lists auctions by status', async () => {
    const bought = await create({ buyNowPrice: 9000 });
    const buy = await sys.call('POST', `/v1/auctions/${bought.auctionId}/buy-now`, { token: token('bob') });
    assert.equal(buy.status, 200, JSON.stringify(buy.body));
    const sold = decoded(AuctionViewCodec, (await get(`/v1/auctions/${bought.auctionId}?minVersion=${buy.body.version}`)).body);
    assert.deepEqual([sold.status, sold.currentPrice, sold.leader, sold.buyNowPrice, sold.minimumBid], ['sold', 9000, buy.body.buyerPseudonym, undefined, undefined]);
    assert.ok(sold.endedAt !== undefined);

    const withdrawn = await create();
    const cancel = await sys.call('POST', `/v1/auctions/${withdrawn.auctionId}/cancel`, { token: token('seller'), body: { reason: 'withdrawn' } });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.equal((await get(`/v1/auctions/${withdrawn.auctionId}?minVersion=${cancel.body.version}`)).body.status, 'cancelled');

    const ids = async (status: string) => decoded(AuctionListCodec, (await get(`/v1/auctions?status=${status}&sellerId=${seller}&limit=100`)).body).items.map((a) => a.auctionId);
    assert.ok((await ids('sold')).includes(bought.auctionId));
    assert.ok((await ids('cancelled')).includes(withdrawn.auctionId));
    const open = await ids('open');
    assert.ok(!open.includes(bought.auctionId) && !open.includes(withdrawn.auctionId));
  });

  it('pages the listing with cursors in a stable order, refusing bad parameters', async () => {
    const lister = `lister-${randomUUID().slice(0, 8)}`;
    tokens.lister = await sys.token(lister, 'seller');
    const made: { auctionId: string; endsAt: string }[] = [];
    for (const minutes of [50, 20, 40, 10, 30, 20]) {
      const endsAt = inSeconds(minutes * 60 + 3600);
      const r = await sys.call('POST', '/v1/auctions', { token: token('lister'), body: { title: `Lot ${minutes}`, currency: 'USD', startingPrice: 500, endsAt } });
      assert.equal(r.status, 201);
      made.push({ auctionId: r.body.auctionId, endsAt });
    }
    const scheduled = await sys.call('POST', '/v1/auctions', { token: token('lister'), body: { title: 'Later', currency: 'USD', startingPrice: 500, startsAt: inSeconds(1800), endsAt: inSeconds(7200) } });
    // Every auction projected: over Kafka, partitions catch up independently of one another.
    const ids = [...made.map((a) => a.auctionId), scheduled.body.auctionId as string];
    await eventually(async () => ((await Promise.all(ids.map(async (id) => (await get(`/v1/auctions/${id}?minVersion=1`)).status))).every((s) => s === 200) ? true : undefined), 'projection');

    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await get(`/v1/auctions?${query}&sellerId=${lister}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        const list = decoded(AuctionListCodec, page.body);
        seen.push(...list.items.map((a) => a.auctionId));
        cursor = list.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      return seen;
    };
    const byEnd = [...made].sort((a, b) => a.endsAt.localeCompare(b.endsAt) || a.auctionId.localeCompare(b.auctionId)).map((a) => a.auctionId);
    assert.deepEqual(await walk('status=open&sort=ending-soon'), byEnd);
    assert.deepEqual(await walk('status=open&sort=newly-listed'), [...made].reverse().map((a) => a.auctionId));
    assert.deepEqual(await walk('status=scheduled'), [scheduled.body.auctionId]);

    const first = await get(`/v1/auctions?status=open&sellerId=${lister}&limit=2`);
    const foreign = await get(`/v1/auctions?status=open&sort=newly-listed&sellerId=${lister}&limit=2&cursor=${first.body.nextCursor}`);
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error.details.fields[0].path, 'query.cursor');
    for (const [query, field] of [['status=closed', 'query.status'], ['limit=0', 'query.limit'], ['cursor=%21%21', 'query.cursor'], ['colour=red', 'query.colour']] as const) {
      const bad = await get(`/v1/auctions?${query}`);
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.error.code, 'INVALID_REQUEST');
      assert.ok(bad.body.error.details.fields.some((f: { path: string }) => f.path === field), `${query}: ${JSON.stringify(bad.body)}`);
    }
  });

  it('searches titles with q: case-insensitive, LIKE wildcards literal, paged with the search, bad values refused', async () => {
    const lister = `searcher-${randomUUID().slice(0, 8)}`;
    tokens.searcher = await sys.token(lister, 'seller');
    const titles = ['Leica M3, 1957', 'LEICA lens 50% off', 'Omega_Seamaster', 'Omega Seamaster', 'Rolex \\ box'];
    const ids: Record<string, string> = {};
    for (const [i, title] of titles.entries()) {
      const r = await sys.call('POST', '/v1/auctions', { token: token('searcher'), body: { title, currency: 'USD', startingPrice: 500, endsAt: inSeconds(3600 + i * 60) } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids[title] = r.body.auctionId;
    }
    await eventually(async () => ((await Promise.all(Object.values(ids).map(async (id) => (await get(`/v1/auctions/${id}?minVersion=1`)).status))).every((s) => s === 200) ? true : undefined), 'projection');
    const search = async (q: string, extra = '') => {
      const r = await get(`/v1/auctions?sellerId=${lister}&q=${encodeURIComponent(q)}${extra}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return decoded(AuctionListCodec, r.body);
    };
    const titlesOf = async (q: string) => (await search(q)).items.map((a) => a.title);
    assert.deepEqual(await titlesOf('leica'), ['Leica M3, 1957', 'LEICA lens 50% off']);
    assert.deepEqual(await titlesOf('  SEAMASTER '), ['Omega_Seamaster', 'Omega Seamaster'], 'trimmed, any case');
    assert.deepEqual(await titlesOf('50%'), ['LEICA lens 50% off'], '% matches itself');
    assert.deepEqual(await titlesOf('%'), ['LEICA lens 50% off']);
    assert.deepEqual(await titlesOf('a_S'), ['Omega_Seamaster'], '_ matches itself');
    assert.deepEqual(await titlesOf('\\'), ['Rolex \\ box'], 'a backslash matches itself');
    assert.deepEqual(await titlesOf('nothing like it'), []);

    // A page's cursor carries the search: the next page continues it, another search refuses it.
    const first = await search('e', '&limit=2');
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor !== null);
    const rest = await search('e', `&limit=100&cursor=${first.nextCursor}`);
    assert.deepEqual([...first.items, ...rest.items].map((a) => a.title), titles);
    const foreign = await get(`/v1/auctions?sellerId=${lister}&q=leica&cursor=${first.nextCursor}`);
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error.details.fields[0].path, 'query.cursor');
    const dropped = await get(`/v1/auctions?sellerId=${lister}&cursor=${first.nextCursor}`);
    assert.equal(dropped.status, 400, 'a search cursor without its search');

    for (const q of ['', '%20%20', 'x'.repeat(101), 'a%00b', 'tab%09'] as const) {
      const bad = await get(`/v1/auctions?q=${q}`);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.body.error.code, 'INVALID_REQUEST');
      assert.ok(bad.body.error.details.fields.some((f: { path: string }) => f.path === 'query.q'), `${q}: ${JSON.stringify(bad.body)}`);
    }
    const twice = await get('/v1/auctions?q=a&q=b');
    assert.equal(twice.status, 400, 'q given twice');
    assert.equal((await get(`/v1/auctions?q=${'x'.repeat(100)}`)).status, 200, '100 characters is the limit');
  });

  it('shows the public bid history under pseudonyms stable in an auction and different across auctions', async () => {
    const one = await create();
    const two = await create();
    const a1 = await mustBid(one.auctionId, 'alice', 2000);
    const b1 = await mustBid(one.auctionId, 'bob', 2500);
    const a2 = await mustBid(one.auctionId, 'alice', 4000);
    const other = await mustBid(two.auctionId, 'alice', 2000);
    assert.equal(a1.bidderPseudonym, a2.bidderPseudonym);
    assert.notEqual(a1.bidderPseudonym, other.bidderPseudonym);

    const page = decoded(PublicBidPageCodec, (await get(`/v1/auctions/${one.auctionId}/bids?minVersion=${a2.version}`)).body);
    assert.deepEqual(page.items.map((b) => [b.version, b.bidder, b.tookLead]), [
      [a2.version, a1.bidderPseudonym, true], [b1.version, b1.bidderPseudonym, true], [a1.version, a1.bidderPseudonym, true],
    ]);
    assert.equal(page.yourPseudonym, undefined);
    const text = JSON.stringify(page);
    for (const secret of ['alice', 'bob', 'maxAmount', 'mine']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    for (const maximum of [2000, 2500, 4000]) assert.ok(!numbersIn(page.items).includes(maximum), `${maximum} in ${text}`);

    const mine = decoded(PublicBidPageCodec, (await get(`/v1/auctions/${one.auctionId}/bids`, 'alice')).body);
    assert.equal(mine.yourPseudonym, a1.bidderPseudonym);
    assert.deepEqual(mine.items.map((b) => b.maxAmount ?? null), [4000, null, 2000]);

    const oldest: number[] = [];
    let cursor: string | null = null;
    do {
      const p: PublicBidPage = decoded(PublicBidPageCodec, (await get(`/v1/auctions/${one.auctionId}/bids?order=oldest&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`)).body);
      oldest.push(...p.items.map((b) => b.version));
      cursor = p.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(oldest, [a1.version, b1.version, a2.version]);
    assert.equal((await get('/v1/auctions/no-such-auction/bids')).status, 404);
  });

  it('gives auditors the full history, streamed as NDJSON and CSV, and refused attempts; only to the auditor role', async () => {
    const { auctionId } = await create();
    const bids = [await mustBid(auctionId, 'alice', 2000), await mustBid(auctionId, 'bob', 2500), await mustBid(auctionId, 'carol', 9000)];
    const refused = await bid(auctionId, 'alice', 10);
    assert.equal(refused.status, 409);
    const path = `/v1/audit/auctions/${auctionId}/bids`;
    assert.equal((await get(path)).status, 401);
    assert.equal((await get(path, 'alice')).status, 403);
    assert.equal((await get(path, 'admin')).status, 403);

    const page = decoded(AuditBidPageCodec, (await get(`${path}?minVersion=${bids[2]!.version}`, 'auditor')).body);
    const events = await sys.resources.log.readStream(streamIdOf(auctionId));
    assert.deepEqual(page.items.map((b) => [b.bidderId, b.maxAmount, b.version, b.hash, b.prevHash, b.logPosition]), events.slice(1).map((e) => [
      e.metadata.userId, (e.data as { maxAmount: number }).maxAmount, e.streamVersion, e.hash, e.prevHash, e.position,
    ]));
    const paged = decoded(AuditBidPageCodec, (await get(`${path}?limit=2`, 'auditor')).body);
    assert.equal(paged.items.length, 2);
    const rest = decoded(AuditBidPageCodec, (await get(`${path}?limit=2&cursor=${paged.nextCursor}`, 'auditor')).body);
    assert.deepEqual([...paged.items, ...rest.items], page.items);
    assert.equal(rest.nextCursor, null);

    // exports: written page by page (exportPageSize 2 here) as a chunked stream
    const ndjson = await raw(path, 'auditor', { accept: 'application/x-ndjson' });
    assert.equal(ndjson.status, 200);
    assert.match(ndjson.headers.get('content-type') ?? '', /^application\/x-ndjson/);
    assert.equal(ndjson.headers.get('transfer-encoding'), 'chunked');
    assert.equal(ndjson.headers.get('content-length'), null);
    assert.match(ndjson.headers.get('content-disposition') ?? '', /attachment; filename="auction-.*-bids\.ndjson"/);
    const lines = ndjson.text.trimEnd().split('\n').map((line) => decoded(AuditBidCodec, JSON.parse(line)));
    assert.deepEqual(lines, page.items);

    const csv = await raw(`${path}?format=csv`, 'auditor');
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const rows = csv.text.split('\r\n');
    assert.equal(rows.pop(), '');
    assert.equal(rows[0], auditBidColumns.join(','));
    assert.deepEqual(rows.slice(1).map((r) => r.split(',')[3]), ['alice', 'bob', 'carol']);
    assert.equal(rows.length, 4);
    assert.equal((await raw(path, 'auditor', { accept: 'image/png' })).status, 406);

    const attempts = await eventually(async () => {
      const r = await get(`/v1/audit/auctions/${auctionId}/attempts`, 'auditor');
      return r.body.items?.length === 1 ? r.body : undefined;
    }, 'the refused bid in the attempts log');
    const attempt = decoded(AttemptPageCodec, attempts).items[0]!;
    assert.deepEqual([attempt.bidderId, attempt.maxAmount, attempt.code], ['alice', 10, 'BID_TOO_LOW']);
    assert.equal((await get(`/v1/audit/auctions/${auctionId}/attempts`, 'bob')).status, 403);
    const attemptsCsv = await raw(`/v1/audit/auctions/${auctionId}/attempts`, 'auditor', { accept: 'text/csv' });
    assert.equal(attemptsCsv.text.split('\r\n').length, 3);
  });

  it('re-verifies the hash chain for auditors, and reports where a tampered stream breaks', async () => {
    const { auctionId } = await create();
    await mustBid(auctionId, 'alice', 2000);
    await mustBid(auctionId, 'bob', 2500);
    await mustBid(auctionId, 'alice', 3000);
    const path = `/v1/audit/auctions/${auctionId}/verify`;
    assert.equal((await get(path, 'bob')).status, 403);
    const valid = decoded(ChainReportCodec, (await get(path, 'auditor')).body);
    assert.deepEqual([valid.valid, valid.events, valid.headVersion, valid.brokenAt], [true, 4, 4, undefined]);
    assert.equal((await get('/v1/audit/auctions/no-such-auction/verify', 'auditor')).status, 404);

    // Tamper with a stored event in this scratch database. The append-only trigger refuses the
    // UPDATE, as it should; only a superuser disabling it gets through, and the chain shows it.
    const tamper = `UPDATE events SET data = jsonb_set(data, '{maxAmount}', '999999') WHERE stream_id = '${streamIdOf(auctionId)}' AND stream_version = 3`;
    await assert.rejects(sys.resources.sql.exec(tamper), /append-only/);
    await sys.resources.sql.transaction(async (tx) => {
      await tx.exec('ALTER TABLE events DISABLE TRIGGER events_append_only');
      await tx.exec(tamper);
      await tx.exec('ALTER TABLE events ENABLE TRIGGER events_append_only');
    });
    const broken = decoded(ChainReportCodec, (await get(path, 'auditor')).body);
    assert.deepEqual([broken.valid, broken.events, broken.brokenAt], [false, 4, 3]);
  });

  it('was fed by the expected event source', async () => {
    const { rows } = await sys.resources.sql.query<{ source: string }>('SELECT DISTINCT source FROM projection_checkpoints WHERE projection = $1', ['read-models']);
    assert.ok(rows.length > 0 && rows.every((r) => r.source.startsWith(source())), JSON.stringify(rows));
  });

  it('keeps the command routes and the read routes apart on shared paths', async () => {
    const { auctionId } = await create();
    const placed = await mustBid(auctionId, 'alice', 2000);
    assert.equal((await get(`/v1/auctions/${auctionId}/bids?minVersion=${placed.version}`)).body.items.length, 1);
    assert.equal((await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { body: { maxAmount: 5000 }, headers: { 'Idempotency-Key': randomUUID() } })).status, 401);
    assert.equal((await sys.call('DELETE', `/v1/auctions/${auctionId}`)).status, 404);
    assert.equal((await get('/v1/auctions/%20')).status, 400);
  });
};

describe('read API over HTTP: embedded', function () {
  this.timeout(60_000);
  readApiSuite(() => embedded);
});

describe('read API over HTTP: PostgreSQL and Redis', function () {
  this.timeout(60_000);
  let backend: Backend;
  before(function () {
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', 'read API on PostgreSQL and Redis'), redisUrl: serviceUrl(this, 'REDIS_URL', 'read API on PostgreSQL and Redis') };
  });
  readApiSuite(() => backend);
});

describe('read API over HTTP: PostgreSQL, Redis and Kafka (publisher -> topic -> projector)', function () {
  this.timeout(60_000);
  let backend: Backend;
  let brokers: string;
  const topic = uniqueName('read-api');
  const groupIdPrefix = `${uniqueName('read-api-group')}.`;
  before(function () {
    const suite = 'read API through Kafka';
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', suite), redisUrl: serviceUrl(this, 'REDIS_URL', suite) };
    brokers = serviceUrl(this, 'KAFKA_BROKERS', suite);
  });
  after(async () => {
    if (brokers !== undefined) await deleteTopics(testKafka(brokers), [topic]).catch(() => undefined);
  });
  readApiSuite(() => backend, () => `kafka:${topic}:`, () => ({ env: { KAFKA_BROKERS: brokers }, kafka: { topic, groupIdPrefix } }));
});
