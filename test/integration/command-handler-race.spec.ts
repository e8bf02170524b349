// Two command handlers — as two processes would be: own caches, own in-process locks — racing on
// one auction over one event log. The expected version is the fence: they never both win.
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { randomUUID } from 'node:crypto';
import type { Redis, RedisTarget } from '../../infra/index.js';
import type { AppendResult, EventLog, ExpectedVersion, MinorUnits, NewEvent, UnstampedCommand, UtcTimestamp } from '../../domain/index.js';
import { streamIdOf } from '../../domain/index.js';
import type { CommandContext } from '../../commands/index.js';
import type { LeaseEvent } from '../../commands/index.js';
import { AuctionRepository, CommandHandler, ContentionLeaseLock, InProcessLock, RedlockLock, commandIdFor, openEventLog } from '../../commands/index.js';
import { serviceUrl } from '../support/services.js';
import { openLeaseInstances, redisVariants } from '../support/redis-variants.js';
import { freshDatabase } from '../support/system.js';

interface TwoProcesses {
  readonly log: EventLog;
  readonly handlers: readonly [CommandHandler, CommandHandler];
  /** Each "process"'s lock, when the suite checks which auctions went to leased batches. */
  readonly locks?: readonly [ContentionLeaseLock, ContentionLeaseLock];
  close(): Promise<void>;
}

const ctx = (userId: string, key: string | null = null): CommandContext => ({
  commandId: commandIdFor(userId, key), userId, idempotencyKey: key, correlationId: 'test',
});

const raceSuite = (open: () => Promise<TwoProcesses>) => {
  let p: TwoProcesses;
  let n = 0;
  before(async () => {
    p = await open();
  });
  after(async () => p?.close());

  const createAuction = async (extra: Partial<Extract<UnstampedCommand, { type: 'CreateAuction' }>> = {}) => {
    const auctionId = `race-${++n}-${Date.now()}`;
    const created = await p.handlers[0].handle({
      type: 'CreateAuction', auctionId, sellerId: 'sam', title: 'Lamp', description: '', currency: 'USD',
      startingPrice: 1000 as MinorUnits, reservePrice: null, buyNowPrice: 9000 as MinorUnits, startsAt: null,
      endsAt: new Date(Date.now() + 3_600_000).toISOString() as UtcTimestamp, softClose: null, approvedBiddersOnly: false, format: 'english', clock: null, ...extra,
    }, ctx('sam'));
    assert.ok(E.isRight(created));
    // both "processes" have the auction cached at version 1
    await Promise.all(p.handlers.map((h) => h.handle({ type: 'PlaceBid', auctionId, bidId: 'warm', bidderId: 'sam', maxAmount: 1 as MinorUnits }, ctx('sam'))));
    return auctionId;
  };

  it('two buy-now commands at once: exactly one buyer wins', async () => {
    const auctionId = await createAuction();
    const [a, b] = await Promise.all([
      p.handlers[0].handle({ type: 'BuyNow', auctionId, buyerId: 'alice' }, ctx('alice')),
      p.handlers[1].handle({ type: 'BuyNow', auctionId, buyerId: 'bob' }, ctx('bob')),
    ]);
    const winners = [a, b].filter((r) => E.isRight(r) && r.right.events.length === 1);
    assert.equal(winners.length, 1);
    const loser = [a, b].find((r) => !winners.includes(r))!;
    assert.ok(E.isLeft(loser) && loser.left.code === 'AUCTION_NOT_OPEN');
    const events = await p.log.readStream(streamIdOf(auctionId));
    assert.deepEqual(events.map((e) => e.type), ['AuctionCreated', 'AuctionBoughtNow']);
  });

  it('interleaved bids from both: one contiguous stream, every accepted version distinct', async () => {
    const auctionId = await createAuction({ buyNowPrice: null });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      p.handlers[i % 2]!.handle({ type: 'PlaceBid', auctionId, bidId: `b${i}`, bidderId: `bidder${i % 5}`, maxAmount: (1000 + i * 250) as MinorUnits }, ctx(`bidder${i % 5}`, `k${i}`)),
    ));
    const accepted = results.filter(E.isRight).map((r) => r.right.version);
    assert.equal(new Set(accepted).size, accepted.length, 'no two commands won the same version');
    const events = await p.log.readStream(streamIdOf(auctionId));
    assert.deepEqual(events.map((e) => e.streamVersion), events.map((_, i) => i + 1));
    assert.equal(events.length, 1 + accepted.length);
    // each event's decided price is consistent with the one before it (decided on fresh state)
    const prices = events.slice(1).map((e) => e.data.currentPrice as number);
    assert.deepEqual(prices, [...prices].sort((x, y) => x - y));
    // both started from the same cached version, so one lost an append and now takes the lease
    if (p.locks !== undefined) assert.ok(p.locks.some((l) => l.isContended(auctionId)), 'a conflict switched the auction to leased batches');
  });

  it('a retried command (same command id) through the other process appends nothing new', async () => {
    const auctionId = await createAuction({ buyNowPrice: null });
    const context = ctx('alice', 'retry-key');
    const bid: UnstampedCommand = { type: 'PlaceBid', auctionId, bidId: 'b-retry', bidderId: 'alice', maxAmount: 2000 as MinorUnits };
    const first = await p.handlers[0].handle(bid, context);
    const retry = await p.handlers[1].handle(bid, context);
    assert.ok(E.isRight(first) && E.isRight(retry));
    assert.equal(retry.right.replayed, true);
    assert.equal(retry.right.version, first.right.version);
    assert.equal((await p.log.readStream(streamIdOf(auctionId))).length, 2);
  });
};

