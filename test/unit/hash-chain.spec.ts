// The hash chain (DESIGN.md section 8): hash = sha256(prevHash + RFC 8785 JSON of the event).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { EventMetadata, JsonObject, NewEvent } from '../../domain/index.js';
import { EMPTY_CHAIN, canonicalEventJson, checkNextLink, chainCheckResult, hashEvent, sealEvents, startChainCheck, verifyChain } from '../../domain/index.js';
import type { HashedContent } from '../../domain/index.js';

const metadata = (commandId: string): EventMetadata => ({
  commandId,
  idempotencyKey: null,
  userId: 'u-7',
  correlationId: 'corr-1',
  causationId: commandId,
  serverTime: '2030-01-01T00:00:00.000Z',
  schemaVersion: 1,
});

const sample: HashedContent = {
  streamId: 'auction-42',
  streamVersion: 1,
  eventId: 'cmd-1:0',
  type: 'BidPlaced',
  data: { bidder: 'u-7', amount: 1250 },
  metadata: metadata('cmd-1'),
};

const newEvents = (n: number, data: (i: number) => JsonObject = (i) => ({ amount: 100 * (i + 1) })): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({ eventId: `cmd-${i}:0`, type: 'BidPlaced', data: data(i), metadata: metadata(`cmd-${i}`) }));

describe('hash chain', () => {
  describe('canonicalEventJson', () => {
    it('is RFC 8785 JSON of exactly the hashed fields: keys sorted, no whitespace', () => {
      assert.equal(
        canonicalEventJson(sample),
        '{"data":{"amount":1250,"bidder":"u-7"},"eventId":"cmd-1:0","metadata":{"causationId":"cmd-1","commandId":"cmd-1",' +
          '"correlationId":"corr-1","idempotencyKey":null,"schemaVersion":1,"serverTime":"2030-01-01T00:00:00.000Z","userId":"u-7"},' +
          '"streamId":"auction-42","streamVersion":1,"type":"BidPlaced"}',
      );
    });

    it('ignores other properties (position, hashes) and key order', () => {
      const recorded = { ...sample, position: '5:9', prevHash: 'x', hash: 'y', data: { amount: 1250, bidder: 'u-7' } };
      assert.equal(canonicalEventJson(recorded), canonicalEventJson(sample));
    });
  });

  describe('hashEvent', () => {
    it('is hex sha256 of prevHash followed by the canonical JSON', () => {
      const expected = createHash('sha256').update(`abc${canonicalEventJson(sample)}`).digest('hex');
      assert.equal(hashEvent('abc', sample), expected);
    });

    it('matches a fixed vector (a change here breaks every stored chain)', () => {
      assert.equal(hashEvent('', sample), 'fde294b234754e1385faabc5fe657bef0f03818473a5253e01dad23b8c72a5fe');
    });

    it('depends on every hashed field', () => {
      const base = hashEvent('', sample);
      const variants: HashedContent[] = [
        { ...sample, streamId: 'auction-43' },
        { ...sample, streamVersion: 2 },
        { ...sample, eventId: 'cmd-1:1' },
        { ...sample, type: 'BidRaised' },
        { ...sample, data: { bidder: 'u-7', amount: 1251 } },
        { ...sample, metadata: { ...sample.metadata, schemaVersion: 2 } },
      ];
      for (const v of variants) assert.notEqual(hashEvent('', v), base);
      assert.notEqual(hashEvent('0', sample), base);
    });
  });

  describe('sealEvents', () => {
    it('numbers the events after the head and links each to the one before', () => {
      const first = sealEvents('auction-1', EMPTY_CHAIN, newEvents(2));
      assert.deepEqual(
        first.map((e) => e.streamVersion),
        [1, 2],
      );
      assert.equal(first[0]!.prevHash, '');
      assert.equal(first[1]!.prevHash, first[0]!.hash);
      const more = sealEvents('auction-1', { version: 2, hash: first[1]!.hash }, newEvents(1));
      assert.equal(more[0]!.streamVersion, 3);
      assert.equal(more[0]!.prevHash, first[1]!.hash);
      assert.equal(more[0]!.hash, hashEvent(first[1]!.hash, more[0]!));
      assert.deepEqual(verifyChain([...first, ...more]), { valid: true, events: 3 });
    });
  });

  describe('verifyChain', () => {
    const chain = sealEvents('auction-1', EMPTY_CHAIN, newEvents(5));

    it('accepts an intact stream, and an empty one', () => {
      assert.deepEqual(verifyChain(chain), { valid: true, events: 5 });
      assert.deepEqual(verifyChain([]), { valid: true, events: 0 });
    });

    it('names the first version that does not verify', () => {
      const at = (version: number, change: (e: (typeof chain)[number]) => (typeof chain)[number]) => chain.map((e) => (e.streamVersion === version ? change(e) : e));
      assert.deepEqual(verifyChain(at(3, (e) => ({ ...e, data: { amount: 1 } }))), { valid: false, events: 5, brokenAt: 3 });
      assert.deepEqual(verifyChain(at(4, (e) => ({ ...e, metadata: { ...e.metadata, userId: 'someone-else' } }))), { valid: false, events: 5, brokenAt: 4 });
      assert.deepEqual(verifyChain(at(2, (e) => ({ ...e, hash: '0'.repeat(64) }))), { valid: false, events: 5, brokenAt: 2 });
      assert.deepEqual(verifyChain(at(5, (e) => ({ ...e, prevHash: '' }))), { valid: false, events: 5, brokenAt: 5 });
      assert.deepEqual(verifyChain(at(1, (e) => ({ ...e, streamId: 'auction-2' }))), { valid: false, events: 5, brokenAt: 1 });
    });

    it('detects a removed, a reordered and a foreign event, and a stream that does not start at 1', () => {
      assert.deepEqual(verifyChain(chain.filter((e) => e.streamVersion !== 3)), { valid: false, events: 4, brokenAt: 3 });
      assert.deepEqual(verifyChain([chain[0]!, chain[2]!, chain[1]!, chain[3]!]), { valid: false, events: 4, brokenAt: 2 });
      const foreign = sealEvents('auction-2', EMPTY_CHAIN, newEvents(2));
      assert.deepEqual(verifyChain([chain[0]!, foreign[1]!]), { valid: false, events: 2, brokenAt: 2 });
      assert.deepEqual(verifyChain(chain.slice(1)), { valid: false, events: 4, brokenAt: 1 });
    });

    it('can be run event by event (checkNextLink) with the same result', () => {
      let check = startChainCheck;
      for (const e of chain) check = checkNextLink(check, e);
      assert.deepEqual(chainCheckResult(check), verifyChain(chain));
    });

    it('holds for any data, and any single alteration breaks the chain at that version', () => {
      const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
      const data = fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 4 }) as fc.Arbitrary<JsonObject>;
      fc.assert(
        fc.property(fc.array(data, { minLength: 1, maxLength: 8 }), fc.nat(), (datas, pick) => {
          const sealed = sealEvents('auction-p', EMPTY_CHAIN, newEvents(datas.length, (i) => datas[i]!));
          assert.deepEqual(verifyChain(sealed), { valid: true, events: sealed.length });
          const index = pick % sealed.length;
          const altered = sealed.map((e, i) => (i === index ? { ...e, data: { ...e.data, __altered__: true } } : e)); // keys are at most 8 characters: always a change
          assert.deepEqual(verifyChain(altered), { valid: false, events: sealed.length, brokenAt: index + 1 });
        }),
        { numRuns: 200 },
      );
    });
  });
});
