// The contract every bus's event source passes (Kafka, RabbitMQ): what a projector sees, whatever
// carries the events. On one ordered destination (a one-partition topic, a stream): each event
// applied once and in order with the last offset as checkpoint; resuming from the projector's own
// checkpoint; redelivery behind the checkpoint changing nothing; several projectors from one
// consumer, each from its own checkpoint; retries without advancing; a checkpoint moved by another
// instance (CheckpointMovedError) behind or ahead; and a message that is not a RecordedEvent
// stopping the consumer, reported, never skipped. What only one bus does (Kafka's partitions and
// group offsets) stays in that bus's own specs.
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/index.js';
import { createLogger } from '../../infra/index.js';
import type { RunningProjection } from '../../projections/index.js';
import { CheckpointMovedError, PoisonMessageError } from '../../projections/index.js';
import type { BusNames, BusUnderTest, SourceExtras } from '../support/bus.js';
import { auctionStreams, recordedEvents, uniqueName } from '../support/kafka.js';
import { RunningProjections } from '../support/running-projections.js';
import { MemoryProjector } from '../support/memory-projector.js';
import { eventually } from '../support/system.js';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/**
 * A MemoryProjector whose checkpoint is compared and set, as the real projectors' is: `apply`
 * refuses (CheckpointMovedError) when the stored checkpoint is not the one this instance last
 * loaded or wrote, so a test can move it behind the source's back.
 */
class FencedProjector extends MemoryProjector {
  private readonly expected = new Map<string, string | undefined>();
  moved = 0;

  override async loadCheckpoint(source: string): Promise<string | undefined> {
    const checkpoint = await super.loadCheckpoint(source);
    this.expected.set(source, checkpoint);
    return checkpoint;
  }

  override async apply(events: readonly RecordedEvent[], source: string, position: string): Promise<void> {
    const stored = this.checkpoints.get(source);
    if (stored !== this.expected.get(source)) {
      this.moved += 1;
      throw new CheckpointMovedError(this.name, source, this.expected.get(source) ?? null, stored ?? null);
    }
    await super.apply(events, source, position);
    this.expected.set(source, position);
  }

  /** What a rebuild does: the read model and checkpoint start over. */
  reset(): void {
    this.streams.clear();
    this.checkpoints.clear();
  }
}

