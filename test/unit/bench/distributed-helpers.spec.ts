// The benchmark's pure helpers for the distributed rows: matching accepted bids to their
// `auction.updated` frames, the pace of the fixed-rate load, half a rate, and the auction sample.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sampleEvenly } from '../../../scripts/bench/bid-to-frame.js';
import { cpuPerBid, formatCpuPerBid } from '../../../scripts/bench/cpu-time.js';
import { FrameArrivals } from '../../../scripts/bench/frame-match.js';
import { parseBenchOptions, UsageError } from '../../../scripts/bench/options.js';
import { halfRate, sendsDue } from '../../../scripts/bench/paced-load.js';

describe('bench: bids matched to their auction.updated frames', () => {
  it('matches a bid to the first frame of its auction at or after its version', () => {
    const arrivals = new FrameArrivals();
    arrivals.record('a', 2, 10);
    arrivals.record('a', 4, 20); // versions 3 and 4 in one frame
    arrivals.record('b', 3, 30);
    const bids = [
      { auctionId: 'a', version: 2, sentAt: 5 },
      { auctionId: 'a', version: 3, sentAt: 12 },
      { auctionId: 'b', version: 3, sentAt: 1 },
      { auctionId: 'a', version: 5, sentAt: 15 }, // its frame has not come
      { auctionId: 'c', version: 1, sentAt: 0 }, // an auction without frames
    ];
    assert.deepEqual(arrivals.latencies(bids), { latencies: [5, 8, 29], unmatched: 2 });
    assert.equal(arrivals.allSeen(bids), false);
    assert.equal(arrivals.allSeen(bids.slice(0, 3)), true);
  });

  it('matches a frame that arrived before the bid was answered, and ignores a repeated frame', () => {
    const arrivals = new FrameArrivals();
    arrivals.record('a', 7, 40);
    arrivals.record('a', 7, 55); // a repeat: the first arrival counts
    arrivals.record('a', 6, 60); // older than one seen: ignored
    assert.equal(arrivals.firstAtOrAfter('a', 6), 40);
    assert.equal(arrivals.firstAtOrAfter('a', 7), 40);
    assert.equal(arrivals.firstAtOrAfter('a', 8), undefined);
  });

  it('finds the same frame as a scan of every arrival in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ auction: fc.constantFrom('a', 'b'), step: fc.integer({ min: 0, max: 3 }) }), { maxLength: 40 }),
        fc.constantFrom('a', 'b', 'c'),
        fc.integer({ min: 0, max: 50 }),
        (frames, auctionId, version) => {
          const arrivals = new FrameArrivals();
          const last = new Map<string, number>();
          // The model: per auction, the frames whose version rises over every one before it.
          const kept: { auctionId: string; version: number; at: number }[] = [];
          frames.forEach(({ auction, step }, at) => {
            const v = (last.get(auction) ?? 0) + step;
            arrivals.record(auction, v, at);
            const previous = kept.filter((k) => k.auctionId === auction).at(-1);
            if (previous === undefined || v > previous.version) kept.push({ auctionId: auction, version: v, at });
            last.set(auction, v);
          });
          const expected = kept.find((k) => k.auctionId === auctionId && k.version >= version)?.at;
          assert.equal(arrivals.firstAtOrAfter(auctionId, version), expected);
        },
      ),
    );
  });
});

describe('bench: the fixed-rate load', () => {
  it('halves a rate to a whole number of requests per second, at least one', () => {
    assert.equal(halfRate(1001), 501);
    assert.equal(halfRate(1000), 500);
    assert.equal(halfRate(0.4), 1);
    assert.equal(halfRate(0), 1);
  });

  it('sends the first request at once and request n at n / rate seconds, never more than the total', () => {
    assert.equal(sendsDue(0, 100, 1000), 1);
    assert.equal(sendsDue(9.99, 100, 1000), 1);
    assert.equal(sendsDue(10, 100, 1000), 2);
    assert.equal(sendsDue(1000, 100, 1000), 101);
    assert.equal(sendsDue(60_000, 100, 1000), 1000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 10_000 }), (t1, t2, rate, total) => {
        const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1];
        assert.ok(sendsDue(early, rate, total) <= sendsDue(late, rate, total), 'never fewer later');
        assert.ok(sendsDue(late, rate, total) <= total);
        // Over any interval, about rate per second: within one request.
        const sentBetween = sendsDue(late, rate, total) - sendsDue(early, rate, total);
        if (sendsDue(late, rate, total) < total) assert.ok(Math.abs(sentBetween - ((late - early) * rate) / 1000) <= 1);
      }),
    );
  });

  it('samples auctions evenly over the list, each once', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `a${i}`);
    const sample = sampleEvenly(ids, 48);
    assert.equal(sample.length, 48);
    assert.equal(new Set(sample).size, 48);
    assert.equal(sample[0], 'a0');
    assert.deepEqual(sampleEvenly(ids.slice(0, 5), 48), ids.slice(0, 5));
  });
});

describe('bench: CPU time per accepted bid, by process', () => {
  it('takes the CPU time of each process between two readings and divides it by the accepted bids', () => {
    const before = new Map([['command-api 1', 1000], ['publisher', 200]]);
    const after = new Map([['command-api 1', 1500], ['publisher', 250], ['late', 10]]);
    const cpu = cpuPerBid(before, after, 100);
    assert.deepEqual(cpu, [
      { name: 'command-api 1', cpuMs: 500, perBidMs: 5 },
      { name: 'publisher', cpuMs: 50, perBidMs: 0.5 },
    ]);
    assert.equal(formatCpuPerBid(cpu), 'command-api 1 5.00, publisher 0.50; all processes 5.50 ms');
    assert.equal(formatCpuPerBid(cpu.slice(0, 1)), '5.00 ms');
    assert.deepEqual(cpuPerBid(before, before, 0).map((c) => c.perBidMs), [0, 0]);
  });
});

describe('bench: --mode takes a comma-separated list', () => {
  it('runs the modes named, in the benchmark order, and refuses an unknown one', () => {
    const parsed = parseBenchOptions(['--mode', 'processes,pg+redis+kafka']);
    assert.notEqual(parsed, 'help');
    if (parsed === 'help') return;
    assert.deepEqual(parsed.modes, ['pg+redis+kafka', 'processes']);
    const all = parseBenchOptions([]);
    assert.ok(all !== 'help' && all.modes.length === 5);
    assert.throws(() => parseBenchOptions(['--mode', 'processes,cluster']), UsageError);
  });
});
