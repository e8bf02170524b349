// Signing in and out with an account (README, Accounts): register (`POST /v1/accounts`), sign in
// (`POST /v1/auth/sign-in`), keep signed in (`POST /v1/auth/refresh`, the refresh token rotated)
// and sign out (`POST /v1/auth/sign-out`, revoking the refresh token). A server without accounts
// answers 404: the page then says so and offers the development sign-in. Every function answers
// `{ ok: true, session }` or `{ ok: false, message, unavailable? }`, never an exception.
import { api } from './api.js';
import { sessionFromTokens } from './session.js';

/**
 * @typedef {import('./session.js').Session} Session
 * @typedef {import('./api.js').ApiAnswer} ApiAnswer
 * @typedef {{ ok: true, session: Session } | { ok: false, message: string, unavailable?: boolean }} SessionAnswer
 */

export const NETWORK_TROUBLE = 'The server could not be reached: try again.';
export const ACCOUNTS_UNAVAILABLE = 'Accounts are not available on this server: sign in with the development sign-in (under “Developer”) instead.';

/**
 * A sentence for a refused account request.
 * @param {ApiAnswer & { ok: false }} answer
 * @returns {string}
 */
export function accountErrorText(answer) {
  const { error } = answer;
  const fields = Array.isArray(error.details?.fields)
    ? error.details.fields.map((/** @type {any} */ f) => `${String(f?.path ?? '').replace(/^body\./, '')} ${String(f?.message ?? '')}`.trim())
    : [];
  switch (error.code) {
    case 'UNAUTHENTICATED': return 'The e-mail address or the password is wrong.';
    case 'SIGN_IN_LOCKED': {
      const seconds = Number(answer.headers?.get('retry-after') ?? error.details?.retryAfterSeconds ?? NaN);
      return `Too many failed sign-ins: try again ${Number.isFinite(seconds) ? `in ${Math.ceil(seconds / 60)} min` : 'later'}.`;
    }
    case 'EMAIL_TAKEN': return 'An account with this e-mail address exists already: sign in instead.';
    case 'INVALID_REFRESH_TOKEN':
    case 'REFRESH_TOKEN_REUSED': return 'Your sign-in has ended: sign in again.';
    case 'INVALID_REQUEST': return fields.length > 0 ? `Check the form: ${fields.join('; ')}.` : `Check the form: ${error.message}.`;
    case 'NETWORK': return NETWORK_TROUBLE;
    default: return `The server refused: ${error.message}.`;
  }
}

/**
 * @param {ApiAnswer} answer
 * @returns {SessionAnswer}
 */
const toSession = (answer) => {
  if (!answer.ok) {
    return answer.status === 404 && answer.error.code !== 'ACCOUNT_NOT_FOUND'
      ? { ok: false, message: ACCOUNTS_UNAVAILABLE, unavailable: true }
      : { ok: false, message: accountErrorText(answer) };
  }
  const session = sessionFromTokens(answer.body);
  return session === undefined ? { ok: false, message: 'The server answered without a usable token.' } : { ok: true, session };
};

/**
 * @param {string} email
 * @param {string} password
 * @returns {Promise<SessionAnswer>}
 */
export const signIn = async (email, password) => toSession(await api.signIn({ email, password }));

/**
 * @param {{ email: string, password: string, displayName: string, country: string }} details
 * @returns {Promise<SessionAnswer>}
 */
export const register = async (details) => toSession(await api.register(details));

/**
 * A new access token for an account's session (the refresh token is rotated).
 * @param {Session} session
 * @returns {Promise<SessionAnswer>}
 */
export const refresh = async (session) => {
  if (session.refreshToken === undefined) return { ok: false, message: 'This sign-in cannot be renewed: sign in again.' };
  return toSession(await api.refresh(session.refreshToken));
};

/**
 * Revokes an account's refresh token (best effort: the page forgets the session either way).
 * @param {Session} session
 */
export const signOut = async (session) => {
  if (session.refreshToken !== undefined) await api.signOut(session.refreshToken);
};
