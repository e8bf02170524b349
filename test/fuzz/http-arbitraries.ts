// fast-check generators of HTTP requests over every route the HTTP server has (the command API,
// the read API, the auditors' routes, the page, /health, /metrics, /config.json, /dev/token) and
// some it has not. A request is plain data (`RequestSpec`), resolved against the run's world (which
// auctions exist, which tokens) only when sent, so fast-check can print and shrink it.
import fc from 'fast-check';
import type { FuzzRole } from './hostile-values.js';
import {
  honestSubs, hostileIdSegmentArb, hostileNumberTextArb, hostileStringArb, hostileSubs, hostileValueArb, idempotencyKeyArb, providerSubs, rolesArb,
} from './hostile-values.js';

/** Who the request claims to be. */
export type AuthSpec =
  | { readonly kind: 'none' }
  /** A valid token signed with the system's secret. */
  | { readonly kind: 'token'; readonly sub: string; readonly roles: readonly FuzzRole[] }
  /** Signed with the system's secret, with claims as given (bad roles, no sub, a numeric sub...). */
  | { readonly kind: 'claims'; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly kind: 'expired' | 'wrong-secret' | 'alg-none' | 'lowercase-scheme'; readonly sub: string; readonly roles: readonly FuzzRole[] }
  /** The Authorization header's value as it is. */
  | { readonly kind: 'raw'; readonly value: string };

/** An auction id: one the run knows (by index into its list, modulo its length), or a raw path segment. */
export type IdSpec = { readonly kind: 'known'; readonly pick: number; readonly suffix: string } | { readonly kind: 'raw'; readonly segment: string };

export type BodySpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: readonly number[] };

export interface RequestSpec {
  /** What the generator meant: `honest:*` requests are valid commands and reads mixed in. */
  readonly intent: string;
  readonly method: string;
  /** Path template; `:id` is replaced by the resolved `id`. */
  readonly path: string;
  readonly id: IdSpec;
  readonly query: readonly (readonly [string, string])[];
  readonly auth: AuthSpec;
  readonly idempotencyKey: string | undefined;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly requestId: string | undefined;
  readonly body: BodySpec;
}

export interface Route {
  readonly method: string;
  readonly path: string;
  /** How often the generator picks it: the routes that write or stream weigh most. */
  readonly weight: number;
  /** The query parameters it knows (others are fuzzed too, less often). */
  readonly query: readonly string[];
}

