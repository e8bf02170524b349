// Hostile HTTP input at the edges (issue 8, items 2, 5, 8 and 12), end to end: request bodies with
// and without an Idempotency-Key, what the JSON body parser refuses, paging cursors out of range,
// spreadsheet formulas in CSV exports, refused bids on auctions that do not exist, and a request
// body sent too slowly. Embedded mode always; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { streamIdOf } from '../../domain/index.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, eventually, startTestSystem } from '../support/system.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const b64 = (payload: unknown) => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

/** JSON text nested `depth` levels deep, in arrays and in objects. */
const deepArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

interface Raw {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

const hostileHttpSuite = (backend: () => Backend) => {
  let sys: TestSystem;
  let seller: string;
  let alice: string;
  let admin: string;
  let auditor: string;

  before(async () => {
    sys = await startTestSystem(backend(), { readApi: { exportPageSize: 2 } });
    seller = await sys.token('sam', 'seller', 'bidder');
    alice = await sys.token('alice', 'bidder');
    admin = await sys.token('root', 'admin');
    auditor = await sys.token('audrey', 'auditor');
  });
  after(async () => sys?.stop());

  const create = async (body: Record<string, unknown> = {}) => {
    const r = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600), ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const made = r.body as { auctionId: string; version: number };
    // Projected before it is used: the audit routes answer 404 for an auction the read model lacks.
    await eventually(async () => ((await sys.call('GET', `/v1/auctions/${made.auctionId}?minVersion=${made.version}`)).status === 200 ? true : undefined), 'the auction projected');
    return made;
  };
  /** A request with its body sent exactly as given (text or bytes). */
  const raw = async (method: string, path: string, token: string | undefined, body: string | Buffer | undefined, headers: Record<string, string> = {}): Promise<Raw> => {
    const response = await fetch(`${sys.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body !== undefined ? { body } : {}),
    });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  };
  const errorOf = (r: Raw): { code: string; message: string; details?: { fields?: { path: string; message: string }[] } } => {
    assert.match(r.contentType, /^application\/json/, `${r.status} ${r.text}`);
    return (JSON.parse(r.text) as { error: { code: string; message: string } }).error;
  };
  const streamLength = async (auctionId: string) => (await sys.resources.log.readStream(streamIdOf(auctionId))).length;

  describe('request bodies (item 2)', () => {
    const hostileBodies: readonly (readonly [string, (field: string) => string])[] = [
      ['a number beyond any double (1e400)', (field) => `{"${field}":1e400}`],
      ['a lone surrogate in a known field', (field) => `{"${field}":"\\ud800"}`],
      ['a lone surrogate in an unknown field', () => '{"x":"\\udfff"}'],
      ['arrays nested 2,500 levels', (field) => `{"${field}":${deepArray(2_500)}}`],
      ['objects nested 2,500 levels', (field) => `{"${field}":${deepObject(2_500)}}`],
    ];

    it('every command route answers 400 INVALID_REQUEST with or without an Idempotency-Key, writes nothing, and leaves the key free', async () => {
      const { auctionId } = await create({ buyNowPrice: 90_000 });
      // `field`: a field whose codec is not free text (lone surrogates in free text are issue 8's item 3)
      const routes: readonly { path: string; token: string; field: string; keyRequired: boolean }[] = [
        { path: '/v1/auctions', token: seller, field: 'startingPrice', keyRequired: false },
        { path: `/v1/auctions/${auctionId}/bids`, token: alice, field: 'maxAmount', keyRequired: true },
        { path: `/v1/auctions/${auctionId}/cancel`, token: admin, field: 'x', keyRequired: false },
        { path: `/v1/auctions/${auctionId}/buy-now`, token: alice, field: 'x', keyRequired: false },
      ];
      for (const route of routes) {
        for (const [what, body] of hostileBodies) {
          const key = `edge-${randomUUID()}`;
          const keyed = await raw('POST', route.path, route.token, body(route.field), { 'Idempotency-Key': key });
          assert.equal(keyed.status, 400, `${route.path} with a key, ${what}: ${keyed.text}`);
          assert.equal(errorOf(keyed).code, 'INVALID_REQUEST');
          assert.ok((errorOf(keyed).details?.fields ?? []).length > 0, `${route.path}, ${what}: names the field: ${keyed.text}`);
          if (!route.keyRequired) {
            const unkeyed = await raw('POST', route.path, route.token, body(route.field));
            assert.equal(unkeyed.status, 400, `${route.path} without a key, ${what}: ${unkeyed.text}`);
            assert.deepEqual(errorOf(unkeyed), errorOf(keyed), `${route.path}, ${what}: the same answer with and without a key`);
          }
          // the key was never taken by the refused body: a valid body with it is not IDEMPOTENCY_KEY_REUSED
          if (route.path.endsWith('/bids')) {
            const valid = await raw('POST', route.path, route.token, JSON.stringify({ maxAmount: 2_000 + Math.floor(Math.random() * 50) * 100 }), { 'Idempotency-Key': key });
            assert.notEqual(valid.status >= 500 ? 'server error' : JSON.parse(valid.text).error?.code, 'IDEMPOTENCY_KEY_REUSED', valid.text);
            assert.ok(valid.status < 500, valid.text);
          }
        }
      }
      const events = await sys.resources.log.readStream(streamIdOf(auctionId));
      assert.ok(events.every((e) => e.type === 'AuctionCreated' || e.type === 'BidPlaced'), 'nothing but the valid bids was written');
    });

    it('a lone surrogate in a keyed create title is a 400, not a 500, and creates nothing', async () => {
      const key = `edge-${randomUUID()}`;
      const r = await raw('POST', '/v1/auctions', seller, `{"title":"bad \\ud800 title","currency":"USD","startingPrice":100,"endsAt":"${inSeconds(3600)}"}`, { 'Idempotency-Key': key });
      assert.equal(r.status, 400, r.text);
      assert.equal(errorOf(r).code, 'INVALID_REQUEST');
    });

    it('the JSON body parser: every hostile body is a 4xx in the error model, never a 500', async () => {
      const { auctionId } = await create();
      const bids = `/v1/auctions/${auctionId}/bids`;
      const send = (body: string | Buffer | undefined, headers: Record<string, string> = {}) => raw('POST', bids, alice, body, { 'Idempotency-Key': `edge-${randomUUID()}`, ...headers });

      const proto = await send('{"__proto__":{"polluted":true},"maxAmount":2000}');
      assert.equal(proto.status, 400);
      assert.deepEqual(errorOf(proto).details?.fields?.map((f) => f.path), ['body.__proto__']);
      const ctor = await send('{"constructor":{"prototype":{"polluted":true}},"maxAmount":2000}');
      assert.deepEqual(errorOf(ctor).details?.fields?.map((f) => f.path), ['body.constructor']);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');

      for (const [what, body, status, code] of [
        ['empty', '', 400, 'INVALID_REQUEST'],
        ['null', 'null', 400, 'INVALID_REQUEST'],
        ['an array', '[]', 400, 'INVALID_REQUEST'],
        ['a scalar', '2000', 400, 'INVALID_REQUEST'],
        ['malformed', '{"maxAmount":', 400, 'INVALID_REQUEST'],
        ['huge integer', '{"maxAmount":123456789012345678901234567890}', 400, 'INVALID_REQUEST'],
        ['over the 32 KB limit', JSON.stringify({ maxAmount: 2000, pad: 'x'.repeat(40_000) }), 413, 'PAYLOAD_TOO_LARGE'],
        ['deep nesting filling the limit', `{"maxAmount":${deepArray(16_000)}}`, 400, 'INVALID_REQUEST'],
      ] as const) {
        const r = await send(body);
        assert.equal(r.status, status, `${what}: ${r.text}`);
        assert.equal(errorOf(r).code, code, what);
      }
      const badUtf8 = await send(Buffer.concat([Buffer.from('{"maxAmount":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]));
      assert.equal(badUtf8.status, 400, badUtf8.text);
      assert.equal(errorOf(badUtf8).code, 'INVALID_REQUEST');
      assert.equal((await send('{"maxAmount":2000}', { 'content-type': 'application/json; charset=latin1' })).status, 415);
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
        const r = await send('{"maxAmount":2000}', { 'content-type': type });
        assert.equal(r.status, 415, `${type}: ${r.text}`);
        assert.equal(errorOf(r).code, 'UNSUPPORTED_MEDIA_TYPE');
      }
      for (const encoding of ['gzip', 'deflate', 'br', 'x-unknown']) {
        const r = await send('{"maxAmount":2000}', { 'content-encoding': encoding });
        assert.ok(r.status === 400 || r.status === 415, `${encoding}: ${r.text}`);
        assert.ok(['INVALID_REQUEST', 'UNSUPPORTED_MEDIA_TYPE'].includes(errorOf(r).code), encoding);
      }
      // without a body or a content type, a command that takes none still works
      const buy = await create({ buyNowPrice: 5_000 });
      assert.equal((await raw('POST', `/v1/auctions/${buy.auctionId}/buy-now`, alice, undefined)).status, 200);
      assert.equal(await streamLength(auctionId), 1, 'nothing was written');
    });
  });

  describe('cursors and numeric parameters (item 5)', () => {
    it('an attempts cursor beyond bigint is a 400 naming query.cursor, as JSON, CSV and NDJSON', async () => {
      const { auctionId } = await create();
      assert.equal((await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: alice, body: { maxAmount: 10 }, headers: { 'Idempotency-Key': randomUUID() } })).status, 409);
      const path = `/v1/audit/auctions/${auctionId}/attempts`;
      for (const cursor of ['eyJhdCI6IjkyMjMzNzIwMzY4NTQ3NzU4MDgifQ', b64({ at: '9999999999999999999' }), b64({ at: '-1' }), b64({ at: 1 })]) {
        for (const format of ['json', 'csv', 'ndjson']) {
          const r = await raw('GET', `${path}?cursor=${cursor}&format=${format}`, auditor, undefined);
          assert.equal(r.status, 400, `${cursor} as ${format}: ${r.text}`);
          assert.equal(errorOf(r).code, 'INVALID_REQUEST');
          assert.deepEqual(errorOf(r).details?.fields?.map((f) => f.path), ['query.cursor']);
        }
      }
      // the largest bigint is a valid (empty) place to start
      const last = await raw('GET', `${path}?cursor=${b64({ at: '9223372036854775807' })}`, auditor, undefined);
      assert.equal(last.status, 200, last.text);
      assert.deepEqual(JSON.parse(last.text).items, []);
    });

    it('every cursor and number out of its column\'s range is a 400 naming it, on every paged route', async () => {
      const { auctionId } = await create();
      const cases: readonly (readonly [string, string])[] = [
        [`/v1/auctions/${auctionId}/bids?cursor=${b64({ o: 'newest', v: 2_147_483_648 })}`, 'query.cursor'],
        [`/v1/auctions/${auctionId}/bids?cursor=${Buffer.from('{"o":"newest","v":1e400}').toString('base64url')}`, 'query.cursor'],
        [`/v1/auctions/${auctionId}/bids?minVersion=2147483648`, 'query.minVersion'],
        [`/v1/auctions/${auctionId}?minVersion=99999999999999999999`, 'query.minVersion'],
        [`/v1/auctions/${auctionId}/bids?limit=101`, 'query.limit'],
        [`/v1/auctions?cursor=${b64({ st: 'open', so: 'ending-soon', se: null, k: '0000-01-01T00:00:00.000000Z', i: 'x' })}`, 'query.cursor'],
        [`/v1/auctions?cursor=${b64({ st: 'open', so: 'ending-soon', se: null, k: '294277-01-01T00:00:00.000000Z', i: 'x' })}`, 'query.cursor'],
        [`/v1/audit/auctions/${auctionId}/bids?cursor=${b64({ av: 2_147_483_648 })}&format=csv`, 'query.cursor'],
        [`/v1/audit/auctions/${auctionId}/bids?limit=1001&format=ndjson`, 'query.limit'],
        [`/v1/audit/auctions/${auctionId}/attempts?limit=0&format=csv`, 'query.limit'],
      ];
      for (const [path, field] of cases) {
        const r = await raw('GET', path, auditor, undefined);
        assert.equal(r.status, 400, `${path}: ${r.text}`);
        assert.deepEqual(errorOf(r).details?.fields?.map((f) => f.path), [field], path);
      }
    });
  });

  describe('CSV exports (item 8)', () => {
    it('neutralises cells that a spreadsheet would read as a formula, in every CSV export', async () => {
      const { auctionId } = await create();
      const formulaBidder = await sys.token('-2-3', 'bidder');
      const atBidder = await sys.token('@SUM', 'bidder');
      assert.equal((await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: formulaBidder, body: { maxAmount: 2000 }, headers: { 'Idempotency-Key': randomUUID() } })).status, 201);
      const placed = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: atBidder, body: { maxAmount: 3000 }, headers: { 'Idempotency-Key': randomUUID() } });
      assert.equal(placed.status, 201);
      const formulaKey = `=HYPERLINK("http://evil.example/${randomUUID()}","x")`;
      const refused = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: alice, body: { maxAmount: 10 }, headers: { 'Idempotency-Key': formulaKey } });
      assert.equal(refused.status, 409);

      const bids = await raw('GET', `/v1/audit/auctions/${auctionId}/bids?format=csv&minVersion=${placed.body.version}`, auditor, undefined);
      assert.equal(bids.status, 200);
      assert.ok(bids.text.includes(`"'-2-3"`), bids.text);
      assert.ok(bids.text.includes(`"'@SUM"`), bids.text);
      const attempts = await eventually(async () => {
        const r = await raw('GET', `/v1/audit/auctions/${auctionId}/attempts?format=csv`, auditor, undefined);
        return r.text.split('\r\n').length >= 3 ? r : undefined;
      }, 'the refused bid in the attempts export');
      assert.ok(attempts.text.includes(`"'${formulaKey.replace(/"/g, '""')}"`), attempts.text);
      for (const text of [bids.text, attempts.text]) {
        const cells = text.split('\r\n').flatMap((line) => line.split(','));
        assert.ok(cells.every((cell) => !/^[=+\-@\t\r]/.test(cell)), `no cell starts with a formula character:\n${text}`);
      }
      // NDJSON and JSON stay exact
      const ndjson = await raw('GET', `/v1/audit/auctions/${auctionId}/attempts?format=ndjson`, auditor, undefined);
      assert.equal(JSON.parse(ndjson.text.split('\n')[0]!).idempotencyKey, formulaKey);
    });
  });

  describe('refusals, logs and slow clients (item 12)', () => {
    it('does not store refused bids on auctions that do not exist', async () => {
      const missing = `no-such-${randomUUID()}`;
      for (let i = 0; i < 3; i++) {
        const r = await sys.call('POST', `/v1/auctions/${missing}/bids`, { token: alice, body: { maxAmount: 2000 + i }, headers: { 'Idempotency-Key': randomUUID() } });
        assert.equal(r.body.error.code, 'AUCTION_NOT_FOUND');
      }
      // a refusal on a real auction, recorded after them: once it is stored, theirs would be too
      const { auctionId } = await create();
      await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: alice, body: { maxAmount: 10 }, headers: { 'Idempotency-Key': randomUUID() } });
      await eventually(async () => {
        const { rows } = await sys.resources.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM bid_attempts WHERE auction_id = $1', [auctionId]);
        return rows[0]?.n === '1' ? true : undefined;
      }, 'the sentinel refusal');
      const { rows } = await sys.resources.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM bid_attempts WHERE auction_id = $1', [missing]);
      assert.equal(rows[0]?.n, '0');
      assert.equal((await raw('GET', `/v1/audit/auctions/${missing}/attempts`, auditor, undefined)).status, 404);
    });
  });
};

