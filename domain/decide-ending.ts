// The commands that end an auction: buy-now, cancel and close. Each is idempotent.
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.js';
import type { EventOf } from './events.js';
import type { AuctionState } from './state.js';
import type { Rejection } from './rejection.js';
import { reject } from './rejection.js';
import { auctionNotFound, refuseUnlessOpenTo } from './open-to.js';
import { toMillis } from './time.js';
import { waitsForPreviousLot } from './sales/lot.js';
import { decideSealedClose, isSealedAuction } from './decide-sealed.js';

export const decideBuyNow = (c: CommandOf<'BuyNow'>, state: AuctionState): E.Either<Rejection, EventOf<'AuctionBoughtNow'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  const { phase } = state;
  if (phase.kind === 'sold' && phase.via === 'buy-now' && phase.winnerId === c.buyerId) return E.right([]);
  const refusal = refuseUnlessOpenTo(state, c.buyerId, toMillis(c.now));
  if (refusal !== null) return E.left(refusal);
  if (!state.buyNowAvailable || state.buyNowPrice === null) {
    return E.left(reject('BUY_NOW_UNAVAILABLE', state.buyNowPrice === null ? 'this auction has no buy-now price' : 'buy-now is no longer offered on this auction'));
  }
  return E.right([{ type: 'AuctionBoughtNow', data: { auctionId: state.auctionId, buyerId: c.buyerId, price: state.buyNowPrice, boughtAt: c.now } }]);
};

export const decideCancel = (c: CommandOf<'CancelAuction'>, state: AuctionState): E.Either<Rejection, EventOf<'AuctionCancelled'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  // Who may cancel is checked first: the idempotent no-op below is only for those who may.
  if (!c.byAdmin && c.userId !== state.sellerId) return E.left(reject('NOT_AUCTION_SELLER', 'only the seller or an admin may cancel this auction'));
  if (state.phase.kind === 'cancelled') return E.right([]);
  if (state.phase.kind !== 'live' || toMillis(c.now) >= toMillis(state.endsAt)) {
    return E.left(reject('CANCEL_NOT_ALLOWED', 'the auction has already ended'));
  }
  if (!c.byAdmin && state.bidCount > 0) return E.left(reject('CANCEL_NOT_ALLOWED', 'a seller may cancel only before the first bid'));
  return E.right([
    { type: 'AuctionCancelled', data: { auctionId: state.auctionId, cancelledBy: c.userId, byAdmin: c.byAdmin, reason: c.reason, cancelledAt: c.now } },
  ]);
};

export const decideClose = (c: CommandOf<'CloseAuction'>, state: AuctionState): E.Either<Rejection, EventOf<'AuctionClosed'>[]> => {
  if (state.kind === 'none') return auctionNotFound(c.auctionId);
  if (state.phase.kind !== 'live') return E.right([]);
  if (toMillis(c.now) < toMillis(state.endsAt)) return E.left(reject('AUCTION_NOT_ENDED', `auction ends at ${state.endsAt}`));
  if (waitsForPreviousLot(state.lot) && c.previousLotEnded !== true) {
    return E.left(reject('AUCTION_NOT_ENDED', `lot ${state.lot.lotNumber} waits for the previous lot (${state.lot.previousLotId}) to close`));
  }
  if (isSealedAuction(state)) return E.right(decideSealedClose(c, state));
  const sold = state.leader !== null && state.reserveMet;
  return E.right([
    {
      type: 'AuctionClosed',
      data: {
        auctionId: state.auctionId,
        closedAt: c.now,
        result: sold ? 'sold' : 'unsold',
        winnerId: sold ? state.leader!.bidderId : null,
        finalPrice: sold ? state.currentPrice : null,
        bidCount: state.bidCount,
        reserveMet: state.reserveMet,
        ranking: null,
      },
    },
  ]);
};
