// An account as its decisions need it, folded from its stream. A user without a stream (a token
// from another identity provider, the development sign-in) is an active account with no profile
// and no blocks.
import type { AccountEvent, AccountRole } from './account-events.js';

export interface Profile {
  readonly displayName: string;
  readonly country: string;
  readonly roles: readonly AccountRole[];
}

export interface AccountState {
  readonly userId: string;
  /** Null until AccountRegistered (a user of another identity provider may never register). */
  readonly profile: Profile | null;
  readonly suspended: boolean;
  /** Bidders this user (as a seller) has blocked, in the order blocked. */
  readonly blockedBidders: ReadonlySet<string>;
}

export const initialAccount = (userId: string): AccountState => ({ userId, profile: null, suspended: false, blockedBidders: new Set() });

export const evolveAccount = (state: AccountState, event: AccountEvent): AccountState => {
  switch (event.type) {
    case 'AccountRegistered':
      return { ...state, profile: { displayName: event.data.displayName, country: event.data.country, roles: event.data.roles } };
    case 'AccountProfileChanged':
      return state.profile === null ? state : {
        ...state,
        profile: { ...state.profile, ...(event.data.displayName !== undefined ? { displayName: event.data.displayName } : {}), ...(event.data.country !== undefined ? { country: event.data.country } : {}) },
      };
    case 'AccountSuspended':
      return { ...state, suspended: true };
    case 'AccountReinstated':
      return { ...state, suspended: false };
    case 'BidderBlocked':
      return { ...state, blockedBidders: new Set([...state.blockedBidders, event.data.bidderId]) };
    case 'BidderUnblocked': {
      const blocked = new Set(state.blockedBidders);
      blocked.delete(event.data.bidderId);
      return { ...state, blockedBidders: blocked };
    }
  }
};

export const foldAccount = (userId: string, events: readonly AccountEvent[]): AccountState => events.reduce(evolveAccount, initialAccount(userId));