describe('two command handlers racing on one auction: PGlite', () => {
  raceSuite(async () => {
    const opened = await openEventLog({ dataDir: 'memory' });
    const handler = () => new CommandHandler({ log: opened.log, repository: new AuctionRepository(opened.log), lock: new InProcessLock() });
    return { log: opened.log, handlers: [handler(), handler()], close: () => opened.close() };
  });
});

describe('two command handlers racing on one auction: PostgreSQL, two connection pools', function () {
  let url: string;
  before(function () {
    url = serviceUrl(this, 'DATABASE_URL', 'handler race on PostgreSQL');
  });
  raceSuite(async () => {
    const db = await freshDatabase(url);
    const one = await openEventLog({ databaseUrl: db.url, dataDir: 'memory' });
    const two = await openEventLog({ databaseUrl: db.url, dataDir: 'memory' });
    return {
      log: one.log,
      handlers: [
        new CommandHandler({ log: one.log, repository: new AuctionRepository(one.log), lock: new InProcessLock() }),
        new CommandHandler({ log: two.log, repository: new AuctionRepository(two.log), lock: new InProcessLock() }),
      ],
      close: async () => {
        await one.close();
        await two.close();
        await db.drop();
      },
    };
  });
});

/** A "process" on PostgreSQL whose lock takes a Redis lease for contended auctions only. */
const leasedProcess = async (databaseUrl: string, clients: readonly Redis[], keyPrefix: string, onLeaseEvent?: (e: LeaseEvent) => void) => {
  const opened = await openEventLog({ databaseUrl, dataDir: 'memory' });
  const local = new InProcessLock();
  const lock = new ContentionLeaseLock({ local, lease: new RedlockLock({ clients, keyPrefix, local, acquireTimeoutMs: 5_000, ...(onLeaseEvent ? { onLeaseEvent } : {}) }) });
  return { opened, lock, handler: (log: EventLog = opened.log) => new CommandHandler({ log, repository: new AuctionRepository(log), lock }) };
};

for (const variant of redisVariants) describe(`two command handlers racing on one auction: PostgreSQL, ${variant.name} leases for contended auctions`, function () {
  let dbUrl: string;
  let target: RedisTarget;
  const prefix = `gs-test:race-lease:${randomUUID()}:`;
  before(function () {
    dbUrl = serviceUrl(this, 'DATABASE_URL', 'handler race with leases');
    target = variant.target(this, 'handler race with leases');
  });
  raceSuite(async () => {
    const db = await freshDatabase(dbUrl);
    const clients = [await openLeaseInstances(target, 'test-race-one'), await openLeaseInstances(target, 'test-race-two')] as const;
    const one = await leasedProcess(db.url, clients[0].clients, prefix);
    const two = await leasedProcess(db.url, clients[1].clients, prefix);
    return {
      log: one.opened.log,
      handlers: [one.handler(), two.handler()],
      locks: [one.lock, two.lock],
      close: async () => {
        await one.opened.close();
        await two.opened.close();
        await db.drop();
        await Promise.all(clients.map((c) => c.close()));
      },
    };
  });
});

