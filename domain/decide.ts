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
import { decideAccept, decideDecline, decideOffer, decideReportNonPayment } from './decide-second-chance.js';
import { decideDutchBuyNow, refuseDutchBid, refuseDutchRetraction } from './decide-dutch.js';
import { decideSealedBid, isSealedAuction, refuseSealedRetraction } from './decide-sealed.js';

export const decide = (command: AuctionCommand, state: AuctionState): Either<Rejection, AuctionEvent[]> => {
  if (state.kind === 'auction' && state.format === 'dutch') {
    // A Dutch auction is bought at its clock's price; it takes no bids (domain/decide-dutch.ts).
    if (command.type === 'BuyNow') return decideDutchBuyNow(command, state);
    if (command.type === 'PlaceBid') return refuseDutchBid();
    if (command.type === 'RetractBid') return refuseDutchRetraction();
  }
  if (state.kind === 'auction' && isSealedAuction(state)) {
    // A sealed auction takes one sealed bid per bidder, only ever raised, never retracted (domain/decide-sealed.ts).
    if (command.type === 'PlaceBid') return decideSealedBid(command, state);
    if (command.type === 'RetractBid') return refuseSealedRetraction();
  }
  switch (command.type) {
    case 'CreateAuction':
      return decideCreate(command, state);
    case 'PlaceBid':
      return decideBid(command, state);
    case 'BuyNow':
      return decideBuyNow(command, state);
    case 'CancelAuction':
      return decideCancel(command, state);
    case 'CloseAuction':
      return decideClose(command, state);
    case 'RetractBid':
      return decideRetract(command, state);
    case 'ApproveBidder':
      return decideApprove(command, state);
    case 'RevokeBidderApproval':
      return decideRevoke(command, state);
    case 'ReportNonPayment':
      return decideReportNonPayment(command, state);
    case 'OfferSecondChance':
      return decideOffer(command, state);
    case 'AcceptSecondChance':
      return decideAccept(command, state);
    case 'DeclineSecondChance':
      return decideDecline(command, state);
  }
};
