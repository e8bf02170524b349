// Real events for read-side tests: commands decided by the domain and appended by the real command
// handler to a real event log, on a clock the test moves. `runTraffic` plays a seeded, repeatable
// mix of auctions (reserve, buy-now, soft close, some taking approved bidders only), proxy bids from
// several bidders (some refused), retractions, buy-nows and cancellations, and finally closes every
// auction still live.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, MinorUnits, Rejection, UnstampedCommand } from '../../domain/index.js';
import { fromMillis } from '../../domain/index.js';
import { AuctionRepository, CommandHandler, InProcessLock } from '../../commands/index.js';
import type { Accepted } from '../../commands/index.js';
import { prng } from '../../scripts/bench/auction-log.js';

const money = (n: number): MinorUnits => n as MinorUnits;

export class TestClock {
  constructor(public ms: number = Date.parse('2030-01-01T00:00:00.000Z')) {}
  readonly now = (): Date => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += Math.round(seconds * 1000);
  }
  iso(offsetSeconds = 0): string {
    return new Date(this.ms + offsetSeconds * 1000).toISOString();
  }
}

/** A small seeded PRNG (mulberry32): the same seed plays the same traffic. */
export const seededRandom = prng;

export interface ListingOptions {
  readonly sellerId?: string;
  readonly startingPrice?: number;
  readonly reservePrice?: number | null;
  readonly buyNowPrice?: number | null;
  readonly endsInSeconds?: number;
  readonly softClose?: { windowSeconds: number; extensionSeconds: number } | null;
  readonly title?: string;
  readonly approvedBiddersOnly?: boolean;
}

export class AuctionWriter {
  readonly handler: CommandHandler;

  constructor(readonly log: EventLog, readonly clock: TestClock = new TestClock()) {
    this.handler = new CommandHandler({ log, repository: new AuctionRepository(log), lock: new InProcessLock(), clock: clock.now });
  }

  run(command: UnstampedCommand, userId: string): Promise<E.Either<Rejection, Accepted>> {
    return this.handler.handle(command, { commandId: randomUUID(), userId, idempotencyKey: null, correlationId: randomUUID() });
  }

  /** Runs a command that must be accepted. */
  async must(command: UnstampedCommand, userId: string): Promise<Accepted> {
    const result = await this.run(command, userId);
    if (E.isLeft(result)) throw new Error(`${command.type} refused: ${result.left.code} ${result.left.message}`);
    return result.right;
  }

  create(auctionId: string, o: ListingOptions = {}): Promise<Accepted> {
    const sellerId = o.sellerId ?? 'sam';
    return this.must({
      type: 'CreateAuction',
      auctionId,
      sellerId,
      title: o.title ?? `Lot ${auctionId}`,
      description: 'a test lot',
      currency: 'USD',
      startingPrice: money(o.startingPrice ?? 1000),
      reservePrice: o.reservePrice == null ? null : money(o.reservePrice),
      buyNowPrice: o.buyNowPrice == null ? null : money(o.buyNowPrice),
      startsAt: null,
      endsAt: fromMillis(this.clock.ms + (o.endsInSeconds ?? 3600) * 1000),
      softClose: o.softClose ?? null,
      approvedBiddersOnly: o.approvedBiddersOnly ?? false,
      format: 'english',
      clock: null,
    }, sellerId);
  }

  bid(auctionId: string, bidderId: string, maxAmount: number) {
    return this.run({ type: 'PlaceBid', auctionId, bidId: randomUUID(), bidderId, maxAmount: money(maxAmount) }, bidderId);
  }

  retract(auctionId: string, bidderId: string) {
    return this.run({ type: 'RetractBid', auctionId, bidderId, bidId: null, reason: 'entered-wrong-amount' }, bidderId);
  }

  approve(auctionId: string, sellerId: string, bidderId: string) {
    return this.run({ type: 'ApproveBidder', auctionId, sellerId, bidderId }, sellerId);
  }

  buyNow(auctionId: string, buyerId: string) {
    return this.run({ type: 'BuyNow', auctionId, buyerId }, buyerId);
  }

  cancel(auctionId: string, userId: string, byAdmin = false) {
    return this.run({ type: 'CancelAuction', auctionId, userId, byAdmin, reason: null }, userId);
  }

  close(auctionId: string) {
    return this.run({ type: 'CloseAuction', auctionId }, 'system:scheduler');
  }
}

export interface TrafficOptions {
  readonly auctions: number;
  /** Bids, buy-nows and cancellations, spread over the auctions. */
  /** Bids, retractions, buy-nows and cancellations, spread over the auctions. */
  readonly commands: number;
  readonly seed: number;
  /** Auction ids are `${prefix}-${n}`. */
  readonly prefix: string;
  /** Close every auction still live at the end (default true). */
  readonly closeAll?: boolean;
}

export interface TrafficReport {
  readonly auctionIds: readonly string[];
  readonly accepted: number;
  readonly refused: number;
}

const bidders = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

export const runTraffic = async (writer: AuctionWriter, o: TrafficOptions): Promise<TrafficReport> => {
  const random = seededRandom(o.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const auctionIds: string[] = [];
  const price = new Map<string, number>();
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < o.auctions; i++) {
    const auctionId = `${o.prefix}-${i}`;
    const startingPrice = 500 + Math.floor(random() * 20) * 100;
    const approvedBiddersOnly = random() < 0.15;
    await writer.create(auctionId, {
      sellerId: `seller-${i % 3}`,
      approvedBiddersOnly,
      startingPrice,
      reservePrice: random() < 0.4 ? startingPrice * 3 : null,
      buyNowPrice: random() < 0.3 ? startingPrice * 10 : null,
      // Some end within the traffic (soft-close extensions, then bids refused after the end).
      endsInSeconds: random() < 0.3 ? 30 + Math.floor(random() * 120) : 3600,
      softClose: random() < 0.5 ? { windowSeconds: 60, extensionSeconds: 30 } : null,
    });
    auctionIds.push(auctionId);
    price.set(auctionId, startingPrice);
    accepted++;
    if (approvedBiddersOnly) {
      for (const bidder of bidders.slice(0, 3)) if (E.isRight(await writer.approve(auctionId, `seller-${i % 3}`, bidder))) accepted++;
    }
  }
  for (let n = 0; n < o.commands; n++) {
    writer.clock.advance(random() * 2);
    const auctionId = pick(auctionIds);
    const roll = random();
    const who = pick(bidders);
    const result =
      roll < 0.04 ? await writer.buyNow(auctionId, who)
      : roll < 0.06 ? await writer.cancel(auctionId, `seller-${auctionIds.indexOf(auctionId) % 3}`)
      : roll < 0.1 ? await writer.retract(auctionId, who)
      : await writer.bid(auctionId, who, (price.get(auctionId) ?? 0) + Math.floor(random() * 40) * 50);
    if (E.isRight(result)) {
      accepted++;
      const state = result.right.state;
      if (state.kind === 'auction') price.set(auctionId, state.currentPrice);
    } else refused++;
  }
  if (o.closeAll ?? true) {
    writer.clock.advance(86_400);
    for (const auctionId of auctionIds) {
      const result = await writer.close(auctionId);
      if (E.isRight(result) && result.right.events.length > 0) accepted++;
    }
  }
  return { auctionIds, accepted, refused };
};
