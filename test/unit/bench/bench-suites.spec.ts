// The pure helpers of the benchmark's suites: delivery latency (which frame delivered which bid, the
// histogram the client processes fill), the options, and the generated log of the rebuild suite.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionEvent } from '../../../domain/index.js';
import { decodeStoredEvent, fold } from '../../../domain/index.js';
import { auctionLog, prng } from '../../../scripts/bench/auction-log.js';
import { LatencyHistogram, deliveries } from '../../../scripts/bench/delivery.js';
import { clientProcessesFor, shares } from '../../../scripts/bench/fanout-suite.js';
import { parseBenchOptions, suiteList, UsageError } from '../../../scripts/bench/options.js';
import type { BenchOptions } from '../../../scripts/bench/options.js';
import { PGLITE_MAX_EVENTS, eventsFor } from '../../../scripts/bench/rebuild-suite.js';
import { fanoutModes, rebuildStores } from '../../../scripts/bench/suites.js';
import { formatPipelineFigures, parsePipelineResult, pipelineBuses } from '../../../scripts/bench/pipeline-suite.js';

describe('bench: delivery latency', () => {
  it('times each bid to the first frame at or after its version; a frame may deliver several bids', () => {
    const frames = [{ version: 2, at: 105 }, { version: 4, at: 130 }, { version: 5, at: 160 }];
    assert.deepEqual(deliveries([[2, 100], [3, 110], [4, 120], [6, 150]], frames), { latencies: [5, 20, 10], missing: 1 });
    assert.deepEqual(deliveries([], frames), { latencies: [], missing: 0 });
    assert.deepEqual(deliveries([[1, 0]], []), { latencies: [], missing: 1 });
  });

  it('the histogram gives the percentiles of its samples (to 0.1 ms), merged or not', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 100 }), (tenths, p) => {
        const samples = tenths.map((t) => t / 10);
        const whole = new LatencyHistogram();
        const a = new LatencyHistogram();
        const b = new LatencyHistogram();
        samples.forEach((ms, i) => {
          whole.add(ms);
          (i % 2 === 0 ? a : b).add(ms);
        });
        const merged = new LatencyHistogram();
        merged.merge(a.entries());
        merged.merge(b.entries());
        const sorted = [...samples].sort((x, y) => x - y);
        const expected = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
        assert.equal(whole.percentile(p), expected);
        assert.equal(merged.percentile(p), expected);
        assert.equal(merged.count, samples.length);
        assert.equal(whole.max(), sorted[sorted.length - 1]);
      }),
    );
    assert.ok(Number.isNaN(new LatencyHistogram().percentile(99)));
  });

  it('spreads the sockets over at most two client processes, in shares that differ by at most one', () => {
    assert.equal(clientProcessesFor(500), 1);
    assert.equal(clientProcessesFor(10_000), 2);
    assert.equal(clientProcessesFor(50_000), 2);
    fc.assert(fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 8 }), (total, parts) => {
      const s = shares(total, parts);
      assert.equal(s.length, parts);
      assert.equal(s.reduce((x, y) => x + y, 0), total);
      assert.ok(Math.max(...s) - Math.min(...s) <= 1);
    }));
  });
});

describe('bench: the pipeline suite (commit -> projector, a row per bus)', () => {
  it('runs on each bus the environment configures, with DATABASE_URL', () => {
    assert.deepEqual(pipelineBuses({ DATABASE_URL: 'postgres://x', KAFKA_BROKERS: 'k:9092', RABBITMQ_URL: 'amqp://r' }), ['kafka', 'rabbitmq']);
    assert.deepEqual(pipelineBuses({ DATABASE_URL: 'postgres://x', RABBITMQ_URL: 'amqp://r', KAFKA_BROKERS: '' }), ['rabbitmq']);
    assert.deepEqual(pipelineBuses({ KAFKA_BROKERS: 'k:9092', RABBITMQ_URL: 'amqp://r' }), []);
  });

  it("reads bus-pipeline's result line, and refuses output without one", () => {
    const out = 'commit -> projector.apply over RabbitMQ (stream gs-x), 1990/2000 events: p50 2.9 ms, p90 6.1 ms, p99 11.8 ms, max 17.0 ms\npublisher lag …';
    assert.deepEqual(parsePipelineResult('rabbitmq', out), { bus: 'rabbitmq', events: 2000, arrived: 1990, p50Ms: 2.9, p90Ms: 6.1, p99Ms: 11.8, maxMs: 17 });
    assert.throws(() => parsePipelineResult('kafka', 'bench:bus needs DATABASE_URL'), /no result line/);
    const table = formatPipelineFigures([parsePipelineResult('rabbitmq', out)], 200);
    assert.match(table, /\| RabbitMQ \| 1990\/2000 \| 2\.9 {4}\| 6\.1 {4}\| 11\.8 {3}\| 17\.0 {3}\|/);
  });
});

