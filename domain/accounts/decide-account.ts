// The account decider: commands on one user's account stream, decided on its folded state.
// Pure: the caller stamps who acts (from the verified token) and the inputs are already decoded.
import * as E from 'fp-ts/lib/Either.js';
import type { AccountEvent, AccountRole } from './account-events.js';
import type { AccountState } from './account-state.js';

/** A seller's block list holds at most this many bidders. */
export const MAX_BLOCKED_BIDDERS = 1_000;

export type AccountCommand =
  | { readonly type: 'RegisterAccount'; readonly userId: string; readonly displayName: string; readonly country: string; readonly roles: readonly AccountRole[] }
  | { readonly type: 'ChangeProfile'; readonly userId: string; readonly displayName?: string; readonly country?: string }
  | { readonly type: 'SuspendAccount'; readonly userId: string; readonly by: string; readonly reason: string }
  | { readonly type: 'ReinstateAccount'; readonly userId: string; readonly by: string; readonly reason: string }
  | { readonly type: 'BlockBidder'; readonly sellerId: string; readonly bidderId: string }
  | { readonly type: 'UnblockBidder'; readonly sellerId: string; readonly bidderId: string };

export const accountRejectionCodes = ['ACCOUNT_ALREADY_EXISTS', 'ACCOUNT_NOT_FOUND', 'CANNOT_SUSPEND_SELF', 'CANNOT_BLOCK_SELF', 'BLOCK_LIST_FULL'] as const;
export type AccountRejectionCode = (typeof accountRejectionCodes)[number];

export interface AccountRejection {
  readonly code: AccountRejectionCode;
  readonly message: string;
}

const refuse = (code: AccountRejectionCode, message: string): E.Either<AccountRejection, readonly AccountEvent[]> => E.left({ code, message });
const events = (...list: AccountEvent[]): E.Either<AccountRejection, readonly AccountEvent[]> => E.right(list);

/** The user whose stream a command goes to. */
export const accountOf = (command: AccountCommand): string =>
  command.type === 'BlockBidder' || command.type === 'UnblockBidder' ? command.sellerId : command.userId;

/**
 * Decides `command` on the account `state` (of `accountOf(command)`). An empty list: already in
 * effect (suspending a suspended user, blocking a blocked bidder, a profile change that changes nothing).
 */
export const decideAccount = (command: AccountCommand, state: AccountState): E.Either<AccountRejection, readonly AccountEvent[]> => {
  switch (command.type) {
    case 'RegisterAccount':
      if (state.profile !== null) return refuse('ACCOUNT_ALREADY_EXISTS', 'this user already has an account');
      return events({ type: 'AccountRegistered', data: { userId: command.userId, displayName: command.displayName, country: command.country, roles: command.roles } });
    case 'ChangeProfile': {
      if (state.profile === null) return refuse('ACCOUNT_NOT_FOUND', 'no account is registered for this user; register first (POST /v1/accounts)');
      const displayName = command.displayName !== undefined && command.displayName !== state.profile.displayName ? command.displayName : undefined;
      const country = command.country !== undefined && command.country !== state.profile.country ? command.country : undefined;
      if (displayName === undefined && country === undefined) return events();
      return events({
        type: 'AccountProfileChanged',
        data: { userId: command.userId, ...(displayName !== undefined ? { displayName } : {}), ...(country !== undefined ? { country } : {}) },
      });
    }
    case 'SuspendAccount':
      if (command.by === command.userId) return refuse('CANNOT_SUSPEND_SELF', 'an admin cannot suspend their own account');
      if (state.suspended) return events();
      return events({ type: 'AccountSuspended', data: { userId: command.userId, by: command.by, reason: command.reason } });
    case 'ReinstateAccount':
      if (!state.suspended) return events();
      return events({ type: 'AccountReinstated', data: { userId: command.userId, by: command.by, reason: command.reason } });
    case 'BlockBidder':
      if (command.bidderId === command.sellerId) return refuse('CANNOT_BLOCK_SELF', 'a seller cannot block themselves');
      if (state.blockedBidders.has(command.bidderId)) return events();
      if (state.blockedBidders.size >= MAX_BLOCKED_BIDDERS) return refuse('BLOCK_LIST_FULL', `a block list holds at most ${MAX_BLOCKED_BIDDERS} bidders; unblock one first`);
      return events({ type: 'BidderBlocked', data: { sellerId: command.sellerId, bidderId: command.bidderId } });
    case 'UnblockBidder':
      if (!state.blockedBidders.has(command.bidderId)) return events();
      return events({ type: 'BidderUnblocked', data: { sellerId: command.sellerId, bidderId: command.bidderId } });
  }
};
