// The RabbitMQ message contract of the event stream (auction-events, a stream queue): the same
// body and headers as the Kafka contract (kafka-message.ts), so that a consumer or tool reads
// either bus the same way. Pure functions; amqplib stays in the adapters.
//
//   body        the RecordedEvent as JSON (RecordedEventCodec), the only part consumers rely on
//   headers     event-type, stream-id, stream-version, log-position, event-id, content-type, as on Kafka
//   properties  persistent (delivery mode 2), content-type application/json, message-id = event id,
//               type = event type
// There is no key: one stream holds the whole log in commit order. The broker adds the header
// `x-stream-offset` (the message's offset in the stream) to each delivery.
import type * as E from 'fp-ts/lib/Either.js';
import type { RecordedEvent } from '../domain/index.js';
import { KAFKA_CONTENT_TYPE, decodeKafkaValue, toKafkaMessage } from './kafka-message.js';

export interface RabbitEventMessage {
  readonly content: Buffer;
  readonly properties: {
    readonly persistent: true;
    readonly contentType: string;
    readonly messageId: string;
    readonly type: string;
    readonly headers: Readonly<Record<string, string>>;
  };
}

/** The header RabbitMQ adds to a stream delivery: its offset in the stream. */
export const STREAM_OFFSET_HEADER = 'x-stream-offset';

/** The message the publisher sends for `event`. */
export const toRabbitMessage = (event: RecordedEvent): RabbitEventMessage => {
  const kafka = toKafkaMessage(event);
  return {
    content: Buffer.from(kafka.value, 'utf8'),
    properties: { persistent: true, contentType: KAFKA_CONTENT_TYPE, messageId: event.eventId, type: event.type, headers: kafka.headers },
  };
};

/** Reads a delivery's body back into a RecordedEvent, or says why it is not one. */
export const decodeRabbitBody = (content: Uint8Array): E.Either<string, RecordedEvent> => decodeKafkaValue(content);

/** The stream offset of a delivery (its x-stream-offset header), or undefined when it has none. */
export const streamOffsetOf = (headers: Readonly<Record<string, unknown>> | undefined): bigint | undefined => {
  const value = headers?.[STREAM_OFFSET_HEADER];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return BigInt(value);
  return undefined;
};