/** Every route of the HTTP server (DESIGN.md section 5 and the page), and some DESIGN.md names that are not served. */
export const routes: readonly Route[] = [
  { method: 'POST', path: '/v1/auctions', weight: 4, query: [] },
  { method: 'POST', path: '/v1/auctions/:id/bids', weight: 6, query: [] },
  { method: 'POST', path: '/v1/auctions/:id/buy-now', weight: 2, query: [] },
  { method: 'POST', path: '/v1/auctions/:id/cancel', weight: 4, query: [] },
  { method: 'POST', path: '/v1/auctions/:id/retractions', weight: 4, query: [] },
  { method: 'PUT', path: '/v1/auctions/:id/approved-bidders/fz-alice', weight: 2, query: [] },
  { method: 'DELETE', path: '/v1/auctions/:id/approved-bidders/fz-alice', weight: 1, query: [] },
  ...['%00', 'x'.repeat(300), '%E0%A4%A'].map((user) => ({ method: 'PUT', path: `/v1/auctions/:id/approved-bidders/${user}`, weight: 1, query: [] })),
  { method: 'GET', path: '/v1/auctions/:id/approved-bidders', weight: 1, query: [] },
  { method: 'GET', path: '/v1/auctions/:id/bidders', weight: 1, query: ['minVersion'] },
  { method: 'GET', path: '/v1/auctions', weight: 2, query: ['status', 'sort', 'sellerId', 'q', 'limit', 'cursor'] },
  { method: 'GET', path: '/v1/auctions/:id', weight: 2, query: ['minVersion'] },
  { method: 'GET', path: '/v1/auctions/:id/bids', weight: 2, query: ['order', 'limit', 'cursor', 'minVersion'] },
  { method: 'GET', path: '/v1/audit/auctions/:id/bids', weight: 3, query: ['limit', 'cursor', 'minVersion', 'format'] },
  { method: 'GET', path: '/v1/audit/auctions/:id/attempts', weight: 4, query: ['limit', 'cursor', 'format'] },
  { method: 'GET', path: '/v1/audit/auctions/:id/verify', weight: 1, query: [] },
  { method: 'GET', path: '/health', weight: 1, query: [] },
  { method: 'GET', path: '/metrics', weight: 1, query: [] },
  { method: 'GET', path: '/config.json', weight: 1, query: [] },
  { method: 'POST', path: '/dev/token', weight: 1, query: [] },
  { method: 'GET', path: '/', weight: 1, query: [] },
  { method: 'GET', path: '/page/:id', weight: 1, query: [] },
  // The accounts (README, "Accounts").
  { method: 'POST', path: '/v1/accounts', weight: 2, query: [] },
  { method: 'POST', path: '/v1/auth/sign-in', weight: 2, query: [] },
  { method: 'POST', path: '/v1/auth/refresh', weight: 1, query: [] },
  { method: 'POST', path: '/v1/auth/sign-out', weight: 1, query: [] },
  { method: 'GET', path: '/v1/me', weight: 1, query: [] },
  { method: 'PATCH', path: '/v1/me', weight: 1, query: [] },
  { method: 'GET', path: '/v1/me/blocked-bidders', weight: 1, query: [] },
  { method: 'PUT', path: '/v1/me/blocked-bidders/:id', weight: 2, query: [] },
  { method: 'DELETE', path: '/v1/me/blocked-bidders/:id', weight: 1, query: [] },
  { method: 'POST', path: '/v1/admin/users/:id/suspend', weight: 2, query: [] },
  { method: 'POST', path: '/v1/admin/users/:id/reinstate', weight: 1, query: [] },
  { method: 'GET', path: '/v1/me/bids', weight: 1, query: [] },
  { method: 'PUT', path: '/v1/me/watchlist/:id', weight: 1, query: [] },
  { method: 'POST', path: '/v1/sales', weight: 2, query: [] },
  { method: 'GET', path: '/v1/sales/:id', weight: 1, query: [] },
  // Second-chance offers and the auditors' event listing (README, "More ways to sell").
  { method: 'POST', path: '/v1/auctions/:id/non-payment', weight: 2, query: [] },
  { method: 'POST', path: '/v1/auctions/:id/second-chance-offers', weight: 2, query: [] },
  { method: 'POST', path: '/v1/auctions/:id/second-chance-offers/accept', weight: 2, query: [] },
  { method: 'POST', path: '/v1/auctions/:id/second-chance-offers/decline', weight: 1, query: [] },
  { method: 'GET', path: '/v1/auctions/:id/second-chance-offers', weight: 1, query: [] },
  { method: 'GET', path: '/v1/audit/auctions/:id/events', weight: 1, query: ['afterVersion', 'limit'] },
  // The analysts' figures (README, "Analysts: market figures"): time ranges, buckets, CSV.
  { method: 'GET', path: '/v1/analytics/summary', weight: 1, query: ['from', 'to', 'format'] },
  { method: 'GET', path: '/v1/analytics/bids-per-minute', weight: 1, query: ['from', 'to', 'format'] },
  { method: 'GET', path: '/v1/analytics/sell-through', weight: 1, query: ['from', 'to', 'bucket', 'format'] },
  { method: 'GET', path: '/v1/analytics/sniping', weight: 1, query: ['from', 'to', 'bucket', 'format'] },
  { method: 'GET', path: '/v1/analytics/revenue', weight: 1, query: ['from', 'to', 'bucket', 'format'] },
  { method: 'GET', path: '/v1/analytics/auctions', weight: 2, query: ['status', 'from', 'to', 'limit', 'cursor', 'format'] },
  { method: 'GET', path: '/v1/analytics/auctions/:id', weight: 1, query: ['format'] },
  // A path no route serves.
  { method: 'GET', path: '/v1/analytics/:id', weight: 1, query: [] },
];

const inSeconds = (s: number): string => new Date(Date.now() + s * 1000).toISOString();

// ---------------------------------------------------------------- parts

const subArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...honestSubs) }, { weight: 2, arbitrary: fc.constantFrom(...providerSubs) }, { weight: 2, arbitrary: fc.constantFrom(...hostileSubs) });

