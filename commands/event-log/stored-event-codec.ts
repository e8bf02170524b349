// io-ts codecs for what the log adapters read back from storage (rows, ESDB metadata).
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import type { EventMetadata, Json, JsonObject } from '../../domain/index.js';

const isJson = (u: unknown, depth = 0): u is Json => {
  if (depth > 256) return false;
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

/** The metadata every event carries; other keys a writer added are kept as they are. */
export const EventMetadataCodec: t.Type<EventMetadata & JsonObject, EventMetadata & JsonObject, unknown> = t.intersection([
  JsonObjectCodec,
  t.type({
    commandId: t.string,
    idempotencyKey: t.union([t.string, t.null]),
    userId: t.string,
    correlationId: t.string,
    causationId: t.string,
    serverTime: t.string,
    schemaVersion: t.number,
  }),
]);

/** Decodes or throws an error that names the failing fields. */
export const decodeOrThrow = <A>(codec: t.Type<A, unknown, unknown>, value: unknown, what: string): A => {
  const result = codec.decode(value);
  if (isLeft(result)) throw new Error(`unreadable ${what}: ${PathReporter.report(result).join('; ')}`);
  return result.right;
};
