// io-ts validation at the HTTP boundary: decode body, path params, query and headers, or answer
// 400 INVALID_REQUEST naming each failing field (`body.maxAmount`, `headers.Idempotency-Key`).
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { Request } from 'express';
import { invalidRequest } from './errors.js';
import type { FieldError } from './errors.js';

// ---------------------------------------------------------------- error reporting

/** Types whose context entries name a position of their own (a property, an index). */
const containerTags = new Set(['InterfaceType', 'PartialType', 'StrictType', 'ExactType', 'DictionaryType', 'ArrayType', 'ReadonlyArrayType', 'TupleType', 'ReadonlyType']);
const indexedTags = new Set(['ArrayType', 'ReadonlyArrayType', 'TupleType']);
const objectTags = new Set(['ClosedObjectType', 'InterfaceType', 'PartialType', 'StrictType', 'ExactType', 'IntersectionType']);

const tagOf = (type: t.Decoder<unknown, unknown>): string | undefined => (type as { _tag?: unknown })._tag as string | undefined;

/** Whether a codec decodes objects (so a non-object is reported as `expected an object`). */
const isObjectCodec = (type: t.Decoder<unknown, unknown>): boolean => {
  const tag = tagOf(type);
  if (tag === 'ReadonlyType' || tag === 'RefinementType') {
    const inner = (type as { type?: t.Decoder<unknown, unknown> }).type;
    return inner !== undefined && isObjectCodec(inner);
  }
  return tag !== undefined && objectTags.has(tag);
};

const describeValue = (u: unknown): string => {
  if (u === null) return 'null';
  if (Array.isArray(u)) return 'an array';
  if (typeof u === 'string') return u.length > 40 ? 'a string' : JSON.stringify(u);
  if (typeof u === 'number' || typeof u === 'boolean' || u === undefined) return String(u);
  return typeof u === 'object' ? 'an object' : `a ${typeof u}`;
};

/**
 * The failing fields of a decode, one per path. Unions and intersections do not add to the
 * path; a failure inside a union is reported against the union, so `expected "a" | "b"`
 * appears once. A missing value is 'is required'; otherwise a codec's own message (from
 * t.failure) wins over the generic one.
 */
export const fieldErrors = (errors: t.Errors, where: string): FieldError[] => {
  const byPath = new Map<string, string>();
  for (const error of errors) {
    const ctx = error.context;
    let path = where;
    let subject = ctx[0]?.type;
    for (let i = 1; i < ctx.length; i++) {
      const parent = ctx[i - 1]!;
      const entry = ctx[i]!;
      const parentTag = tagOf(parent.type);
      if (parentTag === undefined || !containerTags.has(parentTag)) continue;
      path = indexedTags.has(parentTag) ? `${path}[${entry.key}]` : `${path}.${entry.key}`;
      subject = entry.type;
    }
    let message: string;
    if (error.value === undefined) message = 'is required';
    else if (error.message !== undefined) message = error.message;
    else if (subject !== undefined && isObjectCodec(subject) && (typeof error.value !== 'object' || error.value === null || Array.isArray(error.value))) {
      message = `expected an object, got ${describeValue(error.value)}`;
    } else message = `expected ${subject?.name ?? 'a valid value'}, got ${describeValue(error.value)}`;
    if (!byPath.has(path)) byPath.set(path, message);
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
};

/** Decodes `value`, or throws ApiError 400 INVALID_REQUEST whose details name each failing field under `where`. */
export const decodeOr400 = <A>(codec: t.Decoder<unknown, A>, value: unknown, where: string): A => {
  const result = codec.decode(value);
  if (isLeft(result)) {
    const fields = fieldErrors(result.left, where);
    throw invalidRequest(`invalid request: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, fields);
  }
  return result.right;
};

export interface RequestCodecs<B, P, Q, H> {
  readonly body?: t.Decoder<unknown, B>;
  readonly params?: t.Decoder<unknown, P>;
  readonly query?: t.Decoder<unknown, Q>;
  /**
   * Decoded from the request's headers, whose names Express lowercases; name the properties
   * as they should appear in errors (e.g. 'Idempotency-Key'): they are looked up case-insensitively.
   */
  readonly headers?: t.Decoder<unknown, H>;
}

/** Header names as the client may spell them, looked up case-insensitively. */
const headerView = (req: Request): Record<string, unknown> =>
  new Proxy(req.headers, {
    get: (target, name) => (typeof name === 'string' ? target[name.toLowerCase()] : undefined),
    has: (target, name) => typeof name === 'string' && name.toLowerCase() in target,
  }) as Record<string, unknown>;

/**
 * Decodes every part named in `codecs` and returns the decoded values; if any part fails,
 * throws one 400 listing the failing fields of all parts.
 */
export const decodeRequest = <B = undefined, P = undefined, Q = undefined, H = undefined>(
  req: Request,
  codecs: RequestCodecs<B, P, Q, H>,
): { body: B; params: P; query: Q; headers: H } => {
  const fields: FieldError[] = [];
  const out: Record<string, unknown> = {};
  const parts = [
    ['body', codecs.body, req.body],
    ['params', codecs.params, req.params],
    ['query', codecs.query, req.query],
    ['headers', codecs.headers, codecs.headers === undefined ? undefined : headerView(req)],
  ] as const;
  for (const [where, codec, value] of parts) {
    if (codec === undefined) continue;
    const result = codec.decode(value);
    if (isLeft(result)) fields.push(...fieldErrors(result.left, where));
    else out[where] = result.right;
  }
  if (fields.length > 0) throw invalidRequest(`invalid request: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, fields);
  return out as { body: B; params: P; query: Q; headers: H };
};

// ---------------------------------------------------------------- reusable codecs

/** A string that is not blank (something besides whitespace), of at most `maxLength` characters. */
export const nonBlankString = (maxLength: number, name = `NonBlankString(${maxLength})`) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && u.trim() !== '' && u.length <= maxLength,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, `expected a string, got ${describeValue(u)}`);
      if (u.trim() === '') return t.failure(u, c, 'must not be blank');
      if (u.length > maxLength) return t.failure(u, c, `must be at most ${maxLength} characters`);
      return t.success(u);
    },
    t.identity,
  );