export const authArb: fc.Arbitrary<AuthSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<AuthSpec>({ kind: 'none' }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('token' as const), sub: subArb, roles: rolesArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('expired' as const, 'wrong-secret' as const, 'alg-none' as const, 'lowercase-scheme' as const), sub: subArb, roles: rolesArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('claims' as const),
      claims: fc.oneof(
        fc.constantFrom<Record<string, unknown>>(
          { roles: ['bidder'] },
          { sub: 42, roles: ['bidder'] },
          { sub: '', roles: ['admin'] },
          { sub: 'x'.repeat(256), roles: ['bidder'] },
          { sub: 'fz-mallory', roles: 'admin' },
          { sub: 'fz-mallory', roles: ['superuser'] },
          { sub: 'fz-mallory', roles: [['admin']] },
          { sub: 'fz-mallory', roles: null },
          { sub: 'fz-mallory', roles: ['bidder'], exp: { raw: '1e400' } },
          { sub: 'fz-mallory', roles: ['bidder'], exp: { raw: '-1e400' }, nbf: { raw: '1e400' } },
        ),
        fc.record({ sub: hostileStringArb, roles: rolesArb }),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      value: fc.oneof(
        fc.constantFrom('Bearer', 'Bearer ', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Bearer a.b.c', 'Bearer ...', 'Bearer eyJhbGciOiJub25lIn0.e30.', 'Token abc', 'Bearer  '.repeat(50)),
        fc.integer({ min: 100, max: 12_000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
        fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => `Bearer ${s}`),
      ),
    }),
  },
);

export const idArb: fc.Arbitrary<IdSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('known' as const), pick: fc.nat(), suffix: fc.constant('') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('known' as const), pick: fc.nat(), suffix: fc.constantFrom('%00', '/..', '%2F..', ' ', '%20', '.', '..', 'x', ';') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('raw' as const), segment: hostileIdSegmentArb }) },
);

const b64 = (json: string): string => Buffer.from(json, 'utf8').toString('base64url');

/** Cursors: base64url of JSON, the right keys with hostile values, or not base64 at all. */
export const cursorArb: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => b64(JSON.stringify(v))),
  fc.tuple(fc.constantFrom('at', 'av', 'v', 'k', 'i', 'st'), hostileNumberTextArb).map(([k, n]) => b64(`{"${k}":${n},"o":"newest"}`)),
  hostileNumberTextArb.map((n) => b64(`{"at":"${n.replace(/^-/, '')}"}`)),
  fc.bigInt({ min: 0n, max: 10n ** 25n }).map((n) => b64(`{"at":"${n}"}`)),
  hostileNumberTextArb.map((n) => b64(`{"av":${n}}`)),
  fc.tuple(fc.constantFrom('newest', 'oldest', 'sideways'), hostileNumberTextArb).map(([o, n]) => b64(`{"o":"${o}","v":${n}}`)),
  fc.tuple(hostileStringArb, fc.constantFrom('open', 'sold', 'bogus')).map(([s, st]) => b64(JSON.stringify({ st, so: 'ending-soon', se: s, k: '2026-01-01T00:00:00.000000Z', i: s }))),
  fc.constantFrom('', '!!!', '%00', 'eyJhdCI6IjkyMjMzNzIwMzY4NTQ3NzU4MDgifQ', 'e30', 'bnVsbA', '_-_-', 'A'.repeat(1_025)),
  fc.base64String({ maxLength: 200 }),
);

/** A cursor of the shape a route hands out, with hostile values (or any cursor at all). */
const routeCursorArb = (path: string): fc.Arbitrary<string> => {
  const own = path.endsWith('/attempts')
    ? fc.oneof(
      // 19 digits and beyond a bigint: what a row id may look like, and not be.
      fc.bigInt({ min: 2n ** 63n, max: 10n ** 19n - 1n }).map((n) => b64(`{"at":"${n}"}`)),
      fc.bigInt({ min: 0n, max: 10n ** 25n }).map((n) => b64(`{"at":"${n}"}`)),
      hostileNumberTextArb.map((n) => b64(`{"at":${n}}`)),
    )
    : path.startsWith('/v1/audit/') ? hostileNumberTextArb.map((n) => b64(`{"av":${n}}`))
    : path.endsWith('/bids') ? fc.tuple(fc.constantFrom('newest', 'oldest'), hostileNumberTextArb).map(([o, n]) => b64(`{"o":"${o}","v":${n}}`))
    : fc.tuple(hostileStringArb, fc.constantFrom('open', 'sold')).map(([s, st]) => b64(JSON.stringify({ st, so: 'ending-soon', se: null, k: '2026-01-01T00:00:00.000000Z', i: s })));
  return fc.oneof({ weight: 3, arbitrary: own }, { weight: 1, arbitrary: cursorArb });
};

