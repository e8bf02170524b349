// PlaceBid: proxy bidding. Every bid is a maximum; the visible price is what keeps the leader ahead.
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.js';
import type { EventOf, BidOutcome } from './events.js';
import type { Auction, AuctionState, Leader } from './state.js';
import type { MinorUnits } from './money.js';
import type { Rejection } from './rejection.js';
import { reject } from './rejection.js';
import { buyNowOffered, minimumChallenge, reserveMet, visiblePrice } from './pricing.js';
import { fromMillis, toMillis } from './time.js';
import { auctionNotFound, refuseUnlessOpenTo } from './open-to.js';
import { runnerUpAfter } from './standing.js';

interface Contest {
  readonly outcome: BidOutcome;
  readonly leader: Leader;
  readonly runnerUpMax: MinorUnits | null;
}

/** Who leads after the bid, or why the bid is too low. Equal maximums: the earlier one leads. */
const contest = (a: Auction, bidderId: string, maxAmount: MinorUnits): E.Either<Rejection, Contest> => {
  const bid: Leader = { bidderId, maxAmount };
  const standing = (outcome: BidOutcome, leader: Leader): E.Either<Rejection, Contest> =>
    E.right({ outcome, leader, runnerUpMax: runnerUpAfter(a, outcome, maxAmount) });
  if (a.leader !== null && a.leader.bidderId === bidderId) {
    return maxAmount > a.leader.maxAmount
      ? standing('raised-maximum', bid)
      : E.left(reject('BID_TOO_LOW', `your maximum is already ${a.leader.maxAmount}; a new maximum must exceed it`, { minimumAmount: a.leader.maxAmount + 1 }));
  }
  const minimum = minimumChallenge(a.currency, a.startingPrice, a.currentPrice, a.leader !== null);
  if (maxAmount < minimum) {
    return E.left(reject('BID_TOO_LOW', `the least acceptable maximum is ${minimum}`, { minimumAmount: minimum }));
  }
  return a.leader === null || maxAmount > a.leader.maxAmount ? standing('new-leader', bid) : standing('outbid', a.leader);
};

/** Soft close: a bid that moves the price or the leader inside the window pushes the end out. */
const endAfterBid = (a: Auction, nowMs: number, changed: boolean): number => {
  const endsAtMs = toMillis(a.endsAt);
  if (a.softClose === null || !changed) return endsAtMs;
  const inWindow = nowMs >= endsAtMs - a.softClose.windowSeconds * 1000;
  return inWindow ? Math.max(endsAtMs, nowMs + a.softClose.extensionSeconds * 1000) : endsAtMs;
};

export const decideBid = (c: CommandOf<'PlaceBid'>, state: AuctionState): E.Either<Rejection, EventOf<'BidPlaced'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  const nowMs = toMillis(c.now);
  const refusal = refuseUnlessOpenTo(state, c.bidderId, nowMs);
  if (refusal !== null) return E.left(refusal);

  return E.map((r: Contest): EventOf<'BidPlaced'>[] => {
    const currentPrice = visiblePrice({
      currency: state.currency,
      startingPrice: state.startingPrice,
      reservePrice: state.reservePrice,
      leaderMax: r.leader.maxAmount,
      runnerUpMax: r.runnerUpMax,
    });
    const met = reserveMet(state.reservePrice, r.leader.maxAmount);
    const bidCount = state.bidCount + 1;
    const changed = currentPrice !== state.currentPrice || r.leader.bidderId !== state.leader?.bidderId;
    const endsAtMs = endAfterBid(state, nowMs, changed);
    return [
      {
        type: 'BidPlaced',
        data: {
          auctionId: state.auctionId,
          bidId: c.bidId,
          bidderId: c.bidderId,
          maxAmount: c.maxAmount,
          placedAt: c.now,
          outcome: r.outcome,
          leaderId: r.leader.bidderId,
          currentPrice,
          bidCount,
          reserveMet: met,
          buyNowAvailable: buyNowOffered(state.buyNowPrice, state.reservePrice, bidCount, met),
          endsAt: fromMillis(endsAtMs),
          extended: endsAtMs > toMillis(state.endsAt),
        },
      },
    ];
  })(contest(state, c.bidderId, c.maxAmount));
};
