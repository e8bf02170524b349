// The account routes' request bodies and parameters, as io-ts codecs. Unknown fields are refused.
// A password is never echoed in an error: its codec's messages name the rule, not the value.
import * as t from 'io-ts';
import { CountryCode, DisplayName, Reason, UserId, characterCount } from '../../domain/index.js';
import { closedObject } from '../../infra/index.js';
import { PASSWORD_MAX_CHARACTERS, PASSWORD_MIN_CHARACTERS } from './password.js';

const EMAIL_MAX = 254;
const emailShape = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;
const loneSurrogate = /\p{Cs}/u;

/**
 * The one form an e-mail address is kept and compared in: trimmed, Unicode NFC, lower case (so
 * `Jane@Example.COM ` and `jane@example.com` are one account). Not normalised further (dots and
 * `+tags` are the mailbox owner's business).
 */
export const normaliseEmail = (raw: string): string => raw.trim().normalize('NFC').toLowerCase();

/** An e-mail address as sent; decodes to its normalised form. */
export const Email = new t.Type<string, string, unknown>(
  'Email',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected an e-mail address (a string)');
    if (loneSurrogate.test(u)) return t.failure(u, c, 'must be well-formed Unicode');
    const email = normaliseEmail(u);
    if (email.length > EMAIL_MAX) return t.failure(u, c, `must be at most ${EMAIL_MAX} characters`);
    return emailShape.test(email) ? t.success(email) : t.failure(u, c, 'expected an e-mail address such as jane@example.com');
  },
  t.identity,
);

/** A new password: the rule is named, the value never shown. */
export const NewPassword = new t.Type<string, string, unknown>(
  'NewPassword',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected a password (a string)');
    if (loneSurrogate.test(u)) return t.failure(u, c, 'must be well-formed Unicode');
    const n = characterCount(u);
    if (n < PASSWORD_MIN_CHARACTERS) return t.failure(u, c, `must be at least ${PASSWORD_MIN_CHARACTERS} characters`);
    if (n > PASSWORD_MAX_CHARACTERS) return t.failure(u, c, `must be at most ${PASSWORD_MAX_CHARACTERS} characters`);
    return t.success(u);
  },
  t.identity,
);

/** A password presented at sign-in: any string up to the maximum (the rule is checked at registration). */
export const Password = new t.Type<string, string, unknown>(
  'Password',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string' && u.length > 0 && u.length <= 2 * PASSWORD_MAX_CHARACTERS && characterCount(u) <= PASSWORD_MAX_CHARACTERS
      ? t.success(u)
      : t.failure(u, c, `expected a password (a string of 1-${PASSWORD_MAX_CHARACTERS} characters)`),
  t.identity,
);

/** A refresh token as issued: 43 base64url characters (256 bits). */
export const RefreshToken = new t.Type<string, string, unknown>(
  'RefreshToken',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && /^[A-Za-z0-9_-]{43}$/.test(u) ? t.success(u) : t.failure(u, c, 'expected a refresh token as issued (43 base64url characters)')),
  t.identity,
);

export const RegisterBody = closedObject('RegisterBody', { email: Email, password: NewPassword, displayName: DisplayName, country: CountryCode }, {});
export const SignInBody = closedObject('SignInBody', { email: Email, password: Password }, {});
export const RefreshBody = closedObject('RefreshBody', { refreshToken: RefreshToken }, {});
export const SignOutBody = closedObject('SignOutBody', { refreshToken: RefreshToken }, {});
export const ProfileBody = closedObject('ProfileBody', {}, { displayName: DisplayName, country: CountryCode });
export const AdminActionBody = closedObject('AdminActionBody', { reason: Reason }, {});
export const UserParams = t.type({ userId: UserId });