const queryValueArb = (name: string, path: string): fc.Arbitrary<string> => {
  switch (name) {
    case 'cursor':
      return routeCursorArb(path);
    case 'limit':
    case 'minVersion':
      return fc.oneof(hostileNumberTextArb, fc.constantFrom('', 'abc', '0x10', '1.0', ' 1', '1 ', '+1', '2147483647', '1000', '1001', '100', '101'), fc.integer({ min: -5, max: 2_000 }).map(String));
    case 'format':
      return fc.constantFrom('csv', 'ndjson', 'json', 'xml', 'CSV', '', 'csv\u0000');
    case 'status':
      return fc.constantFrom('open', 'scheduled', 'sold', 'unsold', 'cancelled', 'closed', '');
    case 'sort':
      return fc.constantFrom('ending-soon', 'newly-listed', 'price', '');
    case 'order':
      return fc.constantFrom('newest', 'oldest', 'random');
    case 'from':
    case 'to':
      // Real instants near now and at the edges of what the codec and PostgreSQL take, and not instants at all.
      return fc.oneof(
        fc.integer({ min: -90 * 86_400, max: 3_600 }).map((s) => inSeconds(s)),
        fc.constantFrom('1970-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '2026-02-29T00:00:00Z', '2026-11-29T24:00:00Z', '2026-11-29T12:00:00+01:00',
          '2026-11-29', 'yesterday', '', '1969-12-31T23:59:59Z', '2026-11-29T12:00:00.1234567891Z'),
        hostileStringArb,
      );
    case 'bucket':
      return fc.constantFrom('minute', 'hour', 'day', 'week', 'DAY', '');
    case 'sellerId':
      return fc.oneof(fc.constantFrom(...honestSubs, ...providerSubs), hostileStringArb);
    case 'q':
      // Title text: LIKE's wildcards and escape, quotes, long and control characters, any script.
      return fc.oneof(fc.constantFrom('%', '_', '\\', '%_\\', "'; DROP TABLE auction_view; --", ' ', 'x'.repeat(100), 'x'.repeat(101), 'a\u0000b', 'Ωmega ⌚'), hostileStringArb);
    default:
      return hostileStringArb;
  }
};

const queryNames = ['cursor', 'limit', 'minVersion', 'format', 'status', 'sort', 'order', 'sellerId', 'from', 'to', 'bucket', 'unknown', '__proto__', 'limit[]'] as const;

/** Query parameters: mostly the route's own with hostile values, also unknown names and repeated ones. */
export const queryArb = (own: readonly string[], path: string): fc.Arbitrary<(readonly [string, string])[]> => {
  const names = own.length === 0
    ? fc.constantFrom(...queryNames)
    : fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...own) }, { weight: own.includes('cursor') ? 3 : 0, arbitrary: fc.constant('cursor') }, { weight: 1, arbitrary: fc.constantFrom(...queryNames) });
  return fc.array(names.chain((name) => queryValueArb(name, path).map((value) => [name, value] as const)), { minLength: 1, maxLength: 3, size: 'xsmall' });
};

const contentTypeArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      undefined, 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16',
      'application/json; charset=bogus', 'multipart/form-data; boundary=x', 'application/vnd.api+json', 'application/json, text/plain', '*/*',
    ),
  },
);

const acceptArb = fc.constantFrom(undefined, undefined, 'application/json', 'text/csv', 'application/x-ndjson', '*/*', 'text/html', 'application/xml', 'text/csv;q=0.1, application/x-ndjson');

const requestIdArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('', 'r'.repeat(4_000), '=1+1', 'ünï', '\u00ff', 'id with spaces', '{"json":true}') },
);

// ---------------------------------------------------------------- bodies

/** A body of the right shape for `path`, before any field is made hostile. */
const validBody = (path: string): Record<string, unknown> => {
  switch (path) {
    case '/v1/auctions':
      return { title: 'Fuzzed lot', currency: 'USD', startingPrice: 1_000, endsAt: inSeconds(3_600) };
    case '/v1/sales':
      return { title: 'Fuzzed sale', currency: 'USD', firstEndsAt: inSeconds(3_600), staggerMs: 1_000, lots: [{ title: 'Fuzzed lot', startingPrice: 1_000 }] };
    case '/v1/auctions/:id/bids':
      return { maxAmount: 5_000 };
    case '/v1/auctions/:id/second-chance-offers':
      return { bidder: 'bidder-0123456789', expiresInSeconds: 3_600 };
    case '/v1/auctions/:id/cancel':
      return { reason: 'fuzzing' };
    case '/v1/auctions/:id/retractions':
      return { reason: 'entered-wrong-amount' };
    case '/dev/token':
      return { sub: 'fz-dev', roles: ['bidder'] };
    case '/v1/accounts':
      return { email: 'fz-user@example.com', password: 'fuzzing password', displayName: 'Fuzz', country: 'DE' };
    case '/v1/auth/sign-in':
      return { email: 'fz-user@example.com', password: 'fuzzing password' };
    case '/v1/auth/refresh':
    case '/v1/auth/sign-out':
      return { refreshToken: 'A'.repeat(43) };
    case '/v1/me':
      return { displayName: 'Fuzz', country: 'FR' };
    case '/v1/admin/users/:id/suspend':
    case '/v1/admin/users/:id/reinstate':
      return { reason: 'fuzzing' };
    default:
      return {};
  }
};

const fieldNames = [
  'title', 'description', 'currency', 'startingPrice', 'reservePrice', 'buyNowPrice', 'startsAt', 'endsAt', 'softClose', 'approvedBiddersOnly', 'maxAmount', 'reason', 'bidId', 'sub', 'roles',
  'email', 'password', 'displayName', 'country', 'refreshToken', 'extra', '__proto__', 'constructor',
  'format', 'clock', 'bidder', 'expiresInSeconds', 'lots', 'firstEndsAt', 'staggerMs', 'holdBack',
] as const;

const textFields = (path: string): readonly string[] =>
  path === '/v1/auctions' ? ['title', 'description', 'currency', 'endsAt', 'startsAt'] : path.endsWith('/cancel') ? ['reason'] : path.endsWith('/retractions') ? ['reason', 'bidId'] : path === '/dev/token' ? ['sub']
    : Object.keys(validBody(path)).filter((k) => typeof validBody(path)[k] === 'string');
const numberFields = (path: string): readonly string[] =>
  path === '/v1/auctions' ? ['startingPrice', 'reservePrice', 'buyNowPrice'] : path.endsWith('/bids') ? ['maxAmount'] : [];

/** The request with one field of its JSON body (or of a fresh object) set to `value`. */
const withField = (r: RequestSpec, name: string, value: unknown): RequestSpec => {
  const body = r.body.kind === 'json' && typeof r.body.value === 'object' && r.body.value !== null && !Array.isArray(r.body.value) ? { ...(r.body.value as Record<string, unknown>) } : {};
  body[name] = value;
  return { ...r, body: { kind: 'json', value: body } };
};

/** The fields a route's body has (create's optional ones included). */
const ownFields = (path: string): readonly string[] => {
  if (path === '/v1/auctions') return ['title', 'description', 'currency', 'startingPrice', 'reservePrice', 'buyNowPrice', 'startsAt', 'endsAt', 'softClose', 'approvedBiddersOnly', 'format', 'clock'];
  if (path === '/v1/sales') return ['title', 'description', 'currency', 'firstEndsAt', 'staggerMs', 'holdBack', 'softClose', 'lots'];
  if (path.endsWith('/retractions')) return ['reason', 'bidId'];
  if (path === '/dev/token') return ['sub', 'roles'];
  return Object.keys(validBody(path));
};

