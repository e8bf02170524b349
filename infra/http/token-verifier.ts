// One object that verifies bearer tokens, for the HTTP gateway and anything else that receives a
// token (the realtime node's {"type":"auth"} frame): HS256 tokens against AUTH_JWT_SECRET, and,
// when an identity provider is configured, RS256/ES256 tokens against its key set.
import { decodeProtectedHeader } from 'jose';
import type { webcrypto } from 'node:crypto';
import type { IdentityProviderConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS, InvalidTokenError, importVerificationKey, verifyTokenClaims } from './auth.js';
import type { AuthenticatedUser, VerifiedToken } from './auth.js';
import { KeySetUnavailableError, createIdentityProviderVerifier, identityProviderAlgorithms } from './identity-provider.js';
import type { IdentityProviderOptions, IdentityProviderVerifier } from './identity-provider.js';
import { VerifiedTokens } from './verified-tokens.js';

export interface TokenVerifierOptions {
  /** The HS256 secret (AUTH_JWT_SECRET). */
  readonly secret: string | Uint8Array;
  /** Also accept this identity provider's RS256/ES256 tokens (AUTH_JWKS_URL ...); absent: HS256 only. */
  readonly identityProvider?: IdentityProviderOptions | undefined;
  /** Seconds of clock skew tolerated for exp/nbf/iat. Default 5. */
  readonly clockToleranceSeconds?: number;
  /** How many verified tokens are remembered until they expire (0: none). Default 10 000. */
  readonly verifiedTokenCacheSize?: number;
  /** The clock (ms since the epoch), for tests. */
  readonly now?: () => number;
  /** Where a key set that cannot be fetched is reported (once when it starts failing, once when it is back). */
  readonly logger?: Logger;
}

/**
 * Verifies bearer tokens. `verify` resolves to the token's user, or rejects with InvalidTokenError
 * (the token is refused: answer 401 with its message) or KeySetUnavailableError (the identity
 * provider's keys cannot be had: answer 503, the user did nothing wrong).
 */
export interface TokenVerifier {
  /** The user of a token verified earlier and not yet expired, synchronously (the gateway's hot path); else undefined. */
  recall(token: string): AuthenticatedUser | undefined;
  verify(token: string): Promise<AuthenticatedUser>;
  /** Whether RS256/ES256 tokens of an identity provider are accepted. */
  readonly acceptsIdentityProviderTokens: boolean;
}

/** The algorithm a token's header names, when it is a string; a token whose header does not decode is refused. */
const algorithmOf = (token: string): unknown => {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    throw new InvalidTokenError('the token is not valid');
  }
};

export const createTokenVerifier = (options: TokenVerifierOptions): TokenVerifier => {
  // Imported once: jose would otherwise import the raw bytes on every verification.
  const hmacKey: Promise<webcrypto.CryptoKey> = importVerificationKey(options.secret);
  // Not a rejection nobody handles: verify awaits it (an unusable secret fails every HS256 token).
  hmacKey.catch(() => undefined);
  const toleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const clock = options.now;
  const verified = new VerifiedTokens(options.verifiedTokenCacheSize ?? 10_000);
  const provider: IdentityProviderVerifier | undefined = options.identityProvider !== undefined ? createIdentityProviderVerifier(options.identityProvider) : undefined;
  const accepted = ['HS256', ...(provider !== undefined ? identityProviderAlgorithms : [])].join(', ');
  let keySetFailing = false;

  const fromProvider = async (token: string, at: number): Promise<VerifiedToken & { untilMs: number }> => {
    if (provider === undefined) {
      throw new InvalidTokenError(`the token was refused: its algorithm is accepted only from an identity provider (AUTH_JWKS_URL), and none is configured; accepted: ${accepted}`);
    }
    try {
      const fresh = await provider.verify(token, { clockToleranceSeconds: toleranceSeconds, ...(clock !== undefined ? { now: new Date(at) } : {}) });
      if (keySetFailing) {
        keySetFailing = false;
        options.logger?.info("the identity provider's key set (AUTH_JWKS_URL) can be fetched again");
      }
      return { ...fresh, untilMs: Math.min((fresh.exp + toleranceSeconds) * 1000, at + provider.keySetMaxAgeMs) };
    } catch (err) {
      if (err instanceof KeySetUnavailableError && !keySetFailing) {
        keySetFailing = true;
        options.logger?.warn({ err: err.cause }, "the identity provider's key set (AUTH_JWKS_URL) cannot be fetched: its tokens are answered 503 until it can");
      }
      throw err;
    }
  };

  const recall = (token: string): AuthenticatedUser | undefined => verified.get(token, clock === undefined ? Date.now() : clock());

  return {
    acceptsIdentityProviderTokens: provider !== undefined,
    recall,
    verify: async (token) => {
      const at = clock === undefined ? Date.now() : clock();
      const known = verified.get(token, at);
      if (known !== undefined) return known;
      const alg = algorithmOf(token);
      let fresh: VerifiedToken & { untilMs: number };
      if (alg === 'HS256') {
        const hs = await verifyTokenClaims(token, await hmacKey, { clockToleranceSeconds: toleranceSeconds, ...(clock !== undefined ? { now: new Date(at) } : {}) });
        // jose refuses a token once exp <= now - tolerance (seconds).
        fresh = { ...hs, untilMs: (hs.exp + toleranceSeconds) * 1000 };
      } else if (typeof alg === 'string' && identityProviderAlgorithms.includes(alg)) {
        fresh = await fromProvider(token, at);
      } else if (alg === 'none') {
        throw new InvalidTokenError('the token was refused: an unsigned token (alg none) is never accepted');
      } else {
        throw new InvalidTokenError(`the token was refused: its algorithm is not accepted; accepted: ${accepted}`);
      }
      verified.set(token, fresh.user, fresh.untilMs);
      return fresh.user;
    },
  };
};

/** The verifier a process's configuration asks for: AUTH_JWT_SECRET, and the identity provider when AUTH_JWKS_URL is set. */
export const tokenVerifierFor = (config: { readonly jwtSecret: string; readonly identityProvider: IdentityProviderConfig | undefined }, logger?: Logger): TokenVerifier =>
  createTokenVerifier({ secret: config.jwtSecret, identityProvider: config.identityProvider, ...(logger !== undefined ? { logger } : {}) });