describe('bench: options of the suites', () => {
  const parse = (...argv: string[]) => parseBenchOptions(argv) as BenchOptions;

  it('runs every suite by default, and those named in a comma-separated --suite', () => {
    assert.deepEqual(parse().suites, ['throughput', 'rebuild', 'fanout', 'pipeline']);
    assert.deepEqual(suiteList('fanout,rebuild'), ['rebuild', 'fanout']);
    assert.deepEqual(suiteList('throughput, all'), ['throughput', 'rebuild', 'fanout', 'pipeline']);
    assert.throws(() => suiteList('speed'), UsageError);
    assert.throws(() => suiteList(','), UsageError);
  });

  it('--events and --subscribers default to the issue\'s sizes, and --quick scales them down', () => {
    assert.equal(parse().events, 1_000_000);
    assert.equal(parse().subscribers, 10_000);
    assert.ok(parse('--quick').events < 1_000_000 && parse('--quick').subscribers < 10_000);
    assert.equal(parse('--events', '5000', '--subscribers', '30').events, 5000);
    assert.throws(() => parse('--events', '1.5'), UsageError);
    assert.deepEqual(parse('--mode', 'embedded-disk').modes, ['embedded-disk']);
  });

  it('keeps the rebuild\'s log only when asked (--keep-log)', () => {
    assert.equal(parse().keepLog, false);
    assert.equal(parse('--keep-log', '--events', '200000').keepLog, true);
  });

  it('picks the stores and modes each suite runs in', () => {
    assert.deepEqual(rebuildStores(['embedded', 'embedded-disk', 'pg+redis'], true), ['PostgreSQL', 'PGlite']);
    assert.deepEqual(rebuildStores(['embedded', 'pg+redis'], false), ['PGlite']);
    assert.deepEqual(rebuildStores(['pg+redis'], true), ['PostgreSQL']);
    assert.deepEqual(fanoutModes(['embedded-disk', 'pg+redis'], true), ['embedded', 'pg+redis']);
    assert.deepEqual(fanoutModes(['pg+redis'], false), []);
    assert.equal(eventsFor('PostgreSQL', 1_000_000), 1_000_000);
    assert.equal(eventsFor('PGlite', 1_000_000), PGLITE_MAX_EVENTS);
  });
});

describe('bench: the generated log of the rebuild suite', () => {
  it('the PRNG is deterministic and in [0, 1)', () => {
    const a = prng(7);
    const b = prng(7);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });

  it('makes exactly the events asked for, as appends at each stream\'s next version, of auctions the domain decided', () => {
    for (const events of [1, 137, 4000]) {
      const versions = new Map<string, number>();
      const streams = new Map<string, AuctionEvent[]>();
      let made = 0;
      for (const batch of auctionLog({ events, runId: 't', wave: 40 })) {
        assert.equal(new Set(batch.map((a) => a.streamId)).size, batch.length, 'one append per stream in a batch');
        for (const append of batch) {
          assert.equal(append.expectedVersion, versions.get(append.streamId) ?? 0);
          assert.ok(append.events.length > 0);
          versions.set(append.streamId, append.expectedVersion + append.events.length);
          made += append.events.length;
          const decoded = append.events.map((e) => {
            const d = decodeStoredEvent(e);
            assert.ok(E.isRight(d), `${append.streamId}: ${E.isLeft(d) ? d.left : ''}`);
            return d.right;
          });
          streams.set(append.streamId, [...(streams.get(append.streamId) ?? []), ...decoded]);
        }
      }
      assert.equal(made, events);
      const ids = [...streams.values()].flat().length;
      assert.equal(ids, events);
      for (const [streamId, stream] of streams) {
        assert.equal(stream[0]!.type, 'AuctionCreated', streamId);
        assert.equal(fold(stream).kind, 'auction');
      }
      if (events === 4000) {
        const types = new Set([...streams.values()].flat().map((e) => e.type));
        assert.ok(types.has('BidPlaced') && types.has('AuctionClosed'), [...types].join(', '));
      }
    }
  });

  it('is the same log for the same seed and run id', () => {
    const log = (seed: number) => [...auctionLog({ events: 500, runId: 'same', seed })].flatMap((b) => b.flatMap((a) => a.events));
    assert.deepEqual(log(3), log(3));
    assert.notDeepEqual(log(3).map((e) => e.data), log(4).map((e) => e.data));
    assert.equal(new Set(log(3).map((e) => e.eventId)).size, 500);
  });
});