/** A well-shaped body with one to three fields (mostly its own) set to hostile values (`__proto__` as an own key). */
const mutatedBodyArb = (path: string): fc.Arbitrary<BodySpec> => {
  const own = ownFields(path);
  const names = own.length === 0 ? fc.constantFrom(...fieldNames) : fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...own) }, { weight: 1, arbitrary: fc.constantFrom(...fieldNames) });
  return fc.array(fc.tuple(names, hostileValueArb), { minLength: 1, maxLength: 3 }).map((mutations) => {
    const body: Record<string, unknown> = { ...validBody(path) };
    for (const [name, value] of mutations) Object.defineProperty(body, name, { value, enumerable: true, writable: true, configurable: true });
    return { kind: 'json', value: body };
  });
};

export const bodyArb = (path: string): fc.Arbitrary<BodySpec> =>
  fc.oneof(
    { weight: 5, arbitrary: mutatedBodyArb(path) },
    { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: 'json', value: validBody(path) }) },
    { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) },
    { weight: 1, arbitrary: hostileValueArb.map((value): BodySpec => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: 'json', value: [validBody(path)] }) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom('{', '{"maxAmount": ', 'null', '"string"', '{"a":1}{"b":2}', '{"maxAmount":1,"maxAmount":2}', '\ufeff{}', '{"__proto__":{"admin":true},"maxAmount":5000}', 'x'.repeat(40_000)),
        fc.string({ unit: 'binary', maxLength: 100 }),
      ).map((text): BodySpec => ({ kind: 'text', text })),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): BodySpec => ({ kind: 'bytes', bytes: [...bytes] })) },
  );

// ---------------------------------------------------------------- requests

/** The roles a route wants, so that a request is valid but for what a mutation changes. */
const rolesFor = (path: string): FuzzRole[] => {
  if (path === '/v1/auctions') return ['seller'];
  if (path.endsWith('/bids') && path.startsWith('/v1/auctions/')) return ['bidder'];
  if (path.endsWith('/buy-now') || path.endsWith('/retractions')) return ['bidder'];
  if (path.includes('/approved-bidders') || path.endsWith('/bidders')) return ['seller'];
  if (path.endsWith('/cancel') || path.startsWith('/v1/admin/')) return ['admin'];
  if (path.startsWith('/v1/me/blocked-bidders')) return ['seller'];
  if (path.startsWith('/v1/audit/')) return ['auditor'];
  if (path.startsWith('/v1/analytics/')) return ['analyst'];
  return ['bidder'];
};

/** What one mutation changes in an otherwise valid request. */
type Mutation = (r: RequestSpec) => RequestSpec;

const mutationArb = (route: Route): fc.Arbitrary<{ readonly what: string; readonly apply: Mutation }> => {
  const named = <T>(what: string, arb: fc.Arbitrary<T>, apply: (r: RequestSpec, v: T) => RequestSpec) =>
    arb.map((v) => ({ what: `${what}=${JSON.stringify(v)?.slice(0, 80)}`, apply: (r: RequestSpec) => apply(r, v) }));
  return fc.oneof(
    // A valid token for the route's role, whose subject an identity provider (or nobody) would issue.
    { weight: 4, arbitrary: named('sub', fc.oneof(fc.constantFrom(...providerSubs), fc.constantFrom(...hostileSubs)), (r, sub) => ({ ...r, auth: { kind: 'token', sub, roles: rolesFor(route.path) } })) },
    { weight: 2, arbitrary: named('auth', authArb, (r, auth) => ({ ...r, auth })) },
    // Another plain user with any roles: someone else's auction, a missing role, an extra one.
    { weight: 3, arbitrary: named('caller', fc.record({ kind: fc.constant('token' as const), sub: fc.constantFrom(...honestSubs), roles: rolesArb }), (r, auth) => ({ ...r, auth })) },
    { weight: route.path.includes(':id') ? 3 : 1, arbitrary: named('id', idArb, (r, id) => ({ ...r, id })) },
    { weight: route.query.length > 0 ? 6 : 1, arbitrary: named('query', queryArb(route.query, route.path), (r, query) => ({ ...r, query })) },
    { weight: 2, arbitrary: named('idempotencyKey', idempotencyKeyArb, (r, idempotencyKey) => ({ ...r, idempotencyKey })) },
    { weight: 1, arbitrary: named('contentType', contentTypeArb, (r, contentType) => ({ ...r, contentType })) },
    { weight: 1, arbitrary: named('accept', acceptArb, (r, accept) => ({ ...r, accept })) },
    { weight: 1, arbitrary: named('requestId', requestIdArb, (r, requestId) => ({ ...r, requestId })) },
    { weight: route.method === 'POST' ? 4 : 1, arbitrary: named('bodyField', mutatedBodyArb(route.path), (r, body) => ({ ...r, body })) },
    // One field of a valid body set to a hostile text or number, the rest left valid.
    ...(textFields(route.path).length > 0 ? [{ weight: 5, arbitrary: named('text', fc.tuple(fc.constantFrom(...textFields(route.path)), hostileStringArb), (r, [name, value]) => withField(r, name, value)) }] : []),
    ...(numberFields(route.path).length > 0 ? [{ weight: 3, arbitrary: named('number', fc.tuple(fc.constantFrom(...numberFields(route.path)), hostileNumberTextArb), (r, [name, raw]) => withField(r, name, { raw })) }] : []),
    { weight: route.method === 'POST' ? 2 : 1, arbitrary: named('body', bodyArb(route.path), (r, body) => ({ ...r, body })) },
    { weight: 1, arbitrary: named('method', fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'get', 'FOO', 'TRACE'), (r, method) => ({ ...r, method })) },
  );
};