export const busSourceContract = (bus: BusUnderTest): void => {
  describe(`bus event source contract (${bus.name})`, function () {
    this.timeout(60_000);
    const running = new RunningProjections();

    before(function () {
      bus.connect(this, `bus event source contract on ${bus.name}`);
    });
    afterEach(async () => {
      await running.stopAll();
    });
    after(() => bus.cleanup());

    const fresh = async (label: string): Promise<BusNames> => {
      const names = bus.fresh(label);
      await bus.create(names, logger);
      return names;
    };
    const run = async (projector: MemoryProjector, names: BusNames, extras: SourceExtras = {}): Promise<RunningProjection> => {
      return running.track(await bus.source(names, logger, { retryDelayMs: { initial: 20, max: 200 }, ...extras }).run(projector));
    };
    const checkpointOf = (projector: MemoryProjector, names: BusNames): string | undefined =>
      [...projector.checkpoints].find(([source]) => source.startsWith(bus.sourcePrefix(names)))?.[1];

    it('applies each event once, each auction in order, and checkpoints the last offset; resumes from its own checkpoint', async () => {
      const names = await fresh('order');
      const all = recordedEvents(auctionStreams('order', 6), 8);
      const firstHalf = all.slice(0, 24);
      await bus.produce(names, firstHalf.map((event) => ({ event })));
      const projector = new MemoryProjector('order');
      const r = await run(projector, names);
      await eventually(async () => (projector.applied >= firstHalf.length ? true : undefined), 'the first half applied', 30_000);
      assert.equal(checkpointOf(projector, names), String(firstHalf.length - 1), 'the checkpoint is the last offset (offsets count from 0)');
      await running.stop(r);

      await bus.produce(names, all.slice(24).map((event) => ({ event })));
      await run(projector, names);
      await eventually(async () => (projector.applied >= all.length ? true : undefined), 'the second half applied', 30_000);
      assert.deepEqual(projector.gaps, []);
      assert.equal(projector.ignored, 0);
      assert.equal(projector.delivered, all.length, 'nothing before the checkpoint was handed to apply again');
      assert.deepEqual(projector.eventIds(), all.map((e) => e.eventId).sort());
      assert.equal(checkpointOf(projector, names), String(all.length - 1));
    });

    it('redelivers what follows a checkpoint behind the read model, and the copies change nothing', async () => {
      const names = await fresh('redeliver');
      const events = recordedEvents(auctionStreams('redeliver', 4), 5);
      await bus.produce(names, events.map((event) => ({ event })));
      const projector = new MemoryProjector('redeliver');
      const r = await run(projector, names);
      await eventually(async () => (projector.applied >= events.length ? true : undefined), 'every event applied', 30_000);
      await running.stop(r);
      // A crash after the read model's commit and before the next batch's: the checkpoint at offset 2.
      const [source] = [...projector.checkpoints.keys()];
      projector.checkpoints.set(source!, '2');
      const before = projector.eventIds();
      await run(projector, names);
      const redelivered = events.length - 3;
      await eventually(async () => (projector.delivered >= events.length + redelivered ? true : undefined), 'redelivered from offset 3', 30_000);
      assert.equal(projector.ignored, redelivered, 'every redelivered event was already reflected');
      assert.deepEqual(projector.eventIds(), before);
      assert.deepEqual(projector.gaps, []);
      assert.equal(projector.checkpoints.get(source!), String(events.length - 1));
    });

    it('feeds several projectors from one consumer, each from its own checkpoint, one retrying while the other goes on', async () => {
      const names = await fresh('shared');
      const all = recordedEvents(auctionStreams('shared', 4), 6);
      const firstHalf = all.slice(0, 12);
      await bus.produce(names, firstHalf.map((event) => ({ event })));
      const b = new MemoryProjector('b');
      const alone = await run(b, names);
      await eventually(async () => (b.applied >= firstHalf.length ? true : undefined), 'B applied the first half');
      await running.stop(alone);
      await bus.produce(names, all.slice(12).map((event) => ({ event })));

      const a = new MemoryProjector('a');
      a.failures = 3;
      const errors: unknown[] = [];
      const shared = await bus.source(names, logger, { retryDelayMs: { initial: 20, max: 200 }, onError: (error) => errors.push(error) }).runAll([a, b]);
      running.track(shared);
      await eventually(async () => (a.applied >= all.length && b.applied >= all.length ? true : undefined), 'both applied everything', 30_000);
      for (const projector of [a, b]) {
        assert.deepEqual(projector.gaps, [], projector.name);
        assert.deepEqual(projector.eventIds(), all.map((e) => e.eventId).sort(), projector.name);
        assert.equal(checkpointOf(projector, names), String(all.length - 1), projector.name);
      }
      assert.equal(a.failures, 0, "A's failing applies were retried");
      assert.equal(errors.length, 3, 'each failure was reported');
      assert.equal(b.delivered, all.length, 'B was handed only what followed its own checkpoint');
      assert.equal(a.delivered, all.length, 'A was handed each event once');
    });

    it('after CheckpointMovedError reloads the checkpoint: consumes again from it when moved back (a rebuild), skips what it covers when moved ahead', async () => {
      const names = await fresh('moved');
      const streams = auctionStreams('moved', 3);
      const all = recordedEvents(streams, 9);
      const [first, second, third] = [all.slice(0, 9), all.slice(9, 18), all.slice(18)];
      await bus.produce(names, first.map((event) => ({ event })));
      const projector = new FencedProjector('moved');
      await run(projector, names);
      await eventually(async () => (projector.applied >= first.length ? true : undefined), 'the first part applied', 30_000);

      // Moved back: another instance (a rebuild) reset the read model and its checkpoint.
      projector.reset();
      await bus.produce(names, second.map((event) => ({ event })));
      await eventually(async () => (projector.applied >= first.length + second.length ? true : undefined), 'everything applied again from the start', 30_000);
      assert.ok(projector.moved >= 1, 'the source met CheckpointMovedError');
      assert.deepEqual(projector.gaps, []);
      assert.deepEqual(projector.eventIds(), [...first, ...second].map((e) => e.eventId).sort());

      // Moved ahead: another instance applied the third part already (its events and checkpoint,
      // written past this instance's expectation), and the third part is then on the bus.
      const [source] = [...projector.checkpoints.keys()];
      const movedBefore = projector.moved;
      const delivered = projector.delivered;
      await MemoryProjector.prototype.apply.call(projector, third, source!, String(all.length - 1));
      const extra = recordedEvents([`auction-moved-extra-${uniqueName('s')}`], 1);
      await bus.produce(names, [...third, ...extra].map((event) => ({ event })));
      await eventually(async () => (projector.applied >= all.length + 1 ? true : undefined), 'the event after the moved checkpoint applied', 30_000);
      assert.equal(projector.moved, movedBefore + 1, 'one refusal, then the reloaded checkpoint');
      assert.equal(projector.checkpoints.get(source!), String(all.length), 'the checkpoint is the last offset');
      assert.equal(projector.delivered - delivered, third.length + 1, 'what the other instance applied was not applied again');
      assert.deepEqual(projector.gaps, []);
    });

    it('stops at a message that is not a RecordedEvent, reports it, applies nothing after it, and resumes once the checkpoint is moved past it', async () => {
      const names = await fresh('poison');
      const stream = `auction-poison-${uniqueName('s')}`;
      const events = recordedEvents([stream], 3);
      await bus.produce(names, [
        { event: events[0]! },
        { raw: '{"type":"BidPlaced","note":"hand-written, not a RecordedEvent"}' },
        { event: events[1]! },
      ]);
      const projector = new MemoryProjector('poison');
      const reported: unknown[] = [];
      const r = await run(projector, names, { onError: (error) => reported.push(error) });
      const poison = await eventually(async () => reported.find((x): x is PoisonMessageError => x instanceof PoisonMessageError), 'the poison message reported', 30_000);
      assert.equal(poison.offset, '1');
      assert.match(poison.reason, /not a RecordedEvent/);
      assert.equal(projector.streams.get(stream)?.length, 1, 'the event before the poison message was applied');
      const [source] = [...projector.checkpoints.keys()];
      assert.equal(projector.checkpoints.get(source!), '0');
      await bus.produce(names, [{ event: events[2]! }]);
      await running.stop(r);
      assert.equal(projector.streams.get(stream)?.length, 1, 'nothing after the poison message was applied');

      // An operator's decision: move the projector's checkpoint past the bad message.
      projector.checkpoints.set(source!, '1');
      reported.length = 0;
      await run(projector, names, { onError: (error) => reported.push(error) });
      await eventually(async () => ((projector.streams.get(stream)?.length ?? 0) >= 3 ? true : undefined), 'resumed after the bad message', 30_000);
      assert.deepEqual(projector.gaps, []);
      assert.equal(reported.filter((x) => x instanceof PoisonMessageError).length, 0);
    });
  });
};
