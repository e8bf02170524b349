// decodeValid answers exactly as the codec's decode does, valid input or not (the fast path of the
// log's reads and of every stored event's decoding).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { AuctionEvent, EventMetadataCodec, decodeValid } from '../../../domain/index.js';
import { auctionLog } from '../../../scripts/bench/auction-log.js';

const events = [...auctionLog({ events: 400, runId: 'dv', seed: 3, wave: 20 })].flatMap((batch) => batch.flatMap((a) => a.events));

/** The same answer: the same value when valid (the input itself), the same errors when not. */
const sameAnswer = <A, O>(codec: t.Type<A, O, unknown>, u: unknown) => {
  const fast = decodeValid(codec, u);
  const slow = codec.decode(u);
  assert.equal(fast._tag, slow._tag);
  if (E.isRight(fast) && E.isRight(slow)) {
    assert.equal(fast.right, u);
    assert.deepEqual(fast.right, slow.right);
  } else {
    assert.deepEqual(PathReporter.report(fast), PathReporter.report(slow));
  }
};

describe('decodeValid', () => {
  it('gives what decode gives for the events of a generated log and their metadata', () => {
    assert.ok(events.length >= 400);
    for (const e of events) {
      sameAnswer(AuctionEvent, { type: e.type, data: e.data });
      sameAnswer(EventMetadataCodec, e.metadata);
    }
  });

  it('gives what decode gives when a field is changed, removed or added (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...events),
        fc.nat(),
        fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.string(), fc.integer(), fc.constant('2026-01-01T00:00:00Z')),
        fc.constantFrom('data', 'metadata', 'type'),
        (e, pick, value, where) => {
          const data: Record<string, unknown> = { ...e.data };
          const metadata: Record<string, unknown> = { ...e.metadata };
          const target = where === 'metadata' ? metadata : data;
          const keys = [...Object.keys(target), 'extra'];
          const key = keys[pick % keys.length]!;
          if (value === undefined) delete target[key];
          else target[key] = value;
          sameAnswer(AuctionEvent, { type: where === 'type' ? (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined')) : e.type, data });
          sameAnswer(EventMetadataCodec, metadata);
        },
      ),
      { numRuns: Number(process.env.DECODE_VALID_RUNS ?? 500) },
    );
  });
});
