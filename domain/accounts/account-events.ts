// An account's events, in the stream `account-<userId>`: who registered, changed a profile,
// suspended or reinstated a user, blocked or unblocked a bidder, and why. Only what auditors may
// read goes here: the e-mail address and the password hash stay in the credentials table
// (commands/accounts/sql/), never in the log, Kafka or an export.
import { createHash } from 'node:crypto';
import * as t from 'io-ts';
import { Reason, UserId, refinedString, safeText } from '../ids.js';

/** A display name: 1-80 characters, not blank, no control character (any script, emoji allowed). */
export const DisplayName = safeText('DisplayName', { max: 80, nonBlank: true, lineBreaks: false });

/** An ISO 3166-1 alpha-2 country code, upper case (`DE`, `JP`). */
export const CountryCode = refinedString('CountryCode', (s) => /^[A-Z]{2}$/.test(s), 'an ISO 3166-1 alpha-2 country code such as DE (two capital letters)');

/** The roles an account signs in with (a subset of the gateway's roles). */
export const AccountRole = t.keyof({ bidder: null, seller: null, auditor: null, admin: null, analyst: null }, 'AccountRole');
export type AccountRole = t.TypeOf<typeof AccountRole>;

export const AccountRegistered = t.type({
  type: t.literal('AccountRegistered'),
  data: t.type({ userId: UserId, displayName: DisplayName, country: CountryCode, roles: t.readonlyArray(AccountRole) }),
}, 'AccountRegistered');

/** Only the fields that changed are present. */
export const AccountProfileChanged = t.type({
  type: t.literal('AccountProfileChanged'),
  data: t.intersection([t.type({ userId: UserId }), t.partial({ displayName: DisplayName, country: CountryCode })]),
}, 'AccountProfileChanged');

export const AccountSuspended = t.type({
  type: t.literal('AccountSuspended'),
  data: t.type({ userId: UserId, by: UserId, reason: Reason }),
}, 'AccountSuspended');

export const AccountReinstated = t.type({
  type: t.literal('AccountReinstated'),
  data: t.type({ userId: UserId, by: UserId, reason: Reason }),
}, 'AccountReinstated');

/** In the seller's stream: `bidderId` may no longer bid on the seller's auctions. */
export const BidderBlocked = t.type({
  type: t.literal('BidderBlocked'),
  data: t.type({ sellerId: UserId, bidderId: UserId }),
}, 'BidderBlocked');

export const BidderUnblocked = t.type({
  type: t.literal('BidderUnblocked'),
  data: t.type({ sellerId: UserId, bidderId: UserId }),
}, 'BidderUnblocked');

export const AccountEvent = t.union([AccountRegistered, AccountProfileChanged, AccountSuspended, AccountReinstated, BidderBlocked, BidderUnblocked], 'AccountEvent');
export type AccountEvent = t.TypeOf<typeof AccountEvent>;
export type AccountEventType = AccountEvent['type'];

export const accountSchemaVersion: Readonly<Record<AccountEventType, number>> = {
  AccountRegistered: 1,
  AccountProfileChanged: 1,
  AccountSuspended: 1,
  AccountReinstated: 1,
  BidderBlocked: 1,
  BidderUnblocked: 1,
};

const PREFIX = 'account-';
const HASHED_PREFIX = 'account:sha256:';
/** User ids up to this many UTF-16 code units name their stream as they are; longer ones by their hash (stream ids stay within the log's 256). */
const PLAIN_STREAM_MAX = 200;

/**
 * The user's account stream: `account-<userId>`, or, for a user id longer than 200 UTF-16 code
 * units (a subject may be 255 characters, up to 510 units), `account:sha256:<hex of its UTF-8>`.
 * The two forms cannot collide: one starts `account-`, the other `account:`.
 */
export const accountStreamIdOf = (userId: string): string =>
  userId.length <= PLAIN_STREAM_MAX ? `${PREFIX}${userId}` : `${HASHED_PREFIX}${createHash('sha256').update(userId, 'utf8').digest('hex')}`;

/** Whether a stream is an account stream (either form). */
export const isAccountStream = (streamId: string): boolean => streamId.startsWith(PREFIX) || streamId.startsWith(HASHED_PREFIX);

/** A stored account event's type and data, decoded; a message naming the problem otherwise. */
export const decodeAccountEvent = (stored: { readonly type: string; readonly data: unknown }): { ok: true; event: AccountEvent } | { ok: false; problem: string } => {
  const decoded = AccountEvent.decode({ type: stored.type, data: stored.data });
  if (decoded._tag === 'Right') return { ok: true, event: decoded.right };
  return { ok: false, problem: `${stored.type} does not decode as an account event` };
};
