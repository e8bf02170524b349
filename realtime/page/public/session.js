// Who is signed in: a bearer token kept in this tab's sessionStorage (so two tabs can be two users),
// with how it was obtained: an account's sign-in (which also gives a refresh token, used before the
// access token expires), the development sign-in, or a token pasted from `npm run token`. The page
// reads the token's claims only to show who is signed in; the server verifies it on every request.

const STORAGE_KEY = 'gavelstream.session';

/**
 * @typedef {'account' | 'development' | 'token'} SessionSource
 * @typedef {{
 *   token: string, sub: string, roles: string[], expiresAtMs: number | undefined,
 *   source: SessionSource, refreshToken?: string, refreshExpiresAtMs?: number,
 * }} Session
 */

/**
 * The claims of a JWT, without verifying it (the server does); undefined when it is not a JWT.
 * @param {string} token
 * @param {SessionSource} [source]
 * @returns {Session | undefined}
 */
export function readToken(token, source = 'token') {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json);
    if (claims === null || typeof claims !== 'object' || typeof claims.sub !== 'string') return undefined;
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((/** @type {unknown} */ r) => typeof r === 'string') : [];
    return { token: token.trim(), sub: claims.sub, roles, expiresAtMs: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined, source };
  } catch {
    return undefined;
  }
}

/**
 * The session an account's tokens make (`POST /v1/accounts`, `/v1/auth/sign-in`, `/v1/auth/refresh`:
 * `{userId, roles, accessToken, expiresAt, refreshToken, refreshTokenExpiresAt}`); undefined when
 * the answer is not that.
 * @param {any} tokens
 * @returns {Session | undefined}
 */
export function sessionFromTokens(tokens) {
  if (tokens === null || typeof tokens !== 'object' || typeof tokens.accessToken !== 'string') return undefined;
  const claims = readToken(tokens.accessToken, 'account');
  if (claims === undefined) return undefined;
  const expiresAtMs = typeof tokens.expiresAt === 'string' ? Date.parse(tokens.expiresAt) : NaN;
  const refreshExpiresAtMs = typeof tokens.refreshTokenExpiresAt === 'string' ? Date.parse(tokens.refreshTokenExpiresAt) : NaN;
  return {
    ...claims,
    sub: typeof tokens.userId === 'string' ? tokens.userId : claims.sub,
    roles: Array.isArray(tokens.roles) ? tokens.roles.filter((/** @type {unknown} */ r) => typeof r === 'string') : claims.roles,
    expiresAtMs: Number.isNaN(expiresAtMs) ? claims.expiresAtMs : expiresAtMs,
    ...(typeof tokens.refreshToken === 'string' ? { refreshToken: tokens.refreshToken } : {}),
    ...(Number.isNaN(refreshExpiresAtMs) ? {} : { refreshExpiresAtMs }),
  };
}

/** @returns {Session | undefined} */
export function loadSession() {
  try {
    const text = sessionStorage.getItem(STORAGE_KEY);
    if (text === null) return undefined;
    const stored = JSON.parse(text);
    if (stored === null || typeof stored !== 'object' || typeof stored.token !== 'string') return undefined;
    const source = stored.source === 'account' || stored.source === 'development' ? stored.source : 'token';
    const session = readToken(stored.token, source);
    if (session === undefined) return undefined;
    return {
      ...session,
      ...(typeof stored.refreshToken === 'string' ? { refreshToken: stored.refreshToken } : {}),
      ...(typeof stored.refreshExpiresAtMs === 'number' ? { refreshExpiresAtMs: stored.refreshExpiresAtMs } : {}),
    };
  } catch {
    return undefined;
  }
}

/** @param {Session | undefined} session */
export function saveSession(session) {
  try {
    if (session === undefined) sessionStorage.removeItem(STORAGE_KEY);
    else {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify({
        token: session.token, source: session.source, refreshToken: session.refreshToken, refreshExpiresAtMs: session.refreshExpiresAtMs,
      }));
    }
  } catch {
    // Storage may be off (private modes): the session then lasts until the page reloads.
  }
}

/**
 * @param {Session | undefined} session
 * @param {number} nowMs
 */
export function isExpired(session, nowMs) {
  return session?.expiresAtMs !== undefined && session.expiresAtMs <= nowMs;
}

/** How long before the access token expires the page asks for a new one. */
export const REFRESH_AHEAD_MS = 60_000;

/**
 * When to refresh an account's access token (milliseconds from `nowMs`); undefined when the session
 * cannot be refreshed (no refresh token, or it has expired too).
 * @param {Session | undefined} session
 * @param {number} nowMs
 * @returns {number | undefined}
 */
export function refreshDelay(session, nowMs) {
  if (session?.refreshToken === undefined || session.expiresAtMs === undefined) return undefined;
  if (session.refreshExpiresAtMs !== undefined && session.refreshExpiresAtMs <= nowMs) return undefined;
  const lifetime = session.expiresAtMs - nowMs;
  // A minute ahead; with less than two minutes left, halfway to the end.
  return Math.max(0, lifetime - REFRESH_AHEAD_MS, lifetime / 2);
}
