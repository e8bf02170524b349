// A sale's stream (`sale-<id>`) beside the auction streams: the readers that follow every stream
// (the projectors' grouping, the closing schedule feed, the Kafka key) pass over it or key it by
// its own id, and its event decodes with the sale's codecs, never as an auction event.
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import type { RecordedEvent } from '../../../domain/index.js';
import { decodeSaleEvent, decodeStoredEvent, isSaleStream, saleIdOfStream, saleStreamIdOf } from '../../../domain/index.js';
import { InMemoryClosingQueue, applyToQueue } from '../../../commands/index.js';
import { kafkaKeyOf } from '../../../contracts/index.js';
import { groupByAuction } from '../../../projections/runtime/index.js';

const saleEvent: RecordedEvent = {
  eventId: 'e1',
  streamId: saleStreamIdOf('s1'),
  streamVersion: 1,
  position: '7',
  prevHash: '',
  hash: 'h',
  type: 'SaleCreated',
  data: {
    saleId: 's1', sellerId: 'sam', title: 'Spring', description: '', currency: 'USD', firstEndsAt: '2026-03-01T11:00:00.000Z', staggerMs: 30000,
    holdBack: true, softClose: null, createdAt: '2026-03-01T10:00:00.000Z',
    lots: [{ lotNumber: 1, auctionId: 'lot1', title: 'Lot 1', description: '', startingPrice: 1000, reservePrice: null, buyNowPrice: null }],
  },
  metadata: { commandId: 'c', idempotencyKey: null, userId: 'sam', correlationId: 'r', causationId: 'c', serverTime: '2026-03-01T10:00:00.000Z', schemaVersion: 1 },
} as RecordedEvent;

describe('timed sales: the sale stream beside the auction streams', () => {
  it('is named sale-<id>', () => {
    assert.equal(saleEvent.streamId, 'sale-s1');
    assert.equal(saleIdOfStream('sale-s1'), 's1');
    assert.equal(saleIdOfStream('auction-s1'), undefined);
    assert.ok(isSaleStream('sale-s1') && !isSaleStream('auction-s1'));
  });

  it('decodes with the sale\'s codecs, and is no auction event', () => {
    const decoded = decodeSaleEvent(saleEvent);
    assert.ok(E.isRight(decoded) && decoded.right.data.lots[0]!.auctionId === 'lot1');
    assert.ok(E.isLeft(decodeStoredEvent(saleEvent)));
    assert.ok(E.isLeft(decodeSaleEvent({ ...saleEvent, data: { ...saleEvent.data, staggerMs: -1 } })));
  });

  it('is passed over by the projectors\' grouping and the closing schedule feed, and keyed by its stream id on Kafka', async () => {
    assert.equal(groupByAuction([saleEvent]).size, 0);
    const queue = new InMemoryClosingQueue();
    assert.equal(await applyToQueue(queue, saleEvent), undefined);
    assert.equal(await queue.nextDueAt(), undefined);
    assert.equal(kafkaKeyOf(saleEvent), 'sale-s1');
  });
});