describe('hostile HTTP input at the edges: embedded', function () {
  this.timeout(120_000);
  hostileHttpSuite(() => embedded);
});

describe('hostile HTTP input at the edges: PostgreSQL and Redis', function () {
  this.timeout(120_000);
  let backend: Backend;
  before(function () {
    const suite = 'hostile HTTP input on PostgreSQL and Redis';
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', suite), redisUrl: serviceUrl(this, 'REDIS_URL', suite) };
  });
  hostileHttpSuite(() => backend);
});

describe('hostile HTTP input at the edges: a request body sent too slowly', function () {
  this.timeout(60_000);
  let sys: TestSystem;
  before(async () => {
    sys = await startTestSystem(embedded, { env: { HTTP_REQUEST_TIMEOUT_MS: '400', HTTP_HEADERS_TIMEOUT_MS: '300' } });
  });
  after(async () => sys?.stop());

  /** Sends the head of a POST, then its body one byte every 50 ms; resolves with what the server sent once it closes. */
  const trickle = (head: string, body: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const url = new URL(sys.url);
      const socket = connect(Number(url.port), url.hostname);
      let received = '';
      let timer: NodeJS.Timeout | undefined;
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', () => undefined); // a reset is one way of being cut off
      socket.on('close', () => {
        clearInterval(timer);
        resolve(received);
      });
      socket.on('connect', () => {
        socket.write(head);
        let sent = 0;
        timer = setInterval(() => {
          if (sent < body.length && !socket.destroyed) socket.write(body[sent++]!);
          else if (sent >= body.length) {
            clearInterval(timer);
            reject(new Error('the whole body was sent: the server never cut the slow request off'));
          }
        }, 50);
      });
    });

  it('cuts off a request whose body is still arriving after HTTP_REQUEST_TIMEOUT_MS: 408 (or closed), and keeps serving', async () => {
    const token = await sys.token('slow', 'seller');
    const body = JSON.stringify({ title: 'slow', currency: 'USD', startingPrice: 100, endsAt: inSeconds(3600), description: 'x'.repeat(1_000) });
    const head = `POST /v1/auctions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const answer = await trickle(head, body);
    if (answer !== '') {
      assert.match(answer, /^HTTP\/1\.1 408 /);
      assert.match(answer, /"code":"REQUEST_TIMEOUT"/);
    }
    assert.equal((await sys.call('GET', '/health')).status, 200);
  });

  it('cuts off a client that never finishes its headers', async () => {
    const answer = await trickle('GET /health HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: '.padEnd(2_000, 'y'));
    if (answer !== '') assert.match(answer, /^HTTP\/1\.1 408 /);
  });
});
