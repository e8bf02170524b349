// Which refusals the attempts log keeps: refused bids on auctions that exist. A bid on an auction
// that does not exist (AUCTION_NOT_FOUND) is not kept: it belongs to no auction's record, and
// keeping it would let anyone fill the table with ids of their choosing. A refused retraction
// (RetractBid) is part of the bidding record too: it is kept with its code and message, and
// `maxAmount` 0, since a retraction names no amount.
import type { RefusedAttempt } from '../handler/index.js';
import type { BidAttempt } from './attempts-log.js';

/** The attempt to record for a refused command, or undefined when none is kept. */
export const bidAttemptOf = ({ command, rejection, serverTime, context }: RefusedAttempt): BidAttempt | undefined => {
  if ((command.type !== 'PlaceBid' && command.type !== 'RetractBid') || rejection.code === 'AUCTION_NOT_FOUND') return undefined;
  return {
    auctionId: command.auctionId,
    bidderId: command.bidderId,
    maxAmount: command.type === 'PlaceBid' ? command.maxAmount : 0,
    code: rejection.code,
    message: rejection.message,
    serverTime,
    commandId: context.commandId,
    idempotencyKey: context.idempotencyKey,
  };
};
