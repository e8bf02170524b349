// The shared head of the log (commands/event-log/log-tail.ts): whatever subscriptions ask, in any
// order, interleaved with appends, each gets exactly the log's next events after its position (none
// skipped, none twice), and subscriptions at the head share one read of the log.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LogPosition, RecordedEvent } from '../../domain/index.js';
import { LogTail } from '../../commands/index.js';

const event = (n: number): RecordedEvent => ({
  eventId: `e-${n}`,
  type: 'Noted',
  data: { n },
  metadata: { commandId: `c-${n}`, idempotencyKey: null, userId: 'u', correlationId: 'x', causationId: `c-${n}`, serverTime: '2030-01-01T00:00:00.000Z', schemaVersion: 1 },
  streamId: `s-${n % 3}`,
  streamVersion: n,
  position: String(n),
  prevHash: '',
  hash: '',
});

/** A log in memory whose reads take a turn of the event loop, so appends can land while one runs. */
class FakeLog {
  readonly events: RecordedEvent[] = [];
  reads = 0;
  append(count: number): void {
    for (let i = 0; i < count; i++) this.events.push(event(this.events.length + 1));
  }
  after(position: LogPosition): RecordedEvent[] {
    return this.events.filter((e) => Number(e.position) > Number(position));
  }
  source() {
    return {
      readAll: async (after: LogPosition, limit: number) => {
        this.reads += 1;
        await new Promise<void>((resolve) => setImmediate(resolve));
        return this.after(after).slice(0, limit);
      },
      hasPendingAfter: async () => false,
      compare: (a: LogPosition, b: LogPosition) => Number(a) - Number(b),
    };
  }
}

type Step = { readonly kind: 'append'; readonly count: number; readonly handOver: 'no' | 'yes' | 'stale' } | { readonly kind: 'read'; readonly reader: number; readonly limit: number; readonly together: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), count: fc.integer({ min: 1, max: 7 }), handOver: fc.constantFrom('no' as const, 'yes' as const, 'stale' as const) }),
  fc.record({ kind: fc.constant('read' as const), reader: fc.integer({ min: 0, max: 3 }), limit: fc.integer({ min: 1, max: 6 }), together: fc.integer({ min: 1, max: 3 }) }),
);

describe('log tail: one shared read of the head for every subscription of a process', () => {
  it('gives each reader exactly the next events of the log after its position, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 10 }),
        fc.array(stepArb, { maxLength: 40 }),
        fc.record({ capacity: fc.integer({ min: 3, max: 12 }), pageSize: fc.integer({ min: 1, max: 3 }) }),
        async (starts, initial, steps, sizes) => {
          const log = new FakeLog();
          log.append(initial);
          const tail = new LogTail(log.source(), sizes);
          const positions = starts.map((s) => String(Math.min(s, initial)));
          for (const step of steps) {
            if (step.kind === 'append') {
              const before = log.events.length;
              log.append(step.count);
              const written = log.events.slice(before);
              // As the log on PGlite does: hand the events over with the log's end before them (or, for
              // 'stale', a position before that: the tail must refuse it), and poke unless the tail took them.
              if (step.handOver !== 'no') tail.offer(String(step.handOver === 'yes' ? before : Math.max(0, before - 1)), step.handOver === 'yes' ? written : log.events.slice(Math.max(0, before - 1)));
              if (step.handOver === 'no' || !tail.reaches(written.at(-1)!.position)) tail.poke();
              continue;
            }
            // The same reader asking `together` times at once stands for several readers at one position.
            const from = positions[step.reader]!;
            const expected = log.after(from);
            const reads = Array.from({ length: step.together }, () => tail.readBatch(from, step.limit));
            if (step.together > 1) {
              log.append(1); // an append while the reads run, handed over (odd limits) or not
              const written = log.events.at(-1)!;
              if (step.limit % 2 === 1) tail.offer(String(Number(written.position) - 1), [written]);
              if (!tail.reaches(written.position)) tail.poke();
            }
            const batches = await Promise.all(reads);
            for (const batch of batches) {
              assert.ok(batch.length <= step.limit);
              assert.deepEqual(batch.map((e) => e.position), log.after(from).slice(0, batch.length).map((e) => e.position), 'the next events, in order');
              if (expected.length > 0) assert.ok(batch.length > 0, 'events were there: the read returns some');
            }
            const last = batches[0]!.at(-1);
            if (last !== undefined) positions[step.reader] = last.position;
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('serves readers at the head with one read of the log (and one more for those who came during it)', async () => {
    const log = new FakeLog();
    const tail = new LogTail(log.source());
    await tail.readBatch('0', 100);
    log.append(5);
    tail.poke();
    const before = log.reads;
    const batches = await Promise.all(Array.from({ length: 10 }, () => tail.readBatch('0', 100)));
    assert.ok(log.reads - before <= 2, `${log.reads - before} reads for 10 readers at the head`);
    for (const batch of batches) assert.equal(batch.length, 5);
    // A reader further behind than the buffer reaches reads the log itself.
    const small = new LogTail(log.source(), { capacity: 2, pageSize: 2 });
    await small.readBatch('3', 10);
    log.append(2);
    small.poke();
    await small.readBatch('5', 10);
    const reads = log.reads;
    assert.deepEqual((await small.readBatch('1', 10)).map((e) => e.position), ['2', '3', '4', '5', '6', '7']);
    assert.equal(log.reads, reads + 1);
  });

  it('reads the head again only when poked (an append, a NOTIFY) or after a quiet spell, so readers coming back cost nothing', async () => {
    const log = new FakeLog();
    log.append(2);
    const tail = new LogTail(log.source());
    assert.equal((await tail.readBatch('0', 10)).length, 2);
    const reads = log.reads;
    for (let i = 0; i < 5; i++) assert.deepEqual(await tail.readBatch('2', 10), []);
    assert.equal(log.reads, reads, 'no poke, no read');
    log.append(1);
    tail.poke();
    assert.deepEqual((await tail.readBatch('2', 10)).map((e) => e.position), ['3']);
    log.append(1); // written by someone who does not poke this tail: seen after the quiet spell
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual((await tail.readBatch('3', 10)).map((e) => e.position), ['4']);
  });
});
