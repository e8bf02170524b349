// The hostile values the fuzz suite draws from, shared by its HTTP and WebSocket generators: user
// ids an identity provider may issue (and some no provider should), identifiers for path segments,
// strings, numbers and JSON shapes that have broken parsers, hashes, databases and CSV readers.
import fc from 'fast-check';

/** Subjects real identity providers issue: the gateway accepts them, so everything after must too. */
export const providerSubs = [
  'auth0|5f7c8ec7',
  'google-oauth2|109876543210987654321',
  'alice@example.com',
  'https://idp.example.com/users/42',
  'x'.repeat(255),
  'ünïcødé-user',
  'emoji-😀',
] as const;

/** Subjects no provider should issue, that a signed token may carry all the same. */
export const hostileSubs = [
  'nul\u0000sub',
  'lone\ud800surrogate',
  ' padded ',
  'bad sub',
  'tab\tsub',
  'line\nbreak',
  '=HYPERLINK("http://evil.example")',
  '+1+1',
  '-2+3',
  '@SUM(1)',
  '"quoted"',
  '../../etc/passwd',
  'a'.repeat(129),
  '%2F',
] as const;

/** Plain identifiers, as the honest users of a run. */
export const honestSubs = ['fz-sam', 'fz-alice', 'fz-bob', 'fz-root', 'fz-audrey', 'fz-ann'] as const;

export const allRoles = ['bidder', 'seller', 'auditor', 'admin', 'analyst'] as const;
export type FuzzRole = (typeof allRoles)[number];

/** Any subset of the roles, the empty one included. */
export const rolesArb: fc.Arbitrary<FuzzRole[]> = fc.subarray([...allRoles]);

/** Strings that have broken a layer somewhere: NUL, lone surrogates, control characters, huge, formula-leading. */
export const hostileStringArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('\u0000', '\ud800', '\udc00', '\ud83d', '\u0000\ud800'), fc.constantFrom('', 'Lot ', 'a reason: ')).map(([bad, text]) => `${text}${bad}${text}`) },
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\ud83d',
    '\u202e',
    '\ufeff',
    '\u0007\u001b[31m',
    '=1+1',
    '+cmd|" /C calc"!A0',
    '-1',
    '@A1',
    "'; DROP TABLE events; --",
    '<script>alert(1)</script>',
    '${7*7}',
    '__proto__',
    'constructor',
    '%00',
    '\r\n',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 40_000 }).map((n) => 'y'.repeat(n)),
);

/**
 * JSON number texts, some of which JavaScript cannot hold exactly (or at all): written into a body
 * as they are, so `1e400` arrives as `1e400`.
 */
export const hostileNumberTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0', '-0', '-1', '0.5', '1.5', '1e400', '-1e400', '1e-400', '9007199254740993', '9007199254740991',
    '9223372036854775808', '18446744073709551616', '1e21', '2147483648', '-2147483649', '1E3', '100000000000000000000000000000',
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => n.toString()),
);

/** A marker for a JSON text written into a body as it is (see `jsonText`). */
export interface RawJson {
  readonly raw: string;
}

export const isRawJson = (u: unknown): u is RawJson => typeof u === 'object' && u !== null && Object.keys(u).length === 1 && typeof (u as { raw?: unknown }).raw === 'string';

const RAW_OPEN = '\u0001RAW:';
const RAW_CLOSE = '\u0001';

/** JSON text of `value`, where every `{raw}` marker is replaced by its text unquoted. */
export const jsonText = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (isRawJson(v) ? `${RAW_OPEN}${v.raw}${RAW_CLOSE}` : v))
    .replace(/"\\u0001RAW:((?:[^"\\]|\\.)*?)\\u0001"/g, (_m, text: string) => JSON.parse(`"${text}"`) as string);

/** A value of any JSON type that no field expects (raw numbers included). */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileStringArb },
  { weight: 2, arbitrary: hostileNumberTextArb.map((raw): RawJson => ({ raw })) },
  fc.constantFrom(null, true, false, [], {}, [1, 2], { nested: { deeper: [null] } }),
  fc.integer({ min: 20, max: 3_000 }).map((depth): RawJson => ({ raw: `${'['.repeat(depth)}1${']'.repeat(depth)}` })),
  fc.integer({ min: 20, max: 3_000 }).map((depth): RawJson => ({ raw: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` })),
  fc.jsonValue({ maxDepth: 3 }),
);

const unreserved = /^[A-Za-z0-9\-._~]$/;

/**
 * Percent-encodes every character but the unreserved ones, as UTF-8; a lone surrogate (which
 * encodeURIComponent refuses) as its WTF-8 bytes, so the server receives it as sent.
 */
export const percentEncode = (s: string): string => {
  let out = '';
  for (const ch of s) {
    if (unreserved.test(ch)) {
      out += ch;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    const bytes = cp >= 0xd800 && cp <= 0xdfff ? Buffer.from([0xed, 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]) : Buffer.from(ch, 'utf8');
    for (const b of bytes) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

/** Path segments for `:id`, as written on the request line (already percent-encoded, or raw on purpose). */
export const hostileIdSegmentArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '..', '.', '%2e%2e', '%2E%2E%2F%2E%2E', 'a%2Fb', '%2F', '%00', 'a%00b', '%ZZ', '%', '%ED%A0%80', '%F0%9F%98%80', '%C3%BC',
    'auth0%7C5f7c8ec7', 'alice%40example.com', '%20', '+', '*', 'undefined', 'null', '__proto__', 'constructor',
    "x'%20OR%201%3D1--", 'no-such-auction', 'a'.repeat(128), 'a'.repeat(129),
  ),
  fc.integer({ min: 200, max: 9_000 }).map((n) => 'z'.repeat(n)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(percentEncode),
);

/** Idempotency-Key header values: fresh, fixed (so keys get reused), hostile. */
export const idempotencyKeyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom('fz-key-1', 'fz-key-2') },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'k'.repeat(300), 'ключ', 'a\tb', 'key with spaces', '\u00ff\u00fe', '"quoted"') },
  // Formula-leading keys: auditors' CSV exports show them.
  { weight: 2, arbitrary: fc.constantFrom('=1+1', '+1+1', '-1+1', '@SUM(1)', '=HYPERLINK("http://evil.example")') },
);
