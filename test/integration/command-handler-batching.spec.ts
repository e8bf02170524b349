// Group commit: commands queued behind a busy auction are decided in arrival order, each on the
// state its predecessors leave, and share one append. Answers must be exactly those of running the
// same commands one by one.
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import type { AppendResult, EventLog, ExpectedVersion, MinorUnits, NewEvent, UnstampedCommand, UtcTimestamp } from '../../domain/index.js';
import { streamIdOf } from '../../domain/index.js';
import type { CommandContext } from '../../commands/index.js';
import { AuctionRepository, CommandHandler, InProcessLock, commandIdFor, openEventLog } from '../../commands/index.js';
import type { OpenedEventLog } from '../../commands/index.js';

const T0 = Date.parse('2026-06-01T12:00:00.000Z');
const clock = () => new Date(T0 + 60_000);

/** The log, counting appends. */
const counting = (log: EventLog): EventLog & { appends: number } => {
  const counted = Object.create(log) as EventLog & { appends: number };
  counted.appends = 0;
  counted.appendToStream = (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> => {
    counted.appends++;
    return log.appendToStream(streamId, expected, events);
  };
  return counted;
};

const ctx = (userId: string, key: string): CommandContext => ({ commandId: commandIdFor(userId, key), userId, idempotencyKey: key, correlationId: 'test' });

const create = (auctionId: string): UnstampedCommand => ({
  type: 'CreateAuction', auctionId, sellerId: 'sam', title: 'Lamp', description: '', currency: 'USD',
  startingPrice: 1000 as MinorUnits, reservePrice: 3000 as MinorUnits, buyNowPrice: 9000 as MinorUnits,
  startsAt: new Date(T0).toISOString() as UtcTimestamp, endsAt: new Date(T0 + 3_600_000).toISOString() as UtcTimestamp,
  softClose: null,
  approvedBiddersOnly: false, format: 'english', clock: null,
});

const bid = (auctionId: string, i: number, bidder: string, maxAmount: number): [UnstampedCommand, CommandContext] => [
  { type: 'PlaceBid', auctionId, bidId: `b${i}`, bidderId: bidder, maxAmount: maxAmount as MinorUnits },
  ctx(bidder, `${auctionId}-k${i}`),
];

/** What a client sees of an answer (everything but the recorded events' positions and hashes). */
const answer = (r: E.Either<{ code: string }, { version: number; events: readonly { type: string; data: unknown }[]; replayed: boolean }>) =>
  E.isLeft(r) ? { refused: r.left.code } : { version: r.right.version, replayed: r.right.replayed, events: r.right.events };

describe('command handler: group commit per auction', () => {
  let opened: OpenedEventLog;
  let n = 0;
  before(async () => {
    opened = await openEventLog({ dataDir: 'memory' });
  });
  after(async () => opened?.close());

  const freshAuction = async (handler: CommandHandler): Promise<string> => {
    const auctionId = `batch-${++n}`;
    assert.ok(E.isRight(await handler.handle(create(auctionId), ctx('sam', `create-${auctionId}`))));
    return auctionId;
  };

  it('commands queued behind a busy auction share appends, and every answer matches the stream', async () => {
    const log = counting(opened.log);
    const handler = new CommandHandler({ log, repository: new AuctionRepository(log), lock: new InProcessLock(), clock });
    const auctionId = await freshAuction(handler);
    log.appends = 0;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => handler.handle(...bid(auctionId, i, `bidder${i % 7}`, 1000 + i * 100))));
    assert.ok(log.appends < 40, `40 commands took ${log.appends} appends`);
    const stream = await opened.log.readStream(streamIdOf(auctionId));
    for (const r of results.filter(E.isRight)) {
      const own = stream.filter((e) => e.metadata.commandId === r.right.recorded[0]?.metadata.commandId);
      assert.deepEqual(r.right.recorded.map((e) => e.streamVersion), own.map((e) => e.streamVersion));
      assert.equal(r.right.version, own[own.length - 1]?.streamVersion);
    }
    assert.deepEqual(stream.map((e) => e.streamVersion), stream.map((_, i) => i + 1));
  });

  it('a command refused because of an earlier one in the same batch is refused as it would be alone', async () => {
    const handler = new CommandHandler({ log: opened.log, repository: new AuctionRepository(opened.log), lock: new InProcessLock(), clock });
    const auctionId = await freshAuction(handler);
    const [first, second] = await Promise.all([
      handler.handle(...bid(auctionId, 1, 'alice', 1500)),
      handler.handle(...bid(auctionId, 2, 'bob', 1000)),
    ]);
    assert.ok(E.isRight(first));
    assert.ok(E.isLeft(second) && second.left.code === 'BID_TOO_LOW');
  });

  it('the same command sent twice at once appends once; the second is answered as a replay', async () => {
    const handler = new CommandHandler({ log: opened.log, repository: new AuctionRepository(opened.log), lock: new InProcessLock(), clock });
    const auctionId = await freshAuction(handler);
    const [a, b] = await Promise.all([handler.handle(...bid(auctionId, 1, 'alice', 1500)), handler.handle(...bid(auctionId, 1, 'alice', 1500))]);
    assert.ok(E.isRight(a) && E.isRight(b));
    assert.equal(a.right.replayed, false);
    assert.equal(b.right.replayed, true);
    assert.equal(b.right.version, a.right.version);
    assert.equal((await opened.log.readStream(streamIdOf(auctionId))).length, 2);
  });

  it('an append that throws for one command fails that command alone; the others answer as they would alone', async () => {
    const poisoned = new Set<string>();
    /** The log, refusing (by throwing, as PostgreSQL does for a NUL in jsonb) any append holding a poisoned command's events. */
    const refusing = (log: EventLog): EventLog & { widest: number } => {
      const wrapped = Object.create(log) as EventLog & { widest: number };
      wrapped.widest = 0;
      wrapped.appendToStream = (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> => {
        const commands = new Set(events.map((e) => e.metadata.commandId));
        wrapped.widest = Math.max(wrapped.widest, commands.size);
        if ([...commands].some((c) => poisoned.has(c))) return Promise.reject(new Error('invalid byte sequence for encoding "UTF8": 0x00'));
        return log.appendToStream(streamId, expected, events);
      };
      return wrapped;
    };
    const log = refusing(opened.log);
    const batched = new CommandHandler({ log, repository: new AuctionRepository(log), lock: new InProcessLock(), clock });
    const sequential = new CommandHandler({ log, repository: new AuctionRepository(log), lock: new InProcessLock(), clock });
    const [a, b] = [await freshAuction(batched), await freshAuction(sequential)];
    const commands = (auctionId: string) => Array.from({ length: 12 }, (_, i) => bid(auctionId, i, `bidder${i % 5}`, 1000 + i * 250));
    for (const auctionId of [a, b]) for (const i of [3, 8]) poisoned.add(commands(auctionId)[i]![1].commandId);

    const concurrent = await Promise.allSettled(commands(a).map((c) => batched.handle(...c)));
    assert.ok(log.widest > 1, 'the commands were batched');
    const oneByOne = [];
    for (const c of commands(b)) oneByOne.push(await Promise.allSettled([sequential.handle(...c)]).then(([r]) => r!));

    const seen = (r: PromiseSettledResult<Parameters<typeof answer>[0]>) =>
      r.status === 'rejected' ? { failed: (r.reason as Error).message } : JSON.parse(JSON.stringify(answer(r.value)).replaceAll(a, 'X').replaceAll(b, 'X')) as unknown;
    assert.deepEqual(concurrent.map(seen), oneByOne.map(seen));
    assert.deepEqual(concurrent.map((r) => r.status), commands(a).map((_, i) => (i === 3 || i === 8 ? 'rejected' : 'fulfilled')));
    const stream = await opened.log.readStream(streamIdOf(a));
    assert.equal(stream.length, 1 + 10);
    assert.ok(!stream.some((e) => poisoned.has(e.metadata.commandId)));
  });

  it('a command whose events the readers could not decode is refused alone (400 INVALID_REQUEST naming the path); nothing of it is written', async () => {
    const handler = new CommandHandler({ log: opened.log, repository: new AuctionRepository(opened.log), lock: new InProcessLock(), clock });
    const auctionId = await freshAuction(handler);
    const bad: [UnstampedCommand, CommandContext][] = [
      [{ type: 'PlaceBid', auctionId, bidId: 'nul', bidderId: 'eve\u0000', maxAmount: 5000 as MinorUnits }, ctx('eve\u0000', 'k-nul')],
      [{ type: 'PlaceBid', auctionId, bidId: 'surrogate', bidderId: 'eve', maxAmount: 6000 as MinorUnits }, { ...ctx('eve', 'k-sur'), correlationId: '\ud800' }],
      [{ type: 'CancelAuction', auctionId, userId: 'root', byAdmin: true, reason: 'fraud\u0000' }, ctx('root', 'k-cancel')],
    ];
    const good = [bid(auctionId, 1, 'alice', 1500), bid(auctionId, 2, 'bob', 2500), bid(auctionId, 3, 'carol', 4000)];
    const results = await Promise.all([good[0]!, bad[0]!, good[1]!, bad[1]!, bad[2]!, good[2]!].map((c) => handler.handle(...c)));
    const [g1, b1, g2, b2, b3, g3] = results;
    for (const r of [g1, g2, g3]) assert.ok(r !== undefined && E.isRight(r), JSON.stringify(r));
    for (const [r, path] of [[b1, 'data.bidderId'], [b2, 'metadata.correlationId'], [b3, 'data.reason']] as const) {
      if (E.isRight(r!)) assert.fail(`accepted: ${JSON.stringify(r)}`);
      assert.equal(r!.left.code, 'INVALID_REQUEST');
      assert.ok(r!.left.fields?.some((f) => f.path.endsWith(path)), JSON.stringify(r!.left));
    }
    const stream = await opened.log.readStream(streamIdOf(auctionId));
    assert.deepEqual(stream.map((e) => e.type), ['AuctionCreated', 'BidPlaced', 'BidPlaced', 'BidPlaced']);
    assert.deepEqual(stream.slice(1).map((e) => e.metadata.userId), ['alice', 'bob', 'carol']);
  });

  it('property: concurrent (batched) answers equal sequential answers', async () => {
    const step = fc.record({ bidder: fc.constantFrom('alice', 'bob', 'carol', 'sam'), amount: fc.integer({ min: 900, max: 12_000 }), buyNow: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const batched = new CommandHandler({ log: opened.log, repository: new AuctionRepository(opened.log), lock: new InProcessLock(), clock });
        const sequential = new CommandHandler({ log: opened.log, repository: new AuctionRepository(opened.log), lock: new InProcessLock(), clock });
        const [a, b] = [await freshAuction(batched), await freshAuction(sequential)];
        const commands = (auctionId: string) =>
          steps.map((s, i): [UnstampedCommand, CommandContext] =>
            s.buyNow && s.amount % 5 === 0 ? [{ type: 'BuyNow', auctionId, buyerId: s.bidder }, ctx(s.bidder, `${auctionId}-bn${i}`)] : bid(auctionId, i, s.bidder, s.amount));
        const concurrent = await Promise.all(commands(a).map((c) => batched.handle(...c)));
        const oneByOne = [];
        for (const c of commands(b)) oneByOne.push(await sequential.handle(...c));
        const strip = (r: ReturnType<typeof answer>) => JSON.parse(JSON.stringify(r).replaceAll(a, 'X').replaceAll(b, 'X')) as unknown;
        assert.deepEqual(concurrent.map(answer).map(strip), oneByOne.map(answer).map(strip));
      }),
      { numRuns: 25 },
    );
  });
});
