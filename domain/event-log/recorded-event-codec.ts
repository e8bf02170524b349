// io-ts codecs for events as they travel outside the log: a RecordedEvent as JSON (the value of a
// Kafka message on auction-events), and the JSON object and metadata shapes the log adapters also
// use to read their stored rows back.
import * as t from 'io-ts';
import type { EventMetadata, Json, JsonObject, RecordedEvent } from './port.js';
import { StorableString, UserId } from '../ids.js';

const MAX_JSON_DEPTH = 256;

const isJson = (u: unknown, depth = 0): u is Json => {
  if (depth > MAX_JSON_DEPTH) return false;
  if (u === null || typeof u === 'string' || typeof u === 'boolean') return true;
  if (typeof u === 'number') return Number.isFinite(u);
  if (Array.isArray(u)) return u.every((v) => isJson(v, depth + 1));
  if (typeof u === 'object') {
    const proto = Object.getPrototypeOf(u) as unknown;
    return (proto === Object.prototype || proto === null) && Object.values(u).every((v) => isJson(v, depth + 1));
  }
  return false;
};

const isJsonObject = (u: unknown): u is JsonObject => typeof u === 'object' && u !== null && !Array.isArray(u) && isJson(u);

/** A JSON object (plain, finite numbers only). Decoding returns the same object. */
export const JsonObjectCodec = new t.Type<JsonObject, JsonObject, unknown>(
  'JsonObject',
  isJsonObject,
  (u, c) => (isJsonObject(u) ? t.success(u) : t.failure(u, c, 'expected a JSON object')),
  t.identity,
);

/**
 * The metadata every event carries; other keys a writer added are kept as they are (the hash
 * covers them). `userId` is the domain's one subject codec; the other strings need only be
 * storable (well-formed, no NUL), which every version has written.
 */
export const EventMetadataCodec: t.Type<EventMetadata & JsonObject, EventMetadata & JsonObject, unknown> = t.intersection([
  JsonObjectCodec,
  t.type({
    commandId: StorableString,
    idempotencyKey: t.union([StorableString, t.null]),
    userId: UserId,
    correlationId: StorableString,
    causationId: StorableString,
    serverTime: t.string,
    schemaVersion: t.number,
  }),
]);

const matching = (name: string, pattern: RegExp, expected: string): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && pattern.test(u),
    (u, c) => (typeof u === 'string' && pattern.test(u) ? t.success(u) : t.failure(u, c, `expected ${expected}`)),
    t.identity,
  );

const StreamVersion = new t.Type<number, number, unknown>(
  'StreamVersion',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u > 0,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u > 0 ? t.success(u) : t.failure(u, c, 'expected a stream version (a whole number of at least 1)')),
  t.identity,
);

const Sha256Hex = matching('Sha256Hex', /^[0-9a-f]{64}$/, 'a hex sha256');
const PrevHash = matching('PrevHash', /^(?:[0-9a-f]{64})?$/, "a hex sha256, or '' before a stream's first event");
const NonEmpty = matching('NonEmptyString', /^.+$/s, 'a non-empty string');

const RecordedEventFields = t.exact(
  t.type({
    eventId: NonEmpty,
    type: NonEmpty,
    data: JsonObjectCodec,
    metadata: EventMetadataCodec,
    streamId: NonEmpty,
    streamVersion: StreamVersion,
    position: NonEmpty,
    prevHash: PrevHash,
    hash: Sha256Hex,
  }),
);

/**
 * A RecordedEvent as JSON (e.g. a Kafka message value: `JSON.stringify(event)` is its encoding).
 * Decoding checks every field and drops unknown top-level keys; metadata keeps its extra keys.
 */
export const RecordedEventCodec = new t.Type<RecordedEvent, RecordedEvent, unknown>(
  'RecordedEvent',
  (u): u is RecordedEvent => RecordedEventFields.is(u),
  (u, c) => RecordedEventFields.validate(u, c),
  t.identity,
);
