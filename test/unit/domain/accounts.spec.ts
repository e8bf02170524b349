// The account decider (domain/accounts/decide-account.ts) and the account rules of auction
// commands (account-gate.ts), given events / when command / then events or refusal.
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import type { AccountCommand, AccountEvent, AccountFacts, AccountRejectionCode, AuctionCommand, AuctionEvent } from '../../../domain/index.js';
import {
  AccountEvent as AccountEventCodec, MAX_BLOCKED_BIDDERS, accountStreamIdOf, accountsToCheck, decideAccount, decideWithAccounts, fold, foldAccount, isAccountStream,
} from '../../../domain/index.js';
import { AUCTION, SELLER, at, bid, buyNow, cancel, close, created } from '../../support/decider.js';

const USER = 'jane';

const givenAccount = (events: readonly AccountEvent[], userId = USER) => ({
  when: (command: AccountCommand) => {
    const result = decideAccount(command, foldAccount(userId, events));
    return {
      then: (expected: readonly AccountEvent[]) => assert.deepEqual(result, E.right(expected)),
      thenRejects: (code: AccountRejectionCode) => {
        if (E.isRight(result)) assert.fail(`expected ${code}, got ${JSON.stringify(result.right)}`);
        assert.equal(result.left.code, code);
      },
    };
  },
});

const registered: AccountEvent = { type: 'AccountRegistered', data: { userId: USER, displayName: 'Jane', country: 'DE', roles: ['bidder', 'seller'] } };
const suspended: AccountEvent = { type: 'AccountSuspended', data: { userId: USER, by: 'root', reason: 'fraud' } };
const blocked = (bidderId: string, sellerId = USER): AccountEvent => ({ type: 'BidderBlocked', data: { sellerId, bidderId } });

describe('decideAccount', () => {
  it('registers a new account, once', () => {
    const register: AccountCommand = { type: 'RegisterAccount', userId: USER, displayName: 'Jane', country: 'DE', roles: ['bidder', 'seller'] };
    givenAccount([]).when(register).then([registered]);
    givenAccount([registered]).when(register).thenRejects('ACCOUNT_ALREADY_EXISTS');
  });

  it('a profile change records only the fields that change; none changing is a no-op', () => {
    givenAccount([registered]).when({ type: 'ChangeProfile', userId: USER, displayName: 'Jane', country: 'FR' })
      .then([{ type: 'AccountProfileChanged', data: { userId: USER, country: 'FR' } }]);
    givenAccount([registered]).when({ type: 'ChangeProfile', userId: USER, displayName: 'Jane' }).then([]);
    givenAccount([]).when({ type: 'ChangeProfile', userId: USER, displayName: 'Jane' }).thenRejects('ACCOUNT_NOT_FOUND');
  });

  it('suspends any user (registered or not), saying by whom and why; suspending again is a no-op', () => {
    givenAccount([]).when({ type: 'SuspendAccount', userId: USER, by: 'root', reason: 'fraud' }).then([suspended]);
    givenAccount([registered, suspended]).when({ type: 'SuspendAccount', userId: USER, by: 'root', reason: 'again' }).then([]);
    givenAccount([]).when({ type: 'SuspendAccount', userId: USER, by: USER, reason: 'x' }).thenRejects('CANNOT_SUSPEND_SELF');
  });

  it('reinstates a suspended user; an active one is a no-op', () => {
    givenAccount([suspended]).when({ type: 'ReinstateAccount', userId: USER, by: 'root', reason: 'appeal' })
      .then([{ type: 'AccountReinstated', data: { userId: USER, by: 'root', reason: 'appeal' } }]);
    givenAccount([]).when({ type: 'ReinstateAccount', userId: USER, by: 'root', reason: 'appeal' }).then([]);
  });

  it('blocks and unblocks bidders idempotently; not oneself; up to the maximum', () => {
    givenAccount([]).when({ type: 'BlockBidder', sellerId: USER, bidderId: 'bob' }).then([blocked('bob')]);
    givenAccount([blocked('bob')]).when({ type: 'BlockBidder', sellerId: USER, bidderId: 'bob' }).then([]);
    givenAccount([blocked('bob')]).when({ type: 'UnblockBidder', sellerId: USER, bidderId: 'bob' }).then([{ type: 'BidderUnblocked', data: { sellerId: USER, bidderId: 'bob' } }]);
    givenAccount([]).when({ type: 'UnblockBidder', sellerId: USER, bidderId: 'bob' }).then([]);
    givenAccount([]).when({ type: 'BlockBidder', sellerId: USER, bidderId: USER }).thenRejects('CANNOT_BLOCK_SELF');
    const full = Array.from({ length: MAX_BLOCKED_BIDDERS }, (_, i) => blocked(`b${i}`));
    givenAccount(full).when({ type: 'BlockBidder', sellerId: USER, bidderId: 'one-more' }).thenRejects('BLOCK_LIST_FULL');
  });

  it('every event it decides is one its codec reads back', () => {
    for (const event of [registered, suspended, blocked('bob'), { type: 'AccountProfileChanged', data: { userId: USER, country: 'FR' } } as AccountEvent]) {
      assert.ok(E.isRight(AccountEventCodec.decode(event)), event.type);
    }
  });
});

