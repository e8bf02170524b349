// Given events / when command / then events or rejection, for the auction decider.
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionEvent, AuctionState, RejectionCode, Rejection, MinorUnits, UtcTimestamp, SoftClose, Currency, AuctionFormat, DutchClock, AuctionLot } from '../../domain/index.js';
import { decide, fold, fromMillis, toMillis } from '../../domain/index.js';

/** What deciding `command` on the state `events` fold into gave: checked as events, one event, or a rejection. */
const outcome = (events: readonly AuctionEvent[], command: AuctionCommand) => {
  const state: AuctionState = fold(events);
  const result = decide(command, state);
  return {
    then: (expected: readonly AuctionEvent[]): void => assert.deepEqual(result, E.right(expected)),
    /** The single emitted event's data matches `partial` (fields not named are not checked). */
    thenEventLike: (type: AuctionEvent['type'], partial: Record<string, unknown>): AuctionEvent => {
      if (E.isLeft(result)) assert.fail(`expected ${type}, got rejection ${result.left.code}: ${result.left.message}`);
      assert.equal(result.right.length, 1, `expected one event, got ${result.right.length}`);
      const [event] = result.right as [AuctionEvent];
      assert.equal(event.type, type);
      assert.deepEqual(pick(event.data, Object.keys(partial)), partial);
      return event;
    },
    thenRejects: (code: RejectionCode, extra: Partial<Rejection> = {}): Rejection => {
      if (E.isRight(result)) assert.fail(`expected rejection ${code}, got ${JSON.stringify(result.right)}`);
      assert.equal(result.left.code, code, result.left.message);
      for (const [k, v] of Object.entries(extra)) assert.deepEqual((result.left as unknown as Record<string, unknown>)[k], v);
      return result.left;
    },
  };
};

export interface Given {
  /** And then these commands, each accepted in turn (as `afterBids` runs them). */
  after(...commands: AuctionCommand[]): Given;
  when(command: AuctionCommand): ReturnType<typeof outcome>;
}

export const given = (events: readonly AuctionEvent[]): Given => ({
  after: (...commands) => given(afterBids(events, ...commands)),
  when: (command) => outcome(events, command),
});

const pick = (o: object, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));

// ---- fixtures -------------------------------------------------------------------------------

export const T0 = '2026-03-01T10:00:00.000Z' as UtcTimestamp;
/** T0 plus the given seconds. */
export const at = (seconds: number): UtcTimestamp => fromMillis(toMillis(T0) + seconds * 1000);
export const HOUR = 3600;
export const amount = (n: number): MinorUnits => n as MinorUnits;

export const AUCTION = 'a1';
export const SELLER = 'seller';

export interface AuctionOptions {
  startingPrice?: number;
  reservePrice?: number | null;
  buyNowPrice?: number | null;
  softClose?: SoftClose | null;
  approvedBiddersOnly?: boolean;
  format?: AuctionFormat;
  clock?: DutchClock | null;
  currency?: Currency;
  startsAt?: UtcTimestamp;
  endsAt?: UtcTimestamp;
  lot?: AuctionLot | null;
}

/** An AuctionCreated at T0, open from T0 to T0 + 1 h, starting at 10.00. */
export const created = (o: AuctionOptions = {}): AuctionEvent => ({
  type: 'AuctionCreated',
  data: {
    auctionId: AUCTION,
    sellerId: SELLER,
    title: 'A 1960s Omega Seamaster',
    description: '',
    currency: o.currency ?? 'USD',
    startingPrice: amount(o.startingPrice ?? 1000),
    reservePrice: o.reservePrice == null ? null : amount(o.reservePrice),
    buyNowPrice: o.buyNowPrice == null ? null : amount(o.buyNowPrice),
    startsAt: o.startsAt ?? T0,
    endsAt: o.endsAt ?? at(HOUR),
    softClose: o.softClose ?? null,
    createdAt: T0,
    approvedBiddersOnly: o.approvedBiddersOnly ?? false,
    format: o.format ?? 'english',
    clock: o.clock ?? null,
    lot: o.lot ?? null,
  },
});

/** A CreateAuction command's fields. */
export type CreateAuctionCommand = Extract<AuctionCommand, { type: 'CreateAuction' }>;

/**
 * A CreateAuction at T0 for an English auction ending at T0 + 1 h, starting at 10.00, opening now;
 * its title has spaces around it for decide to trim, so that what it creates is `created()`'s.
 */
export const createAuction = (o: Partial<CreateAuctionCommand> = {}): AuctionCommand => ({
  type: 'CreateAuction',
  auctionId: AUCTION,
  sellerId: SELLER,
  title: '  A 1960s Omega Seamaster ',
  description: '',
  currency: 'USD',
  startingPrice: amount(1000),
  reservePrice: null,
  buyNowPrice: null,
  startsAt: null,
  endsAt: at(HOUR),
  softClose: null,
  approvedBiddersOnly: false,
  format: 'english',
  clock: null,
  now: T0,
  ...o,
});

let bidCounter = 0;
export const bid = (bidderId: string, maxAmount: number, atSeconds = 60): AuctionCommand => ({
  type: 'PlaceBid',
  auctionId: AUCTION,
  bidId: `b${++bidCounter}`,
  bidderId,
  maxAmount: amount(maxAmount),
  now: at(atSeconds),
});

/** Runs bids one after another from `history`, failing on any rejection; returns all events. */
export const afterBids = (history: readonly AuctionEvent[], ...bids: AuctionCommand[]): AuctionEvent[] =>
  bids.reduce<AuctionEvent[]>((events, command) => {
    const result = decide(command, fold(events));
    if (E.isLeft(result)) assert.fail(`setup bid refused: ${result.left.code} ${result.left.message}`);
    return [...events, ...result.right];
  }, [...history]);

export const buyNow = (buyerId: string, atSeconds = 60): AuctionCommand => ({ type: 'BuyNow', auctionId: AUCTION, buyerId, now: at(atSeconds) });
export const cancel = (userId: string, byAdmin = false, atSeconds = 60): AuctionCommand => ({
  type: 'CancelAuction', auctionId: AUCTION, userId, byAdmin, reason: null, now: at(atSeconds),
});
export const close = (atSeconds = HOUR): AuctionCommand => ({ type: 'CloseAuction', auctionId: AUCTION, now: at(atSeconds) });

/** `bidderId` retracts at `atSeconds` (all its bids or its most recent, as the rules allow; or the bid named). */
export const retract = (bidderId: string, atSeconds = 60, bidId: string | null = null): AuctionCommand => ({
  type: 'RetractBid', auctionId: AUCTION, bidderId, bidId, reason: 'entered-wrong-amount', now: at(atSeconds),
});
export const approve = (bidderId: string, sellerId = SELLER, atSeconds = 30): AuctionCommand => ({
  type: 'ApproveBidder', auctionId: AUCTION, sellerId, bidderId, now: at(atSeconds),
});
export const revoke = (bidderId: string, sellerId = SELLER, atSeconds = 30): AuctionCommand => ({
  type: 'RevokeBidderApproval', auctionId: AUCTION, sellerId, bidderId, now: at(atSeconds),
});
/** A bid with a given id. */
export const bidWithId = (bidId: string, bidderId: string, maxAmount: number, atSeconds = 60): AuctionCommand => ({
  type: 'PlaceBid', auctionId: AUCTION, bidId, bidderId, maxAmount: amount(maxAmount), now: at(atSeconds),
});
