// A large, realistic event log for the rebuild benchmark, made without HTTP: auctions created,
// bid on by many bidders with proxy maxima (every event decided by the real domain `decide`, so
// every fact is one the command side could have written), most of them closed at their end. The
// auctions run in waves, several rounds of a few bids each, so that a page of the log holds events
// of many auctions, as a live log does. Deterministic for a seed (the random numbers are a PRNG's).
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionState, NewEvent } from '../../domain/index.js';
import { currentSchemaVersion, decide, evolve, fromMillis, increment, initialState, minorUnits, streamIdOf } from '../../domain/index.js';
import { eventIdFor, uuidFrom } from '../../commands/index.js';
import type { StreamAppend } from '../../commands/index.js';

/** mulberry32: a small, fast, seedable PRNG (numbers in [0, 1)). */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export interface AuctionLogOptions {
  /** Events to make in all (the last wave stops at this count). */
  readonly events: number;
  /** A label that makes ids unique per run. */
  readonly runId: string;
  readonly seed?: number;
  /** Auctions live at once (one wave); default 500. */
  readonly wave?: number;
  /** Bids planned per auction, uniformly in [min, max]; default 10..90. */
  readonly bidsPerAuction?: readonly [number, number];
  /** The share of auctions closed at their end; default 0.8 (the rest stay open). */
  readonly closedShare?: number;
  readonly bidders?: number;
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const HOUR = 3600_000;
const CURRENCY = 'USD';

/** One auction of the log, deciding its own commands on its own state. */
class SimulatedAuction {
  state: AuctionState = initialState;
  version = 0;
  bidsLeft: number;
  commands = 0;
  private readonly startMs: number;

  constructor(
    readonly auctionId: string,
    private readonly runId: string,
    startMs: number,
    bids: number,
    readonly closes: boolean,
  ) {
    this.startMs = startMs;
    this.bidsLeft = bids;
  }

  get endsAtMs(): number {
    return this.startMs + HOUR;
  }

  /** Decides one command; its events (none if refused), with the state and version moved on. */
  run(command: AuctionCommand, userId: string): NewEvent[] {
    const decided = decide(command, this.state);
    this.commands += 1;
    if (E.isLeft(decided)) return [];
    const commandId = uuidFrom('bench-log', this.runId, this.auctionId, String(this.commands));
    return decided.right.map((event, index) => {
      this.state = evolve(this.state, event);
      this.version += 1;
      return {
        eventId: eventIdFor(commandId, index),
        type: event.type,
        data: event.data as unknown as NewEvent['data'],
        metadata: {
          commandId,
          idempotencyKey: null,
          userId,
          correlationId: commandId,
          causationId: commandId,
          serverTime: command.now,
          schemaVersion: currentSchemaVersion[event.type],
        },
      };
    });
  }

  create(random: () => number): NewEvent[] {
    const now = fromMillis(this.startMs);
    const withReserve = random() < 0.3;
    return this.run({
      type: 'CreateAuction',
      auctionId: this.auctionId,
      sellerId: `seller-${Math.floor(random() * 200)}`,
      title: `Lot ${this.auctionId}`,
      description: 'Generated for the rebuild benchmark.',
      currency: CURRENCY,
      startingPrice: minorUnits(1000 + Math.floor(random() * 50) * 100),
      reservePrice: withReserve ? minorUnits(20_000) : null,
      buyNowPrice: !withReserve && random() < 0.2 ? minorUnits(500_000) : null,
      startsAt: null,
      endsAt: fromMillis(this.endsAtMs),
      softClose: null,
      approvedBiddersOnly: false, format: 'english', clock: null,
      now,
    }, 'bench-seller');
  }

  /** A proxy bid: a maximum a few increments above the price, sometimes below the leader's (outbid). */
  bid(random: () => number, bidders: number, bidNumber: number, totalBids: number): NewEvent[] {
    if (this.state.kind !== 'auction') return [];
    const a = this.state;
    const step = increment(a.currentPrice, a.currency);
    const maxAmount = minorUnits(a.currentPrice + step * (1 + Math.floor(random() * 8)));
    let bidderId = `bidder-${Math.floor(random() * bidders)}`;
    if (a.leader?.bidderId === bidderId) bidderId = `bidder-${(Number(bidderId.slice(7)) + 1) % bidders}`;
    // Bids spread over the hour before the end, in order.
    const at = this.startMs + Math.floor(((bidNumber + 1) / (totalBids + 2)) * (HOUR - 1000));
    const now = fromMillis(at);
    return this.run({ type: 'PlaceBid', auctionId: this.auctionId, bidId: `${this.auctionId}-b${bidNumber}`, bidderId, maxAmount, now }, bidderId);
  }

  close(): NewEvent[] {
    return this.run({ type: 'CloseAuction', auctionId: this.auctionId, now: fromMillis(this.endsAtMs) }, 'scheduler');
  }
}

/**
 * The log as a sequence of appends, each a batch of streams (at most one append per stream per
 * batch, each at the version the previous batches left it at). Made lazily, a batch at a time.
 */
export function* auctionLog(options: AuctionLogOptions): Generator<StreamAppend[], void, undefined> {
  const random = prng(options.seed ?? 9);
  const waveSize = options.wave ?? 500;
  const [minBids, maxBids] = options.bidsPerAuction ?? [10, 90];
  const closedShare = options.closedShare ?? 0.8;
  const bidders = options.bidders ?? 2000;
  let made = 0;
  let auctionNumber = 0;
  for (let wave = 0; made < options.events; wave++) {
    const startMs = T0 + wave * 60_000;
    const auctions: SimulatedAuction[] = [];
    const planned = new Map<SimulatedAuction, number>();
    const batch: StreamAppend[] = [];
    for (let i = 0; i < waveSize && made < options.events; i++) {
      auctionNumber += 1;
      const bids = minBids + Math.floor(random() * (maxBids - minBids + 1));
      const auction = new SimulatedAuction(`${options.runId}-a${auctionNumber}`, options.runId, startMs, bids, random() < closedShare);
      planned.set(auction, bids);
      const events = auction.create(random);
      made += events.length;
      auctions.push(auction);
      batch.push({ streamId: streamIdOf(auction.auctionId), expectedVersion: 0, events });
    }
    yield batch;
    // Rounds: each auction still bidding takes one to three bids (one append each round).
    let live = auctions;
    while (live.length > 0 && made < options.events) {
      const round: StreamAppend[] = [];
      const next: SimulatedAuction[] = [];
      for (const auction of live) {
        if (made >= options.events) break;
        const from = auction.version;
        const events: NewEvent[] = [];
        const take = Math.min(auction.bidsLeft, 1 + Math.floor(random() * 3));
        const total = planned.get(auction)!;
        for (let k = 0; k < take && made + events.length < options.events; k++) {
          events.push(...auction.bid(random, bidders, total - auction.bidsLeft, total));
          auction.bidsLeft -= 1;
        }
        if (auction.bidsLeft <= 0 && auction.closes && made + events.length < options.events) events.push(...auction.close());
        else if (auction.bidsLeft > 0) next.push(auction);
        made += events.length;
        if (events.length > 0) round.push({ streamId: streamIdOf(auction.auctionId), expectedVersion: from, events });
      }
      if (round.length > 0) yield round;
      live = next;
    }
  }
}

