// decide(command, state) -> Either<Rejection, Event[]>: the auction's decider.
// An empty list of events means the command was already in effect (idempotent close/cancel/buy-now).
import type { Either } from 'fp-ts/lib/Either.js';
import type { AuctionCommand } from './commands.js';
import type { AuctionEvent } from './events.js';
import type { AuctionState } from './state.js';
import type { Rejection } from './rejection.js';
import { decideCreate } from './decide-create.js';
import { decideBid } from './decide-bid.js';
import { decideBuyNow, decideCancel, decideClose } from './decide-ending.js';
import { decideRetract } from './decide-retract.js';
import { decideApprove, decideRevoke } from './decide-approval.js';
import { decideSealedBid, isSealedAuction, refuseSealedRetraction } from './decide-sealed.js';

export const decide = (command: AuctionCommand, state: AuctionState): Either<Rejection, AuctionEvent[]> => {
  switch (command.type) {
    case 'CreateAuction':
      return decideCreate(command, state);
    case 'PlaceBid':
      return state.kind === 'auction' && isSealedAuction(state) ? decideSealedBid(command, state) : decideBid(command, state);
    case 'BuyNow':
      return decideBuyNow(command, state);
    case 'CancelAuction':
      return decideCancel(command, state);
    case 'CloseAuction':
      return decideClose(command, state);
    case 'RetractBid':
      return state.kind === 'auction' && isSealedAuction(state) ? refuseSealedRetraction() : decideRetract(command, state);
    case 'ApproveBidder':
      return decideApprove(command, state);
    case 'RevokeBidderApproval':
      return decideRevoke(command, state);
  }
};