/** A valid request to a route, with one to three of its parts made hostile. */
const hostileRequestArb: fc.Arbitrary<RequestSpec> = fc.oneof(...routes.map((route) => ({ weight: route.weight, arbitrary: fc.constant(route) }))).chain((route) =>
  fc.tuple(fc.nat(), fc.uuid(), fc.integer({ min: 10, max: 100_000 }), fc.array(mutationArb(route), { minLength: 1, maxLength: 2 })).map(([pick, key, amount, mutations]) => {
    const body = validBody(route.path);
    const valid: RequestSpec = {
      intent: `hostile ${route.method} ${route.path}: ${mutations.map((m) => m.what).join(', ')}`,
      method: route.method,
      path: route.path,
      id: { kind: 'known', pick, suffix: '' },
      query: [],
      auth: { kind: 'token', sub: 'fz-mallory', roles: rolesFor(route.path) },
      idempotencyKey: (route.path.endsWith('/bids') || route.path.endsWith('/retractions')) && route.method === 'POST' ? key : undefined,
      contentType: route.method === 'POST' || route.method === 'PATCH' ? 'application/json' : undefined,
      accept: undefined,
      requestId: undefined,
      body: route.method === 'POST' || route.method === 'PATCH' ? { kind: 'json', value: 'maxAmount' in body ? { maxAmount: amount } : body } : { kind: 'none' },
    };
    return mutations.reduce((r, m) => m.apply(r), valid);
  }),
);

const honest = (intent: string, method: string, path: string, auth: AuthSpec, body: BodySpec, key: string | undefined, query: (readonly [string, string])[] = []): RequestSpec => ({
  intent: `honest:${intent}`, method, path, id: { kind: 'known', pick: 0, suffix: '' }, query, auth, idempotencyKey: key, contentType: body.kind === 'none' ? undefined : 'application/json', accept: undefined, requestId: undefined, body,
});

const bidderArb = fc.constantFrom<AuthSpec>({ kind: 'token', sub: 'fz-alice', roles: ['bidder'] }, { kind: 'token', sub: 'fz-bob', roles: ['bidder'] });
const sellerAuth: AuthSpec = { kind: 'token', sub: 'fz-sam', roles: ['seller', 'bidder'] };
const adminAuth: AuthSpec = { kind: 'token', sub: 'fz-root', roles: ['admin'] };
const auditorAuth: AuthSpec = { kind: 'token', sub: 'fz-audrey', roles: ['auditor'] };
const analystAuth: AuthSpec = { kind: 'token', sub: 'fz-ann', roles: ['analyst'] };