describe('account streams', () => {
  it('are account-<userId>; a user id too long for a stream id goes by its hash, in another namespace', () => {
    assert.equal(accountStreamIdOf('auth0|5f7c'), 'account-auth0|5f7c');
    const long = 'ß'.repeat(255);
    assert.match(accountStreamIdOf(long), /^account:sha256:[0-9a-f]{64}$/);
    assert.ok(accountStreamIdOf(long).length <= 256);
    assert.ok(isAccountStream(accountStreamIdOf(long)) && isAccountStream(accountStreamIdOf('x')) && !isAccountStream('auction-1'));
  });
});

describe('decideWithAccounts: the account rules of auction commands', () => {
  const opened: AuctionEvent[] = [created({ buyNowPrice: 50_000 })];
  const facts = (entries: Record<string, { suspended?: boolean; blocks?: string[] }>): AccountFacts =>
    new Map(Object.entries(entries).map(([id, f]) => [id, { suspended: f.suspended ?? false, blockedBidders: new Set(f.blocks ?? []) }]));
  const decideOn = (events: readonly AuctionEvent[], command: AuctionCommand, f: AccountFacts) => decideWithAccounts(command, fold(events), f);
  const refusal = (r: E.Either<{ code: string }, unknown>) => (E.isLeft(r) ? r.left.code : 'accepted');
  const listing = created().data as Extract<AuctionEvent, { type: 'AuctionCreated' }>['data'];
  const create: AuctionCommand = {
    type: 'CreateAuction', auctionId: 'a2', sellerId: SELLER, title: listing.title, description: '', currency: listing.currency,
    startingPrice: listing.startingPrice, reservePrice: null, buyNowPrice: null, startsAt: null, endsAt: listing.endsAt, softClose: null, approvedBiddersOnly: false, format: 'english', clock: null, now: at(0),
  };

  it('a suspended user cannot bid, buy now or list: ACCOUNT_SUSPENDED', () => {
    const f = facts({ alice: { suspended: true }, [SELLER]: { suspended: true } });
    assert.equal(refusal(decideOn(opened, bid('alice', 2000), f)), 'ACCOUNT_SUSPENDED');
    assert.equal(refusal(decideOn(opened, buyNow('alice'), f)), 'ACCOUNT_SUSPENDED');
    assert.equal(refusal(decideOn([], create, f)), 'ACCOUNT_SUSPENDED');
  });

  it('a suspended seller\'s auctions still take bids, cancels and the close', () => {
    const f = facts({ [SELLER]: { suspended: true } });
    assert.equal(refusal(decideOn(opened, bid('alice', 2000), f)), 'accepted');
    assert.equal(refusal(decideOn(opened, cancel(SELLER), f)), 'accepted');
    assert.equal(refusal(decideOn(opened, close(), f)), 'accepted');
  });

  it('a bidder the seller blocked cannot bid or buy now: BIDDER_BLOCKED; others can', () => {
    const f = facts({ [SELLER]: { blocks: ['bob'] } });
    assert.equal(refusal(decideOn(opened, bid('bob', 2000), f)), 'BIDDER_BLOCKED');
    assert.equal(refusal(decideOn(opened, buyNow('bob'), f)), 'BIDDER_BLOCKED');
    assert.equal(refusal(decideOn(opened, bid('alice', 2000), f)), 'accepted');
  });

  it('a user with no facts is active and blocks nobody; the auction\'s own rules still apply', () => {
    assert.equal(refusal(decideOn(opened, bid('alice', 2000), new Map())), 'accepted');
    assert.equal(refusal(decideOn(opened, bid('alice', 10), new Map())), 'BID_TOO_LOW');
    assert.equal(refusal(decideOn([], bid('alice', 2000), facts({ alice: { suspended: true } }))), 'ACCOUNT_SUSPENDED');
  });

  it('names the accounts to read: the actor, and the seller of an existing auction', () => {
    const state = fold(opened);
    assert.deepEqual(accountsToCheck(bid('alice', 1), state), ['alice', SELLER]);
    assert.deepEqual(accountsToCheck(buyNow('alice'), state), ['alice', SELLER]);
    assert.deepEqual(accountsToCheck(bid(SELLER, 1), state), [SELLER]);
    assert.deepEqual(accountsToCheck(close(), state), []);
    assert.deepEqual(accountsToCheck(cancel(SELLER), state), []);
    assert.deepEqual(accountsToCheck(bid('alice', 1), fold([])), ['alice']);
    assert.equal(AUCTION, state.kind === 'auction' ? state.auctionId : undefined);
  });
});
