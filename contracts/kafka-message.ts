// The Kafka message contract of topic auction-events (DESIGN.md section 9): what the publisher
// writes for each RecordedEvent and how consumers read it back. Pure functions; kafkajs stays in
// the adapters.
//
//   key     the auction id (from stream id `auction-<id>`; another stream's id as it is), so each
//           auction's events share a partition and keep their order
//   value   the RecordedEvent as JSON (RecordedEventCodec), the only part consumers rely on
//   headers event-type, stream-id, stream-version, log-position, event-id, content-type: for tools
//           that route or filter without parsing the value
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { RecordedEventCodec, auctionIdOfStream } from '../domain/index.js';
import type { RecordedEvent } from '../domain/index.js';

export const KAFKA_HEADERS = {
  eventType: 'event-type',
  streamId: 'stream-id',
  streamVersion: 'stream-version',
  logPosition: 'log-position',
  eventId: 'event-id',
  contentType: 'content-type',
} as const;

export const KAFKA_CONTENT_TYPE = 'application/json';

export interface KafkaEventMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The message key: the auction id, so one auction's events stay in one partition. */
export const kafkaKeyOf = (event: Pick<RecordedEvent, 'streamId'>): string => auctionIdOfStream(event.streamId) ?? event.streamId;

/** The message the publisher sends for `event`. */
export const toKafkaMessage = (event: RecordedEvent): KafkaEventMessage => ({
  key: kafkaKeyOf(event),
  value: JSON.stringify(event),
  headers: {
    [KAFKA_HEADERS.eventType]: event.type,
    [KAFKA_HEADERS.streamId]: event.streamId,
    [KAFKA_HEADERS.streamVersion]: String(event.streamVersion),
    [KAFKA_HEADERS.logPosition]: event.position,
    [KAFKA_HEADERS.eventId]: event.eventId,
    [KAFKA_HEADERS.contentType]: KAFKA_CONTENT_TYPE,
  },
});

const describeErrors = (errors: t.Errors): string =>
  errors
    .slice(0, 5)
    .map((e) => {
      const path = e.context.map((c) => c.key).filter((k) => k !== '').join('.');
      return `${path === '' ? 'value' : path}: ${e.message ?? `expected ${e.context[e.context.length - 1]?.type.name ?? 'something else'}`}`;
    })
    .join('; ');

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a message value back into a RecordedEvent, or says why it is not one (no value, not
 * UTF-8, not JSON, or not the RecordedEvent shape).
 */
export const decodeKafkaValue = (value: string | Uint8Array | null | undefined): E.Either<string, RecordedEvent> => {
  if (value === null || value === undefined) return E.left('the message has no value (a tombstone?)');
  let text: string;
  try {
    text = typeof value === 'string' ? value : utf8.decode(value);
  } catch {
    return E.left('the value is not UTF-8 text');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return E.left('the value is not JSON');
  }
  const decoded = RecordedEventCodec.decode(json);
  return E.isLeft(decoded) ? E.left(`the value is not a RecordedEvent: ${describeErrors(decoded.left)}`) : decoded;
};
