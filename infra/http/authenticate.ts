// The gateway's authentication middleware: `Authorization: Bearer <token>`, verified by a
// TokenVerifier (token-verifier.ts), the user put on `res.locals.user`.
import type { RequestHandler } from 'express';
import { ApiError, unauthenticated } from './errors.js';
import { InvalidTokenError } from './auth.js';
import { KeySetUnavailableError } from './identity-provider.js';
import { createTokenVerifier } from './token-verifier.js';
import type { TokenVerifier, TokenVerifierOptions } from './token-verifier.js';

/** When a request without a token is refused, and which verifier checks tokens (or what to build one from). */
export type AuthenticateOptions = {
  /** When true, a request without a token is refused with 401; otherwise it passes on anonymous. */
  readonly required: boolean;
} & ({ readonly verifier: TokenVerifier } | TokenVerifierOptions);

/** Seconds a client waits before retrying when the identity provider's keys cannot be had. */
const KEY_SET_RETRY_AFTER_SECONDS = 5;

/**
 * Reads `Authorization: Bearer <token>`. A valid token puts `{userId, roles}` on
 * `res.locals.user`. A token that is present but invalid, expired or malformed is always a
 * 401 (even when not required: the client should learn its token is bad); a missing one is a
 * 401 only when `required`. 401s carry `WWW-Authenticate: Bearer`. An identity provider's token
 * whose keys cannot be fetched is a 503 UNAVAILABLE with Retry-After.
 */
export const authenticate = (options: AuthenticateOptions): RequestHandler => {
  const verifier = 'verifier' in options ? options.verifier : createTokenVerifier(options);
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      if (options.required) throw unauthenticated('a bearer token is required');
      next();
      return;
    }
    const m = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*$/i.exec(header);
    if (m === null) throw unauthenticated('expected an Authorization: Bearer <token> header', true);
    const token = m[1]!;
    const known = verifier.recall(token);
    if (known !== undefined) {
      res.locals.user = known;
      next();
      return;
    }
    try {
      res.locals.user = await verifier.verify(token);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw unauthenticated(err.message, true);
      if (err instanceof KeySetUnavailableError) {
        throw new ApiError(503, 'UNAVAILABLE', err.message, undefined, { 'Retry-After': String(KEY_SET_RETRY_AFTER_SECONDS) });
      }
      throw err;
    }
    next();
  };
};