for (const variant of redisVariants) describe(`a lease lost while deciding costs a retry, never a wrong answer (PostgreSQL, ${variant.name})`, function () {
  let dbUrl: string;
  let target: RedisTarget;
  const prefix = `gs-test:lost-lease:${randomUUID()}:`;
  before(function () {
    dbUrl = serviceUrl(this, 'DATABASE_URL', 'lost lease');
    target = variant.target(this, 'lost lease');
  });

  it('the other process takes the lease and appends; the first one conflicts, reloads and answers as if it came second', async () => {
    const db = await freshDatabase(dbUrl);
    const clients = [await openLeaseInstances(target, 'test-lost-lease-a'), await openLeaseInstances(target, 'test-lost-lease-b')] as const;
    const eventsA: LeaseEvent[] = [];
    const eventsB: LeaseEvent[] = [];
    const a = await leasedProcess(db.url, clients[0].clients, prefix, (e) => eventsA.push(e));
    const b = await leasedProcess(db.url, clients[1].clients, prefix, (e) => eventsB.push(e));
    try {
      const auctionId = `lost-lease-${Date.now()}`;
      // A's appends first let B run a whole bid while A holds a decision made under its lease.
      let pause: (() => Promise<void>) | undefined;
      const pausing = Object.create(a.opened.log) as EventLog;
      pausing.appendToStream = async (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> => {
        const hook = pause;
        pause = undefined;
        if (hook !== undefined) await hook();
        return a.opened.log.appendToStream(streamId, expected, events);
      };
      const handlerA = a.handler(pausing);
      const handlerB = b.handler();
      const created = await handlerA.handle({
        type: 'CreateAuction', auctionId, sellerId: 'sam', title: 'Lamp', description: '', currency: 'USD',
        startingPrice: 1000 as MinorUnits, reservePrice: null, buyNowPrice: null, startsAt: null,
        endsAt: new Date(Date.now() + 3_600_000).toISOString() as UtcTimestamp, softClose: null, approvedBiddersOnly: false, format: 'english', clock: null,
      }, ctx('sam'));
      assert.ok(E.isRight(created));
      a.lock.contended(auctionId);
      b.lock.contended(auctionId);
      let bAnswer: Awaited<ReturnType<CommandHandler['handle']>> | undefined;
      pause = async () => {
        // A is "paused" past its lease: the lease vanishes and B takes it, bids and releases it.
        await Promise.all(clients[0].clients.map((c) => c.del(`${prefix}${auctionId}`)));
        bAnswer = await handlerB.handle({ type: 'PlaceBid', auctionId, bidId: 'b-bob', bidderId: 'bob', maxAmount: 5000 as MinorUnits }, ctx('bob', 'k-bob'));
      };
      const aAnswer = await handlerA.handle({ type: 'PlaceBid', auctionId, bidId: 'b-alice', bidderId: 'alice', maxAmount: 3000 as MinorUnits }, ctx('alice', 'k-alice'));
      assert.ok(bAnswer !== undefined && E.isRight(bAnswer) && E.isRight(aAnswer));
      assert.equal(bAnswer.right.version, 2, 'B bid first, on the auction as created');
      assert.equal(aAnswer.right.version, 3, 'A appended after reloading');
      const placed = aAnswer.right.events[0];
      assert.ok(placed?.type === 'BidPlaced');
      assert.equal(placed.data.outcome, 'outbid', "A's bid was decided on B's: bob leads at alice's maximum plus an increment");
      const stream = await a.opened.log.readStream(streamIdOf(auctionId));
      assert.deepEqual(stream.map((e) => e.streamVersion), [1, 2, 3]);
      assert.deepEqual(eventsB.map((e) => e.kind), ['acquired']);
      assert.ok(eventsA.some((e) => e.kind === 'acquired'));
    } finally {
      await a.opened.close();
      await b.opened.close();
      await db.drop();
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
