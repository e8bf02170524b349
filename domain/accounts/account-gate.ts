// The account rules of auction commands (DESIGN.md section 5): a suspended user may not bid, buy
// now or list (403 ACCOUNT_SUSPENDED); a bidder a seller blocked may not bid or buy now on that
// seller's auctions (409 BIDDER_BLOCKED). The write side loads the account facts from the account
// streams and hands them in as data, as it stamps `now`: the rules stay pure.
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, UnstampedCommand } from '../commands.js';
import type { AuctionEvent } from '../events.js';
import type { Rejection } from '../rejection.js';
import { reject } from '../rejection.js';
import type { AuctionState } from '../state.js';
import { decide } from '../decide.js';

/** What the account rules need to know of one user. */
export interface AccountStanding {
  readonly suspended: boolean;
  readonly blockedBidders: ReadonlySet<string>;
}

/** A user with no account stream: active, blocking nobody. */
export const activeStanding: AccountStanding = { suspended: false, blockedBidders: new Set() };

/** Users' standings by user id; a user not in it is `activeStanding`. */
export type AccountFacts = ReadonlyMap<string, AccountStanding>;

const standingOf = (facts: AccountFacts, userId: string): AccountStanding => facts.get(userId) ?? activeStanding;

/** The user acting in a command the account rules apply to (bidder, buyer, seller listing), or undefined. */
export const actingUserOf = (command: UnstampedCommand): string | undefined => {
  switch (command.type) {
    case 'PlaceBid':
      return command.bidderId;
    case 'BuyNow':
      return command.buyerId;
    case 'AcceptSecondChance':
      // Accepting a second-chance offer buys the item.
      return command.bidderId;
    case 'CreateAuction':
      return command.sellerId;
    default:
      return undefined;
  }
};

/** The users whose standing the account rules read for `command` on `state`: the actor and the seller. */
export const accountsToCheck = (command: UnstampedCommand, state: AuctionState): string[] => {
  const actor = actingUserOf(command);
  if (actor === undefined) return [];
  return state.kind === 'auction' && command.type !== 'CreateAuction' && state.sellerId !== actor ? [actor, state.sellerId] : [actor];
};

/** The account rule that refuses `command`, if one does. */
export const accountRuleRefusal = (command: AuctionCommand, state: AuctionState, facts: AccountFacts): Rejection | undefined => {
  const actor = actingUserOf(command);
  if (actor === undefined) return undefined;
  if (standingOf(facts, actor).suspended) {
    return reject('ACCOUNT_SUSPENDED', command.type === 'CreateAuction' ? 'this account is suspended: it cannot list auctions' : 'this account is suspended: it cannot bid or buy');
  }
  if (command.type !== 'CreateAuction' && state.kind === 'auction' && standingOf(facts, state.sellerId).blockedBidders.has(actor)) {
    return reject('BIDDER_BLOCKED', "the seller has blocked this bidder from their auctions");
  }
  return undefined;
};

/** `decide`, after the account rules: the facts are data the caller loaded, like `now`. */
export const decideWithAccounts = (command: AuctionCommand, state: AuctionState, facts: AccountFacts): E.Either<Rejection, AuctionEvent[]> => {
  const refusal = accountRuleRefusal(command, state, facts);
  return refusal === undefined ? decide(command, state) : E.left(refusal);
};
