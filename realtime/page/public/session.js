// Who is bidding: a bearer token kept in this tab's sessionStorage (so two tabs can be two bidders),
// from the development sign-in or pasted from `npm run token`. The page reads the token's claims only
// to show who is signed in; the server verifies it on every request.

const STORAGE_KEY = 'gavelstream.token';

/**
 * @typedef {{ token: string, sub: string, roles: string[], expiresAtMs: number | undefined }} Session
 */

/**
 * The claims of a JWT, without verifying it (the server does); undefined when it is not a JWT.
 * @param {string} token
 * @returns {Session | undefined}
 */
export function readToken(token) {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json);
    if (claims === null || typeof claims !== 'object' || typeof claims.sub !== 'string') return undefined;
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((/** @type {unknown} */ r) => typeof r === 'string') : [];
    return { token: token.trim(), sub: claims.sub, roles, expiresAtMs: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined };
  } catch {
    return undefined;
  }
}

/** @returns {Session | undefined} */
export function loadSession() {
  try {
    const token = sessionStorage.getItem(STORAGE_KEY);
    return token === null ? undefined : readToken(token);
  } catch {
    return undefined;
  }
}

/** @param {Session | undefined} session */
export function saveSession(session) {
  try {
    if (session === undefined) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, session.token);
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
