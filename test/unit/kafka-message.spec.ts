// The Kafka message contract of auction-events: key, value and headers of a RecordedEvent, and
// reading a value back (what a consumer accepts and what it refuses, with the reason).
import assert from 'node:assert/strict';
import { KAFKA_HEADERS, decodeKafkaValue, kafkaKeyOf, toKafkaMessage } from '../../contracts/index.js';
import { recordedEvents } from '../support/kafka.js';

describe('Kafka message contract', () => {
  const [event] = recordedEvents(['auction-7f3c'], 1, 42);
  if (event === undefined) throw new Error('no event');

  it('keys by auction id and carries the event as JSON with descriptive headers', () => {
    const message = toKafkaMessage(event);
    assert.equal(message.key, '7f3c');
    assert.deepEqual(JSON.parse(message.value), event);
    assert.deepEqual(message.headers, {
      [KAFKA_HEADERS.eventType]: 'TestHappened',
      [KAFKA_HEADERS.streamId]: 'auction-7f3c',
      [KAFKA_HEADERS.streamVersion]: '1',
      [KAFKA_HEADERS.logPosition]: '42:1',
      [KAFKA_HEADERS.eventId]: event.eventId,
      [KAFKA_HEADERS.contentType]: 'application/json',
    });
  });

  it('keys a stream that is not an auction by its stream id', () => {
    assert.equal(kafkaKeyOf({ streamId: 'settlement-1' }), 'settlement-1');
  });

  it('reads back what it wrote, from text or bytes', () => {
    const { value } = toKafkaMessage(event);
    assert.deepEqual(decodeKafkaValue(value), { _tag: 'Right', right: event });
    assert.deepEqual(decodeKafkaValue(Buffer.from(value, 'utf8')), { _tag: 'Right', right: event });
  });

  const refused = (value: string | Uint8Array | null, reason: RegExp) => {
    const decoded = decodeKafkaValue(value);
    assert.equal(decoded._tag, 'Left');
    if (decoded._tag === 'Left') assert.match(decoded.left, reason);
  };

  it('refuses a tombstone, bytes that are not UTF-8, text that is not JSON, and JSON that is not a RecordedEvent', () => {
    refused(null, /no value/);
    refused(Uint8Array.from([0xff, 0xfe, 0x00]), /not UTF-8/);
    refused('{"type":', /not JSON/);
    refused('{"type":"BidPlaced"}', /not a RecordedEvent: .*eventId/);
    refused(JSON.stringify({ ...event, streamVersion: 0 }), /streamVersion/);
    refused(JSON.stringify({ ...event, hash: 'not-a-hash' }), /hash/);
  });
});
