// Identifiers and bounded texts that cross boundaries.
import * as t from 'io-ts';

/** A string codec with a rule and a message that says what was expected. */
export const refinedString = (name: string, rule: (s: string) => boolean, expected: string): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && rule(u),
    (u, c) => (typeof u === 'string' && rule(u) ? t.success(u) : t.failure(u, c, `expected ${expected}`)),
    t.identity,
  );

const identifierPattern = /^[A-Za-z0-9._:@-]{1,128}$/;

/** An opaque identifier: 1-128 letters, digits, `.`, `_`, `:`, `@` or `-`. */
export const Identifier = refinedString('Identifier', (s) => identifierPattern.test(s), 'an identifier of 1-128 letters, digits or ._:@-');
export const AuctionId = Identifier;
export const UserId = Identifier;
export const BidId = Identifier;

export const Title = refinedString('Title', (s) => s.trim().length > 0 && s.length <= 200, 'a non-blank title of at most 200 characters');
export const Description = refinedString('Description', (s) => s.length <= 10_000, 'text of at most 10000 characters');
export const Reason = refinedString('Reason', (s) => s.length <= 1_000, 'text of at most 1000 characters');

/** A refined number codec whose TypeScript type stays `number`. */
const refinedNumber = (name: string, rule: (n: number) => boolean, expected: string): t.Type<number, number, unknown> =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && rule(u),
    (u, c) => (typeof u === 'number' && rule(u) ? t.success(u) : t.failure(u, c, `expected ${expected}`)),
    t.identity,
  );

export const Integer = refinedNumber('Integer', Number.isSafeInteger, 'a whole number');
export const Count = refinedNumber('Count', (n) => Number.isSafeInteger(n) && n >= 0, 'a whole number of at least 0');
