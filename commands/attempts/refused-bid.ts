// Which refusals the attempts log keeps: refused bids on auctions that exist. A bid on an auction
// that does not exist (AUCTION_NOT_FOUND) is not kept: it belongs to no auction's record, and
// keeping it would let anyone fill the table with ids of their choosing.
import type { RefusedAttempt } from '../handler/index.js';
import type { BidAttempt } from './attempts-log.js';

/** The attempt to record for a refused command, or undefined when none is kept. */
export const bidAttemptOf = ({ command, rejection, serverTime, context }: RefusedAttempt): BidAttempt | undefined => {
  if (command.type !== 'PlaceBid' || rejection.code === 'AUCTION_NOT_FOUND') return undefined;
  return {
    auctionId: command.auctionId,
    bidderId: command.bidderId,
    maxAmount: command.maxAmount,
    code: rejection.code,
    message: rejection.message,
    serverTime,
    commandId: context.commandId,
    idempotencyKey: context.idempotencyKey,
  };
};