const isoUtc = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** True for `YYYY-MM-DDTHH:MM:SS[.fraction]Z` naming a real instant (no 30 February, no hour 24). */
export const isIsoUtcTimestamp = (s: string): boolean => {
  const m = isoUtc.exec(s);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    year >= 1970 && d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day &&
    d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second
  );
};

/** An ISO 8601 UTC timestamp string (`2025-01-31T12:00:00Z`, fraction optional, `Z` required); kept as given. */
export const IsoUtcTimestamp = new t.Type<string, string, unknown>(
  'IsoUtcTimestamp',
  (u): u is string => typeof u === 'string' && isIsoUtcTimestamp(u),
  (u, c) =>
    typeof u === 'string' && isIsoUtcTimestamp(u)
      ? t.success(u)
      : t.failure(u, c, `expected an ISO 8601 UTC timestamp such as 2025-01-31T12:00:00Z, got ${describeValue(u)}`),
  t.identity,
);

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID (any version) in its 8-4-4-4-12 hex form; decoded to lower case so ids compare as strings. */
export const Uuid = new t.Type<string, string, unknown>(
  'Uuid',
  (u): u is string => typeof u === 'string' && uuidPattern.test(u) && u === u.toLowerCase(),
  (u, c) => (typeof u === 'string' && uuidPattern.test(u) ? t.success(u.toLowerCase()) : t.failure(u, c, `expected a UUID, got ${describeValue(u)}`)),
  t.identity,
);

const visibleAscii = /^[\x21-\x7e]{1,255}$/;

/**
 * An `Idempotency-Key` header value: 1 to 255 visible ASCII characters. The IETF draft's
 * structured-field form (a quoted string, `"abc"`) is accepted too and decoded without the quotes.
 */
export const IdempotencyKey = new t.Type<string, string, unknown>(
  'IdempotencyKey',
  (u): u is string => typeof u === 'string' && visibleAscii.test(u),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, u === undefined ? 'is required' : 'expected a single header value');
    const inner = /^"([^"\\]*)"$/.exec(u)?.[1] ?? u;
    return visibleAscii.test(inner) ? t.success(inner) : t.failure(u, c, 'expected 1 to 255 visible ASCII characters');
  },
  t.identity,
);

const requestIdPattern = /^[\x21-\x7e]{1,128}$/;

/**
 * An `X-Request-Id` header value: 1 to 128 visible ASCII characters (a UUID, a W3C trace id,
 * nginx's $request_id). It becomes the events' correlation id, so anything else is refused.
 */
export const RequestId = new t.Type<string, string, unknown>(
  'RequestId',
  (u): u is string => typeof u === 'string' && requestIdPattern.test(u),
  (u, c) =>
    typeof u === 'string' && requestIdPattern.test(u)
      ? t.success(u)
      : t.failure(u, c, typeof u === 'string' ? 'expected 1 to 128 visible ASCII characters (a request id such as a UUID)' : 'expected a single header value'),
  t.identity,
);

/** An integer written as decimal digits, from `min` to `max` (query strings and path parameters). */
export const integerFromString = (min: number, max: number, name = `IntegerFromString(${min}..${max})`) =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= min && u <= max,
    (u, c) => {
      const n = typeof u === 'string' && /^-?\d{1,16}$/.test(u) ? Number(u) : NaN;
      return Number.isSafeInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c, `expected an integer from ${min} to ${max}, got ${describeValue(u)}`);
    },
    String,
  );

/** An object with required and optional properties that refuses any other property, naming it. */
export class ClosedObjectType<A, O> extends t.Type<A, O, unknown> {
  readonly _tag = 'ClosedObjectType' as const;
}

const anyObject = t.type({});

export const closedObject = <R extends t.Props, P extends t.Props>(name: string, required: R, optional: P) => {
  const open = t.intersection([t.type(required), t.partial(optional)]);
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  const type: ClosedObjectType<t.TypeOf<typeof open>, t.OutputOf<typeof open>> = new ClosedObjectType(
    name,
    open.is,
    (u, c) => {
      if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
        const extra = Object.keys(u).filter((k) => !known.has(k));
        if (extra.length > 0) {
          // Reported as a property of an object, so the field's path names it (`body.maxamount`).
          const parent = { key: '', type: anyObject, actual: u };
          return t.failures(extra.map((k) => ({ value: (u as Record<string, unknown>)[k], context: [...c, parent, { key: k, type: t.unknown, actual: u }], message: 'is not a known field' })));
        }
      }
      return open.validate(u, c);
    },
    open.encode,
  );
  return type;
};