/** Valid commands and reads by plain users, so the run has auctions in every state. */
const honestRequestArb: fc.Arbitrary<RequestSpec> = fc.oneof(
  fc.record({ ends: fc.constantFrom(4, 3_600, 86_400), reserve: fc.boolean(), buyNow: fc.boolean(), scheduled: fc.boolean(), approved: fc.boolean() }).map(({ ends, reserve, buyNow, scheduled, approved }) =>
    honest('create', 'POST', '/v1/auctions', sellerAuth, {
      kind: 'json',
      value: {
        title: 'Honest lot', currency: 'USD', startingPrice: 1_000, endsAt: inSeconds(scheduled ? 7_200 : ends),
        ...(reserve ? { reservePrice: 4_000 } : {}), ...(buyNow ? { buyNowPrice: 20_000 } : {}), ...(scheduled ? { startsAt: inSeconds(3_600) } : {}),
        ...(approved && reserve && buyNow ? { approvedBiddersOnly: true } : {}),
      },
    }, undefined),
  ),
  fc.tuple(fc.nat(), bidderArb, fc.integer({ min: 10, max: 300 }), fc.uuid()).map(([pick, auth, amount, key]) => ({
    ...honest('bid', 'POST', '/v1/auctions/:id/bids', auth, { kind: 'json', value: { maxAmount: amount * 100 } }, key), id: { kind: 'known' as const, pick, suffix: '' },
  })),
  fc.tuple(fc.nat(), bidderArb, fc.uuid()).map(([pick, auth, key]) => ({
    ...honest('retract', 'POST', '/v1/auctions/:id/retractions', auth, { kind: 'json', value: { reason: 'entered-wrong-amount' } }, key), id: { kind: 'known' as const, pick, suffix: '' },
  })),
  fc.tuple(fc.nat(), fc.constantFrom('PUT', 'DELETE'), fc.constantFrom('fz-alice', 'fz-bob')).map(([pick, method, bidder]) => ({
    ...honest('approve', method, `/v1/auctions/:id/approved-bidders/${bidder}`, sellerAuth, { kind: 'none' }, undefined), id: { kind: 'known' as const, pick, suffix: '' },
  })),
  fc.tuple(fc.nat(), bidderArb).map(([pick, auth]) => ({ ...honest('buy-now', 'POST', '/v1/auctions/:id/buy-now', auth, { kind: 'none' }, undefined), id: { kind: 'known' as const, pick, suffix: '' } })),
  fc.tuple(fc.nat(), fc.constantFrom(sellerAuth, adminAuth)).map(([pick, auth]) => ({ ...honest('cancel', 'POST', '/v1/auctions/:id/cancel', auth, { kind: 'json', value: {} }, undefined), id: { kind: 'known' as const, pick, suffix: '' } })),
  fc.tuple(fc.nat(), fc.constantFrom('/v1/auctions/:id', '/v1/auctions/:id/bids', '/v1/audit/auctions/:id/bids', '/v1/audit/auctions/:id/attempts', '/v1/audit/auctions/:id/verify'), fc.constantFrom(undefined, 'csv', 'ndjson')).map(
    ([pick, path, format]) => ({
      ...honest('read', 'GET', path, auditorAuth, { kind: 'none' }, undefined, format !== undefined && path.includes('/audit/') && !path.endsWith('verify') ? [['format', format] as const] : []),
      id: { kind: 'known' as const, pick, suffix: '' },
    }),
  ),
  fc.tuple(fc.nat(), fc.constantFrom('summary', 'bids-per-minute', 'sell-through', 'sniping', 'revenue', 'auctions', 'auctions/:id'), fc.constantFrom(undefined, 'csv')).map(
    ([pick, path, format]) => ({
      ...honest('analytics', 'GET', `/v1/analytics/${path}`, analystAuth, { kind: 'none' }, undefined, format !== undefined ? [['format', format] as const] : []),
      id: { kind: 'known' as const, pick, suffix: '' },
    }),
  ),
);

/** One request: mostly hostile, with valid commands and reads mixed in. */
export const requestArb: fc.Arbitrary<RequestSpec> = fc.oneof({ weight: 4, arbitrary: hostileRequestArb }, { weight: 1, arbitrary: honestRequestArb });

/** What a fuzz step sends at once (concurrently, so bad and good commands share group-commit batches). */
export const batchArb: fc.Arbitrary<RequestSpec[]> = fc.array(requestArb, { minLength: 1, maxLength: 8 });

