// Tokens of an external identity provider (DESIGN.md sections 4 and 5): RS256 or ES256, signed by
// a key the provider publishes as a JSON Web Key Set at AUTH_JWKS_URL, for the configured issuer
// and audience. jose fetches and caches the key set, picks the key by the token's `kid`, fetches
// again for a `kid` it does not know (a rotation; at most once per cooldown), and verifies.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { UserId } from '../../domain/index.js';
import type { IdentityProviderConfig } from '../config.js';
import { InvalidTokenError, RoleCodec, claimProblem } from './auth.js';
import type { Role, VerifiedToken } from './auth.js';

/** The algorithms an identity provider's token may use. */
export const identityProviderAlgorithms: readonly string[] = ['RS256', 'ES256'];

export interface IdentityProviderOptions extends IdentityProviderConfig {
  /** The longest one fetch of the key set may take (jose's timeoutDuration). Default 5000 ms. */
  readonly fetchTimeoutMs?: number;
  /** After a fetch, a token with an unknown `kid` fetches again only this much later (jose's cooldownDuration). Default 30 000 ms. */
  readonly cooldownMs?: number;
  /** The key set is fetched again once it is older than this (jose's cacheMaxAge). Default 600 000 ms. */
  readonly cacheMaxAgeMs?: number;
}

export const DEFAULT_KEY_SET_MAX_AGE_MS = 600_000;

/**
 * The provider's key set could not be had (the server is down, slow, answers other than 200, or
 * serves no valid key set): nothing is wrong with the user's token, so the answer is 503, not 401.
 * `cause` says what failed, for the operators' log.
 */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
  constructor(override readonly cause: unknown) {
    super("the identity provider's signing keys cannot be fetched right now; retry shortly");
  }
}

const SubjectClaimsCodec = t.type({ sub: UserId }, 'IdentityProviderClaims');

/** Failures of a token's own: refused with the problem named, never the token's contents. */
const refusal = (err: unknown): InvalidTokenError => {
  const { code, claim, reason } = err as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new InvalidTokenError('the token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') return new InvalidTokenError(`the token was refused: claim ${String(claim)} is required`);
      if (claim === 'iss') return new InvalidTokenError('the token was refused: claim iss is not the configured issuer (AUTH_ISSUER)');
      if (claim === 'aud') return new InvalidTokenError('the token was refused: claim aud does not name this service (AUTH_AUDIENCE)');
      // jose's messages name the claim and the check, never a value ('missing required "exp" claim').
      return new InvalidTokenError(`the token was refused: ${(err as Error).message}`);
    default:
      return new InvalidTokenError('the token is not valid');
  }
};

/** The user's roles from the configured claim: absent is none; names that are not Gavelstream roles grant nothing. */
const rolesOf = (payload: Readonly<Record<string, unknown>>, claim: string): readonly Role[] => {
  const value = payload[claim];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((r) => typeof r === 'string')) {
    throw new InvalidTokenError(`the token was refused: claim ${claim} must be an array of role names`);
  }
  return [...new Set(value.filter((r): r is Role => RoleCodec.is(r)))];
};

export interface IdentityProviderVerifyOptions {
  readonly clockToleranceSeconds: number;
  readonly now?: Date;
}

/** Verifies one provider's tokens; throws InvalidTokenError (the token) or KeySetUnavailableError (the provider). */
export interface IdentityProviderVerifier {
  verify(token: string, options: IdentityProviderVerifyOptions): Promise<VerifiedToken>;
  /** How long a verified token may be recalled without asking the key set again (its cache age). */
  readonly keySetMaxAgeMs: number;
}

export const createIdentityProviderVerifier = (options: IdentityProviderOptions): IdentityProviderVerifier => {
  const keySetMaxAgeMs = options.cacheMaxAgeMs ?? DEFAULT_KEY_SET_MAX_AGE_MS;
  const keySet = createRemoteJWKSet(new URL(options.jwksUrl), {
    ...(options.fetchTimeoutMs !== undefined ? { timeoutDuration: options.fetchTimeoutMs } : {}),
    ...(options.cooldownMs !== undefined ? { cooldownDuration: options.cooldownMs } : {}),
    cacheMaxAge: keySetMaxAgeMs,
  });
  // Everything the key set throws but "no such key" is about the provider, not the token.
  const key: JWTVerifyGetKey = async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_JWKS_NO_MATCHING_KEY') throw new InvalidTokenError("the token was refused: its signing key (kid) is not in the identity provider's key set");
      if (code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw new InvalidTokenError("the token was refused: it names no signing key (kid) and the identity provider's key set has several");
      throw new KeySetUnavailableError(err);
    }
  };
  return {
    keySetMaxAgeMs,
    verify: async (token, verifyOptions) => {
      let payload: Readonly<Record<string, unknown>>;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: [...identityProviderAlgorithms],
          issuer: options.issuer,
          audience: [...options.audience],
          requiredClaims: ['exp'],
          clockTolerance: verifyOptions.clockToleranceSeconds,
          ...(verifyOptions.now !== undefined ? { currentDate: verifyOptions.now } : {}),
        }));
      } catch (err) {
        if (err instanceof InvalidTokenError || err instanceof KeySetUnavailableError) throw err;
        throw refusal(err);
      }
      const claims = SubjectClaimsCodec.decode(payload);
      if (isLeft(claims)) throw new InvalidTokenError(`the token was refused: ${[...new Set(claims.left.map(claimProblem))].join('; ')}`);
      const roles = rolesOf(payload, options.rolesClaim);
      // jose required `exp` and checked it is a number.
      const exp = payload.exp as number;
      return { user: Object.freeze({ userId: claims.right.sub, roles: Object.freeze(roles) }), exp };
    },
  };
};
