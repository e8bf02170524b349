// io-ts codecs for what the log adapters read back from storage (rows, ESDB metadata). The JSON
// object and metadata codecs are the domain's (they also decode events carried over Kafka).
import * as t from 'io-ts';

import type { JsonObject } from '../../domain/index.js';

export { EventMetadataCodec, JsonObjectCodec } from '../../domain/index.js';

/**
 * A JSON object as the driver parsed it from a jsonb column: only its shape is checked (a plain
 * object), since a parsed jsonb value holds nothing but JSON. Its fields are the event codec's to
 * check, once, when the event is decoded.
 */
export const StoredJsonObjectCodec = new t.Type<JsonObject, JsonObject, unknown>(
  'StoredJsonObject',
  (u): u is JsonObject => typeof u === 'object' && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype,
  (u, c) => (typeof u === 'object' && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype ? t.success(u as JsonObject) : t.failure(u, c, 'expected a JSON object')),
  t.identity,
);
