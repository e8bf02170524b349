// The fan-out suite's cheap WebSocket client, pure parts: the frame reader finds the same frames
// however the bytes are split into reads, the byte-level version look agrees with JSON.parse, and
// counting deliveries from arrival times alone (gap-free frames) agrees with matching frames.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { consecutiveDeliveries, deliveries } from '../../../scripts/bench/delivery.js';
import { sampledIndexes } from '../../../scripts/bench/fanout-subscriber.js';
import { FrameReader, Opcode, acceptKey, clientFrame, versionIn } from '../../../scripts/bench/ws-frames.js';

/** A frame as a server writes it (unmasked, FIN). */
const serverFrame = (opcode: number, payload: Buffer): Buffer => {
  const size = payload.length;
  const header = size < 126 ? Buffer.from([0x80 | opcode, size])
    : size < 65_536 ? Buffer.from([0x80 | opcode, 126, size >> 8, size & 0xff])
    : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(size)); return b; })()]);
  return Buffer.concat([header, payload]);
};

const unmask = (frame: Buffer): { opcode: number; payload: Buffer } => {
  const size = frame[1]! & 0x7f;
  const header = size < 126 ? 2 : size === 126 ? 4 : 10;
  const mask = frame.subarray(header, header + 4);
  const payload = Buffer.from(frame.subarray(header + 4).map((byte, i) => byte ^ mask[i & 3]!));
  return { opcode: frame[0]! & 0x0f, payload };
};

const sizes = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(125, 126, 127, 65_535, 65_536, 70_000));

describe('bench: the fan-out client\'s WebSocket frames', () => {
  it('reads the same frames whatever the reads split the bytes into', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(Opcode.text, Opcode.ping, Opcode.close), sizes, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 20 }),
        (specs, cuts) => {
          const frames = specs.map(([opcode, size, fill]) => ({ opcode, payload: Buffer.alloc(size, fill) }));
          const bytes = Buffer.concat(frames.map((f) => serverFrame(f.opcode, f.payload)));
          const read: { opcode: number; payload: Buffer }[] = [];
          const reader = new FrameReader((opcode, data, start, end) => read.push({ opcode, payload: Buffer.from(data.subarray(start, end)) }));
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const next = Math.min(bytes.length, at + cuts[i % cuts.length]!);
            // Each read in a buffer of its own that is overwritten afterwards, as with a shared read buffer.
            const chunk = Buffer.from(bytes.subarray(at, next));
            reader.feed(chunk);
            chunk.fill(0xee);
            at = next;
          }
          assert.deepEqual(read, frames);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses masked or fragmented frames from the server', () => {
    const reader = new FrameReader(() => undefined);
    assert.throws(() => reader.feed(Buffer.from([0x81, 0x80, 0, 0, 0, 0])), /masked/);
    assert.throws(() => new FrameReader(() => undefined).feed(Buffer.from([0x01, 0x00])), /fragmented/);
  });

  it('masks client frames, and knows the accept key of RFC 6455\'s example', () => {
    fc.assert(fc.property(sizes, (size) => {
      const payload = Buffer.alloc(size, 7);
      assert.deepEqual(unmask(clientFrame(Opcode.text, payload)), { opcode: Opcode.text, payload });
    }), { numRuns: 30 });
    assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('finds the version a JSON text carries, as JSON.parse does, within the frame\'s bounds', () => {
    fc.assert(fc.property(fc.nat(), fc.string(), fc.string(), (version, before, after) => {
      const text = JSON.stringify({ type: 'auction.updated', auctionId: before.replace(/version/g, ''), version, leader: after });
      const framed = Buffer.from(`xx${text}{"version":1}`);
      assert.equal(versionIn(framed, 2, 2 + Buffer.byteLength(text)), version);
    }));
    const text = Buffer.from('{"type":"time"}{"version":3}');
    assert.equal(versionIn(text, 0, 15), undefined);
  });

  it('counts deliveries from the arrival times of gap-free frames as matching the frames does', () => {
    fc.assert(fc.property(
      fc.nat({ max: 50 }),
      fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 40 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 30 }),
      (snapshotVersion, gaps, offsets) => {
        let at = 0;
        const arrivals = gaps.map((gap) => (at += gap));
        const frames = arrivals.map((time, i) => ({ version: snapshotVersion + 1 + i, at: time }));
        const bids = offsets.map((o) => [snapshotVersion + o, o * 3] as const).sort((a, b) => a[0] - b[0]);
        assert.deepEqual(consecutiveDeliveries(bids, snapshotVersion, arrivals), deliveries(bids, frames));
      },
    ));
  });

  it('samples sockets spread over the connection order', () => {
    assert.deepEqual([...sampledIndexes(10, 5)], [0, 2, 4, 6, 8]);
    assert.equal(sampledIndexes(5000, 100).size, 100);
    assert.equal(sampledIndexes(3, 10).size, 3);
    assert.equal(sampledIndexes(0, 10).size, 0);
  });
});
