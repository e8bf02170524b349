// What may be appended: "what is written can always be read". A new event passes the very codecs
// its readers use (the event codecs after upcasting, as decodeStoredEvent; the JSON object and
// metadata codecs the log adapters and the Kafka message codec use) before it is appended.
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { NewEvent } from './event-log/index.js';
import { EventMetadataCodec, JsonObjectCodec } from './event-log/index.js';
import type { FieldProblem } from './rejection.js';
import { StorableString } from './ids.js';
import { decodeUpcast } from './upcast.js';

/** Codecs whose context entries are not a position of their own (a union's member, an intersection's part). */
const passThrough = new Set(['UnionType', 'IntersectionType', 'RefinementType', 'ReadonlyType']);

/** `data.bidderId` for a failure at that field (union members and intersection parts add nothing). */
const pathOf = (error: t.ValidationError): string =>
  error.context
    .filter((_entry, i) => i > 0 && !passThrough.has((error.context[i - 1]!.type as { _tag?: string })._tag ?? ''))
    .map((entry) => entry.key)
    .join('.');

const problems = (prefix: string, result: t.Validation<unknown>): FieldProblem[] => {
  if (E.isRight(result)) return [];
  const byPath = new Map<string, string>();
  for (const error of result.left) {
    const path = [prefix, pathOf(error)].filter((p) => p !== '').join('.');
    const message = error.message ?? (error.value === undefined ? 'is required' : `expected ${error.context[error.context.length - 1]?.type.name ?? 'a valid value'}`);
    // a codec's own message (the one that names the problem) wins over a union member's generic one
    if (!byPath.has(path) || error.message !== undefined) byPath.set(path, message);
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
};

/**
 * The problems that would make `event` unreadable, each with its path in the event
 * (`data.bidderId`, `metadata.correlationId`); empty when the readers will decode it.
 */
export const unreadableParts = (event: NewEvent): readonly FieldProblem[] => {
  const found = [...problems('eventId', StorableString.decode(event.eventId)), ...problems('metadata', EventMetadataCodec.decode(event.metadata))];
  const data = problems('data', JsonObjectCodec.decode(event.data));
  if (data.length > 0) return [...found, ...data];
  try {
    return [...found, ...problems('', decodeUpcast(event))];
  } catch (error) {
    return [...found, { path: 'type', message: error instanceof Error ? error.message : String(error) }];
  }
};
