// Recorded events of auctions for projector and realtime tests, decided by the real domain (so
// every fact is one the command side could have written), numbered like a log would.
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionEvent, AuctionState, RecordedEvent, UtcTimestamp } from '../../domain/index.js';
import { currentSchemaVersion, decide, evolve, fromMillis, initialState, streamIdOf } from '../../domain/index.js';

/** Log positions shared by the streams of one test, so interleaved batches look like one log. */
export class LogPositions {
  private next = 0;
  take(): string {
    this.next += 1;
    return String(this.next).padStart(12, '0');
  }
}

const T0 = Date.parse('2026-03-01T10:00:00.000Z');

export class AuctionStream {
  readonly events: RecordedEvent[] = [];
  private state: AuctionState = initialState;
  private bids = 0;
  private lastMax = 0;

  constructor(readonly auctionId: string, private readonly positions: LogPositions = new LogPositions()) {}

  private time(seconds: number): UtcTimestamp {
    return fromMillis(T0 + Math.round(seconds * 1000));
  }

  private run(command: AuctionCommand, seconds: number): RecordedEvent[] {
    const decided = decide(command, this.state);
    if (E.isLeft(decided)) throw new Error(`test stream ${this.auctionId}: ${decided.left.code} ${decided.left.message}`);
    return decided.right.map((event: AuctionEvent) => {
      this.state = evolve(this.state, event);
      const streamVersion = this.events.length + 1;
      const prevHash = this.events[this.events.length - 1]?.hash ?? '';
      const eventId = `${this.auctionId}-${streamVersion}`;
      const recorded: RecordedEvent = {
        eventId,
        type: event.type,
        data: event.data as unknown as RecordedEvent['data'],
        metadata: {
          commandId: eventId,
          idempotencyKey: null,
          userId: 'test',
          correlationId: eventId,
          causationId: eventId,
          serverTime: this.time(seconds),
          schemaVersion: currentSchemaVersion[event.type],
        },
        streamId: streamIdOf(this.auctionId),
        streamVersion,
        position: this.positions.take(),
        prevHash,
        hash: createHash('sha256').update(`${prevHash}${eventId}`).digest('hex'),
      };
      this.events.push(recorded);
      return recorded;
    });
  }

  /** AuctionCreated at T0, open one hour, starting at 10.00 (options override). */
  create(options: { description?: string; buyNowPrice?: number; reservePrice?: number; startingPrice?: number } = {}): RecordedEvent[] {
    return this.run({
      type: 'CreateAuction',
      auctionId: this.auctionId,
      sellerId: 'seller',
      title: 'A 1960s Omega Seamaster',
      description: options.description ?? 'Steel case, 34 mm.',
      currency: 'USD',
      startingPrice: (options.startingPrice ?? 1000) as never,
      reservePrice: (options.reservePrice ?? null) as never,
      buyNowPrice: (options.buyNowPrice ?? null) as never,
      startsAt: null,
      endsAt: this.time(3600),
      softClose: null,
      approvedBiddersOnly: false, format: 'english', clock: null,
      now: this.time(0),
    }, 0);
  }

  /** A bid at `seconds` after T0 (default: 10 ms after the last). */
  bid(bidderId: string, maxAmount: number, seconds = 60 + this.bids / 100): RecordedEvent[] {
    this.bids += 1;
    this.lastMax = Math.max(this.lastMax, maxAmount);
    return this.run({ type: 'PlaceBid', auctionId: this.auctionId, bidId: `${this.auctionId}-b${this.bids}`, bidderId, maxAmount: maxAmount as never, now: this.time(seconds) }, seconds);
  }

  /** `count` bids by alice and bob in turn, each maximum 200.00 above the last (so each takes the lead). */
  bidding(count: number): RecordedEvent[] {
    const out: RecordedEvent[] = [];
    for (let i = 0; i < count; i++) out.push(...this.bid(this.bids % 2 === 0 ? 'alice' : 'bob', Math.max(this.lastMax, 1000) + 20_000));
    return out;
  }

  buyNow(buyerId: string, seconds = 60 + this.bids / 100 + 1): RecordedEvent[] {
    return this.run({ type: 'BuyNow', auctionId: this.auctionId, buyerId, now: this.time(seconds) }, seconds);
  }

  /** Cancelled by an admin (a seller may cancel only before the first bid). */
  cancel(seconds = 60 + this.bids / 100 + 1): RecordedEvent[] {
    return this.run({ type: 'CancelAuction', auctionId: this.auctionId, userId: 'admin', byAdmin: true, reason: null, now: this.time(seconds) }, seconds);
  }

  close(seconds = 3600): RecordedEvent[] {
    return this.run({ type: 'CloseAuction', auctionId: this.auctionId, now: this.time(seconds) }, seconds);
  }
}
