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

/** An opaque identifier the server makes (auction and bid ids): 1-128 letters, digits, `.`, `_`, `:`, `@` or `-`. */
export const Identifier = refinedString('Identifier', (s) => identifierPattern.test(s), 'an identifier of 1-128 letters, digits or ._:@-');
export const AuctionId = Identifier;
export const BidId = Identifier;

// ---------------------------------------------------------------- safe text

/**
 * The one rule for text a client hands us that lands in the log: well-formed Unicode (no lone
 * surrogate: PostgreSQL's jsonb and the hash chain's canonical JSON refuse them), no control
 * character (C0, DEL, C1: NUL is refused by jsonb, the others corrupt exports, logs and
 * terminals) except, where `lineBreaks`, tab, line feed and carriage return; lengths count
 * characters (code points), so an emoji is one.
 */
export interface TextRule {
  readonly max: number;
  /** At least one character that is not white space. */
  readonly nonBlank: boolean;
  /** Tab, LF and CR allowed (multi-line texts). */
  readonly lineBreaks: boolean;
}

const loneSurrogate = /\p{Cs}/u;
const control = /\p{Cc}/u;
const controlButLineBreaks = /(?![\t\n\r])\p{Cc}/u;

/** The number of characters (Unicode code points) of `s`. */
export const characterCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `s` breaks `rule` (a phrase for "must ..." messages), or undefined when it is safe. */
export const textProblem = (s: string, rule: TextRule): string | undefined => {
  const surrogate = loneSurrogate.exec(s);
  if (surrogate !== null) return `must be well-formed Unicode: a lone surrogate (${codePoint(surrogate[0])}) at index ${surrogate.index}`;
  if (rule.nonBlank && s.trim() === '') return 'must not be blank';
  const bad = (rule.lineBreaks ? controlButLineBreaks : control).exec(s);
  if (bad !== null) return `must not contain the control character ${codePoint(bad[0])} (at index ${bad.index})${rule.lineBreaks ? '; tab, LF and CR are allowed' : ''}`;
  if (s.length > rule.max && characterCount(s) > rule.max) return `must be at most ${rule.max} characters`;
  return undefined;
};

/** A string codec for text under `rule`; a failure names the problem. */
export const safeText = (name: string, rule: TextRule): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && textProblem(u, rule) === undefined,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'expected a string');
      const problem = textProblem(u, rule);
      return problem === undefined ? t.success(u) : t.failure(u, c, problem);
    },
    t.identity,
  );

/**
 * A user id: the `sub` claim of the caller's token, exactly as its identity provider issued it
 * (`auth0|5f7c8ec7`, `google-oauth2|1098…`, an e-mail address, a URL). 1-255 characters, not
 * blank, well-formed, no control character. The ONE codec for subjects: the gateway decodes
 * tokens with it, and every event, metadata, attempt row and query parameter carrying a user id
 * uses it, so nothing the gateway accepts is refused later. Never normalised: compared exactly.
 */
export const UserId = safeText('UserId', { max: 255, nonBlank: true, lineBreaks: false });

export const Title = safeText('Title', { max: 200, nonBlank: true, lineBreaks: false });
export const Description = safeText('Description', { max: 10_000, nonBlank: false, lineBreaks: true });
export const Reason = safeText('Reason', { max: 1_000, nonBlank: false, lineBreaks: true });

/** A string any store and the hash chain accept: well-formed Unicode without NUL (log metadata written by the server). */
export const StorableString = refinedString(
  'StorableString',
  (s) => !loneSurrogate.test(s) && !s.includes('\u0000'),
  'a well-formed Unicode string without NUL',
);

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
